package dev.costpipe.sinks.clickhouse;

import static dev.costpipe.sinks.clickhouse.SinkTestSupport.await;
import static dev.costpipe.sinks.clickhouse.SinkTestSupport.uncommitted;
import static dev.costpipe.sinks.clickhouse.TestRecords.cost;
import static org.assertj.core.api.Assertions.assertThat;

import dev.costpipe.engine.testing.ClickHouseTestServer;
import dev.costpipe.sinks.clickhouse.SinkTestSupport.RunningSink;
import dev.costpipe.sinks.clickhouse.SinkTestSupport.Topics;
import dev.costpipe.topology.testing.KafkaTestBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Rows per second through the whole sink (Kafka → rows → ClickHouse → commit) with the default batch of
 * 10,000 rows. A benchmark, not part of {@code mvn verify} (its name is not a test's): run it with
 * {@code mvn -B -pl sinks test -Dtest=ClickHouseSinkThroughputBench -Dsurefire.failIfNoSpecifiedTests=false}
 * (row count {@code -Dcostpipe.sink.bench.rows}, default 100,000).
 */
class ClickHouseSinkThroughputBench {

  @Test
  void rowsPerSecond() throws Exception {
    int rows = Integer.getInteger("costpipe.sink.bench.rows", 100_000);
    KafkaTestBroker broker = KafkaTestBroker.shared();
    ClickHouseTestServer clickhouse = ClickHouseTestServer.shared();
    Topics t = Topics.unique();
    broker.createTopic(t.costs(), 3, Map.of());
    broker.createTopic(t.aggregates(), 1, Map.of());
    broker.createTopic(t.alerts(), 1, Map.of());
    String db = TestRecords.unique("cp_bench");
    String group = TestRecords.unique("group");

    List<Map.Entry<String, String>> records = new ArrayList<>(rows);
    Instant base = Instant.parse("2026-05-01T00:00:00Z");
    for (int i = 0; i < rows; i++) {
      String id = "bench-" + i;
      records.add(Map.entry(id, cost(id).at(base.plusSeconds(i)).user("user-" + i % 1000)
          .session("s-" + i / 8, i % 2 == 0 ? "support-chat" : "agent", "/step/" + i % 8)
          .property("Environment", "production").property("Customer", "c" + i % 50)
          .usage(1_000 + i % 5_000, 200 + i % 700, i % 3 == 0 ? 512 : 0).cost(10_000L + i).json()));
    }
    long bytes = records.stream().mapToLong(e -> e.getValue().length()).sum();

    long convertStart = System.nanoTime();
    long now = Instant.now().getEpochSecond();
    for (Map.Entry<String, String> r : records) {
      SinkRows.costRecord(r.getValue().getBytes(StandardCharsets.UTF_8), now);
    }
    double convertSeconds = (System.nanoTime() - convertStart) / 1e9;

    broker.produce(t.costs(), records);
    var settings = SinkTestSupport.settings(broker, clickhouse.httpUrl(), db, t, group);
    settings.remove("costpipe.sink.clickhouse.batch-rows"); // the default, 10,000
    settings.remove("costpipe.sink.clickhouse.batch-ms");
    long start = System.nanoTime();
    try (RunningSink sink = new RunningSink(ClickHouseSinkConfig.from(settings))) {
      long[] firstRows = {0};
      await(Duration.ofMinutes(5), () -> "all rows; sink " + sink.metrics(), () -> {
        if (firstRows[0] == 0 && sink.metrics().batches() > 0) {
          firstRows[0] = System.nanoTime();
        }
        return sink.metrics().rowsWritten(SinkTable.REQUEST_COSTS) >= rows;
      });
      long done = System.nanoTime();
      double seconds = (done - start) / 1e9;
      double steady = (done - firstRows[0]) / 1e9;
      long firstBatch = 10_000;
      await(Duration.ofSeconds(30), "the last commit", () -> uncommitted(broker, group, t.sources()).isEmpty());
      System.out.printf("ClickHouse sink: %,d cost records (%,d bytes of JSON, %d B/record) in %.2f s including"
              + " start-up and group join: %,.0f rows/s; after the first batch: %,.0f rows/s; %d insert batches,"
              + " last batch %d ms; record → row conversion alone: %,.0f rows/s on one thread (cold)%n", rows, bytes,
          bytes / rows, seconds, rows / seconds, (rows - firstBatch) / steady, sink.metrics().batches(),
          sink.metrics().lastBatchLatencyMillis(), rows / convertSeconds);
    }
    assertThat(clickhouse.query("SELECT count() AS n FROM " + db + ".request_costs FINAL FORMAT JSONEachRow")
        .get(0).get("n")).isEqualTo(String.valueOf(rows));
  }
}
