package dev.costpipe.clickhouse.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.costpipe.contracts.Backoff;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** The sink's batching, bisection and retries against an in-memory ClickHouse: no server, no Kafka. */
class BatchWriterTest {
  private final InMemoryRowInserter clickHouse = new InMemoryRowInserter();
  private final ClickHouseSinkMetrics metrics = new ClickHouseSinkMetrics();
  private final AtomicBoolean down = new AtomicBoolean();
  private final BatchWriter writer = new BatchWriter(clickHouse, config(4), new Backoff(Duration.ofMillis(100),
      Duration.ofMillis(400)), metrics, down);
  /** The waits asked for; the sleeper runs {@link #duringWait} and never really sleeps. */
  private final List<Duration> waits = new ArrayList<>();
  private Runnable duringWait = () -> {};
  private final Backoff.Sleeper sleeper = d -> {
    waits.add(d);
    duringWait.run();
    return true;
  };

  static ClickHouseSinkConfig config(int batchRows) {
    Properties p = new Properties();
    p.setProperty("costpipe.sink.clickhouse.batch-rows", Integer.toString(batchRows));
    p.setProperty("costpipe.sink.clickhouse.retry-backoff-ms", "100");
    p.setProperty("costpipe.sink.clickhouse.retry-backoff-max-ms", "400");
    return ClickHouseSinkConfig.from(p);
  }

  /** Rows {@code row-<first>} … of a table, each from its own offset of partition 0. */
  static List<SinkRow> rows(String topic, int first, int count) {
    return IntStream.range(first, first + count).mapToObj(i -> {
      String row = "row-" + i;
      byte[] value = row.getBytes(StandardCharsets.UTF_8);
      return new SinkRow(new ConsumerRecord<>(topic, 0, i, null, value), value, 0, null, null);
    }).toList();
  }

  private static Map<SinkTable, List<SinkRow>> costs(List<SinkRow> rows) {
    Map<SinkTable, List<SinkRow>> m = new EnumMap<>(SinkTable.class);
    m.put(SinkTable.REQUEST_COSTS, rows);
    return m;
  }

  private static List<String> names(int first, int count) {
    return IntStream.range(first, first + count).mapToObj(i -> "row-" + i).toList();
  }

  @Test
  void eachTableIsWrittenInBatchesOfBatchRows() {
    Map<SinkTable, List<SinkRow>> rows = costs(rows("llm.costs", 0, 9));
    rows.put(SinkTable.COST_ALERTS, rows("llm.cost-alerts", 100, 2));

    assertThat(writer.write(rows, sleeper)).isEmpty();

    assertThat(clickHouse.requestSizes).containsExactly(4, 4, 1, 2);
    assertThat(clickHouse.written.get(SinkTable.REQUEST_COSTS)).isEqualTo(names(0, 9));
    assertThat(clickHouse.written.get(SinkTable.COST_ALERTS)).isEqualTo(names(100, 2));
    assertThat(metrics.rowsWritten(SinkTable.REQUEST_COSTS)).isEqualTo(9);
    assertThat(metrics.batches()).isEqualTo(4);
    assertThat(waits).isEmpty();
  }

  @Test
  void bisectionIsolatesEachRefusedRowAndWritesTheRest() {
    clickHouse.badRow = row -> row.equals("row-1") || row.equals("row-2");

    List<DeadLetter> letters = writer.write(costs(rows("llm.costs", 0, 4)), sleeper);

    assertThat(letters).extracting(l -> l.source().offset()).containsExactly(1L, 2L);
    assertThat(letters).allSatisfy(l -> {
      assertThat(l.reason()).isEqualTo(ClickHouseSink.REJECTED);
      assertThat(l.message()).contains("Cannot parse input: row-" + l.source().offset());
      assertThat(l.withoutValue()).isFalse();
    });
    assertThat(clickHouse.written.get(SinkTable.REQUEST_COSTS)).containsExactly("row-0", "row-3");
    assertThat(waits).isEmpty();
  }

  @Test
  void withARowAcceptedBeforeABadRowIsFoundByBisectionEvenInABatchOfOne() {
    writer.write(costs(rows("llm.costs", 0, 4)), sleeper);
    clickHouse.badRow = row -> row.equals("row-4") || row.equals("row-8");

    List<DeadLetter> letters = writer.write(costs(rows("llm.costs", 4, 5)), sleeper);

    // the second batch is the single row-8: refused while the known row is accepted again
    assertThat(letters).extracting(l -> l.source().offset()).containsExactly(4L, 8L);
    assertThat(clickHouse.written.get(SinkTable.REQUEST_COSTS)).containsSubsequence(names(0, 4))
        .containsSubsequence("row-5", "row-6", "row-7").doesNotContain("row-4", "row-8");
  }

  @Test
  void aBrokenTableRefusingARowItAcceptedBeforeIsRetriedNotDeadLettered() {
    writer.write(costs(rows("llm.costs", 0, 1)), sleeper);
    clickHouse.tableBroken = true;
    duringWait = () -> clickHouse.tableBroken = waits.size() < 3;

    List<DeadLetter> letters = writer.write(costs(rows("llm.costs", 1, 4)), sleeper);

    assertThat(letters).isEmpty();
    assertThat(clickHouse.written.get(SinkTable.REQUEST_COSTS)).endsWith(names(1, 4).toArray(String[]::new));
    assertThat(waits).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(400));
    assertThat(metrics.retries()).isEqualTo(3);
  }

  @Test
  void everyRowRefusedWithoutAKnownGoodRowIsTakenAsTheTablesFault() {
    clickHouse.tableBroken = true;
    duringWait = () -> clickHouse.tableBroken = false;

    List<DeadLetter> letters = writer.write(costs(rows("llm.costs", 0, 4)), sleeper);

    assertThat(letters).isEmpty();
    assertThat(clickHouse.written.get(SinkTable.REQUEST_COSTS)).isEqualTo(names(0, 4));
    assertThat(waits).containsExactly(Duration.ofMillis(100));
  }

  @Test
  void aTableAtFaultIsDiagnosedAgainOnlyEveryFewRetries() {
    writer.write(costs(rows("llm.costs", 0, 1)), sleeper);
    clickHouse.tableBroken = true;
    clickHouse.requestSizes.clear();
    duringWait = () -> clickHouse.tableBroken = waits.size() <= BatchWriter.DIAGNOSE_EVERY;

    writer.write(costs(rows("llm.costs", 1, 4)), sleeper);

    // the batch and the known row (refused: forgotten); the batch alone 9 times; at the 10th retry the batch
    // and its bisection (every row refused: still the table's fault); then the batch, accepted
    assertThat(clickHouse.requestSizes)
        .containsExactly(4, 1, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 2, 1, 1, 2, 1, 1, 4);
    assertThat(waits).hasSize(BatchWriter.DIAGNOSE_EVERY + 1);
  }

  @Test
  void anOutageIsRetriedWithExponentialBackoffAndNothingIsLost() {
    clickHouse.outages = 4;
    List<Boolean> downDuringWaits = new ArrayList<>();
    duringWait = () -> downDuringWaits.add(down.get());

    assertThat(writer.write(costs(rows("llm.costs", 0, 3)), sleeper)).isEmpty();

    assertThat(waits).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(400),
        Duration.ofMillis(400));
    assertThat(downDuringWaits).containsOnly(true);
    assertThat(down).isFalse();
    assertThat(clickHouse.written.get(SinkTable.REQUEST_COSTS)).isEqualTo(names(0, 3));
    assertThat(metrics.retries()).isEqualTo(4);
    assertThat(metrics.batches()).isEqualTo(1);
  }

  @Test
  void aWaitCutShortStopsTheWriteWithoutDeadLetters() {
    clickHouse.outages = 1;

    assertThatThrownBy(() -> writer.write(costs(rows("llm.costs", 0, 3)), d -> false))
        .isInstanceOf(StopRequested.class);

    assertThat(clickHouse.written.get(SinkTable.REQUEST_COSTS)).isEmpty();
    assertThat(metrics.retries()).isEqualTo(1);
    assertThat(down).isTrue();
  }
}
