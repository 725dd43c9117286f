package dev.costpipe.clickhouse.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.costpipe.contracts.avro.serde.JsonOrAvroValues;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** When the sink flushes, what a flush holds, and which offsets it may commit: no Kafka, no ClickHouse. */
class SinkBufferTest {
  private static final Duration IDLE = Duration.ofMillis(500);
  private static final TopicPartition COSTS_0 = new TopicPartition("llm.costs", 0);
  private static final TopicPartition COSTS_1 = new TopicPartition("llm.costs", 1);

  private static SinkBuffer buffer(int batchRows, int batchMs) {
    Properties p = new Properties();
    p.setProperty("costpipe.sink.clickhouse.batch-rows", Integer.toString(batchRows));
    p.setProperty("costpipe.sink.clickhouse.batch-ms", Integer.toString(batchMs));
    return new SinkBuffer(ClickHouseSinkConfig.from(p), new JsonOrAvroValues(Map.of()), new RowEncodings());
  }

  private static ConsumerRecord<byte[], byte[]> record(String topic, int partition, long offset, String value) {
    return new ConsumerRecord<>(topic, partition, offset, null, value.getBytes(StandardCharsets.UTF_8));
  }

  private static ConsumerRecord<byte[], byte[]> cost(int partition, long offset) {
    return record("llm.costs", partition, offset, TestRecords.cost("r-" + partition + "-" + offset).json());
  }

  @Test
  void eachRecordBecomesARowOfItsTableOrADeadLetter() {
    SinkBuffer b = buffer(100, 60_000);
    b.add(List.of(cost(0, 5), record("llm.costs", 0, 6, "not json"), cost(1, 9),
        record("llm.cost-alerts", 0, 3, TestRecords.alert("rule-1", 80, "10", "8.5", "2026-06-01T00:00:00Z",
            "2026-06-02T00:00:00Z", "2026-06-01T10:00:00Z", "r-1"))));

    assertThat(b.records()).isEqualTo(4);
    SinkBuffer.Flush f = b.startFlush();
    assertThat(f.rows().get(SinkTable.REQUEST_COSTS)).extracting(r -> r.source().offset()).containsExactly(5L, 9L);
    SinkRow first = f.rows().get(SinkTable.REQUEST_COSTS).get(0);
    assertThat(new String(SinkTable.REQUEST_COSTS.json(first.values(SinkTable.REQUEST_COSTS)), StandardCharsets.UTF_8))
        .contains("\"request_id\":\"r-0-5\"");
    assertThat(f.rows().get(SinkTable.COST_ALERTS)).hasSize(1);
    assertThat(f.rows().get(SinkTable.COST_AGGREGATES)).isEmpty();
    assertThat(f.deadLetters()).singleElement().satisfies(l -> {
      assertThat(l.source().offset()).isEqualTo(6);
      assertThat(l.reason()).isEqualTo(InvalidRecordException.INVALID_JSON);
    });
    assertThat(f.offsets()).isEqualTo(Map.of(COSTS_0, 7L, COSTS_1, 10L,
        new TopicPartition("llm.cost-alerts", 0), 4L));
    assertThat(b.hasPending()).isFalse();
    assertThat(b.records()).isZero();
  }

  @Test
  void aFlushIsDueWhenATableHoldsBatchRows() {
    SinkBuffer b = buffer(3, 60_000);
    assertThat(b.flushDue()).isFalse();
    assertThat(b.pollTimeout(IDLE)).isEqualTo(IDLE);
    b.add(List.of(cost(0, 0), cost(0, 1), record("llm.costs", 0, 2, "not json")));
    assertThat(b.flushDue()).as("a dead letter is not a row").isFalse();
    assertThat(b.pollTimeout(IDLE)).isPositive().isLessThanOrEqualTo(IDLE);
    b.add(List.of(cost(0, 3)));
    assertThat(b.flushDue()).isTrue();
  }

  @Test
  void aFlushIsDueWhenTheOldestRecordIsBatchMsOld() {
    SinkBuffer b = buffer(100, 0);
    assertThat(b.flushDue()).isFalse();
    b.add(List.of(cost(0, 0)));
    assertThat(b.flushDue()).isTrue();
    assertThat(b.pollTimeout(IDLE)).isZero();
  }

  @Test
  void afterAFullBatchTheRestIsDueAsSoonAsAPollFindsNothingMore() {
    SinkBuffer b = buffer(2, 60_000);
    b.add(List.of(cost(0, 0)));
    b.caughtUp();
    assertThat(b.flushDue()).as("no backlog read yet: the rows wait for batch-ms").isFalse();
    assertThat(b.pollTimeout(IDLE)).isEqualTo(IDLE);
    b.add(List.of(cost(0, 1)));
    assertThat(b.flushDue()).isTrue();
    b.startFlush();

    b.add(List.of(cost(0, 2)));
    assertThat(b.flushDue()).as("the backlog may go on").isFalse();
    assertThat(b.pollTimeout(IDLE)).isLessThanOrEqualTo(SinkBuffer.BACKLOG_POLL);
    b.add(List.of());
    assertThat(b.flushDue()).as("an empty add is not the consumer's poll").isFalse();
    b.caughtUp();
    assertThat(b.flushDue()).as("the backlog's end").isTrue();
    b.startFlush();

    b.add(List.of(cost(0, 3)));
    b.caughtUp();
    assertThat(b.flushDue()).as("after an early flush, rows wait for batch-ms again").isFalse();
    assertThat(b.pollTimeout(IDLE)).isGreaterThan(SinkBuffer.BACKLOG_POLL);
  }

  @Test
  void aLargePollIsConvertedOnSeveralThreadsAndKeepsTheRecordOrder() {
    SinkBuffer b = buffer(100_000, 60_000);
    List<ConsumerRecord<byte[], byte[]>> poll = new ArrayList<>();
    for (int i = 0; i < 3 * RowConverter.PARALLEL_FROM; i++) {
      poll.add(i % 97 == 13 ? record("llm.costs", i % 2, i, "not json") : cost(i % 2, i));
    }
    b.add(poll);

    SinkBuffer.Flush f = b.startFlush();
    List<ConsumerRecord<byte[], byte[]>> good = poll.stream().filter(r -> r.offset() % 97 != 13).toList();
    assertThat(f.rows().get(SinkTable.REQUEST_COSTS)).extracting(SinkRow::source).containsExactlyElementsOf(good);
    assertThat(f.rows().get(SinkTable.REQUEST_COSTS)).allSatisfy(r -> assertThat(new String(
        SinkTable.REQUEST_COSTS.json(r.values(SinkTable.REQUEST_COSTS)), StandardCharsets.UTF_8))
        .contains("\"request_id\":\"r-" + r.source().partition() + "-" + r.source().offset() + "\""));
    assertThat(f.deadLetters()).extracting(l -> l.source().offset()).containsExactly(13L, 110L, 207L, 304L, 401L,
        498L, 595L, 692L);
    assertThat(f.offsets()).isEqualTo(Map.of(COSTS_0, 767L, COSTS_1, 768L));
  }

  @Test
  void partitionsTakenAwayAreNotCommittedEvenWhileTheirFlushIsUnderWay() {
    SinkBuffer b = buffer(100, 60_000);
    b.add(List.of(cost(0, 0), cost(1, 0)));
    SinkBuffer.Flush f = b.startFlush();
    b.add(List.of(cost(0, 1)));

    b.forget(List.of(COSTS_0));

    assertThat(f.offsets()).isEqualTo(Map.of(COSTS_1, 1L));
    assertThat(b.startFlush().offsets()).isEmpty();
  }

  @Test
  void offsetsWhoseCommitFailedGoWithTheNextFlushAndMakeItDue() {
    SinkBuffer b = buffer(100, 0);
    b.add(List.of(cost(0, 4)));
    Map<TopicPartition, Long> failed = b.startFlush().offsets();
    b.flushEnded();
    b.add(List.of(cost(1, 0)));

    b.keepForNextCommit(failed);
    b.keepForNextCommit(Map.of(COSTS_1, 0L));

    assertThat(b.flushDue()).isTrue();
    assertThat(b.startFlush().offsets()).isEqualTo(Map.of(COSTS_0, 5L, COSTS_1, 1L));
    b.keepForNextCommit(Map.of(COSTS_0, 5L));
    assertThat(b.hasPending()).isTrue();
    assertThat(b.records()).isZero();
    assertThat(b.flushDue()).isTrue();
  }

  @Test
  void theSourceTopicsMustDiffer() {
    Properties p = new Properties();
    p.setProperty("costpipe.topic.cost-alerts", "llm.costs");
    assertThatThrownBy(() -> new SinkBuffer(ClickHouseSinkConfig.from(p), new JsonOrAvroValues(Map.of()),
        new RowEncodings()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must differ");
  }
}
