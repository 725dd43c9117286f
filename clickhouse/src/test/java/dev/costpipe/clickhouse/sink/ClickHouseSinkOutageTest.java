package dev.costpipe.clickhouse.sink;

import static dev.costpipe.clickhouse.sink.SinkTestSupport.await;
import static dev.costpipe.clickhouse.sink.SinkTestSupport.uncommitted;
import static dev.costpipe.clickhouse.sink.TestRecords.cost;
import static org.assertj.core.api.Assertions.assertThat;

import dev.costpipe.engine.record.CostRecordJson;
import dev.costpipe.testsupport.ClickHouseServerProcess;
import dev.costpipe.testsupport.ClickHouseTestServer;
import dev.costpipe.clickhouse.sink.SinkTestSupport.RunningSink;
import dev.costpipe.clickhouse.sink.SinkTestSupport.Topics;
import dev.costpipe.testsupport.KafkaTestBroker;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * ClickHouse goes down in the middle of a run and comes back on the same data: the sink waits and
 * retries, commits nothing it has not written, dead-letters nothing, and in the end every row is there
 * once.
 */
class ClickHouseSinkOutageTest {
  private static final Duration WAIT = Duration.ofSeconds(40);
  private static final Instant BASE = Instant.parse("2026-07-01T00:00:00Z");

  private static List<Map.Entry<String, String>> records(int from, int to) {
    List<Map.Entry<String, String>> out = new ArrayList<>();
    for (int i = from; i < to; i++) {
      String id = "o-" + i;
      out.add(Map.entry(id, CostRecordJson.write(cost(id).at(BASE.plusSeconds(i * 60L)).user("u" + i % 5)
          .session("s" + i / 10, "chat", "/p").cost(1_000_000L + i).build())));
    }
    return out;
  }

  private static long committedTotal(KafkaTestBroker broker, String group) throws Exception {
    try (Admin admin = SinkTestSupport.admin(broker)) {
      Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
          .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
      return offsets.values().stream().mapToLong(OffsetAndMetadata::offset).sum();
    }
  }

  @Test
  void clickHouseStopsAndStartsAgainMidRunWithNothingLostAndNothingDoubled() throws Exception {
    KafkaTestBroker broker = KafkaTestBroker.shared();
    ClickHouseTestServer clickhouse = ClickHouseTestServer.start();
    ClickHouseServerProcess process = ClickHouseServerProcess.of(clickhouse.httpUrl());
    try {
      Topics t = Topics.unique();
      broker.createTopic(t.costs(), 2, Map.of());
      broker.createTopic(t.aggregates(), 1, Map.of());
      broker.createTopic(t.alerts(), 1, Map.of());
      String db = TestRecords.unique("cp_outage");
      String group = TestRecords.unique("group");
      var settings = SinkTestSupport.settings(broker, clickhouse.httpUrl(), db, t, group);
      settings.setProperty("costpipe.sink.clickhouse.batch-rows", "50");
      settings.setProperty("costpipe.sink.clickhouse.socket-timeout-ms", "5000");

      broker.produce(t.costs(), records(0, 200));
      try (RunningSink sink = new RunningSink(ClickHouseSinkConfig.from(settings))) {
        await(WAIT, () -> "the first 200 rows; sink " + sink.metrics(),
            () -> sink.metrics().rowsWritten(SinkTable.REQUEST_COSTS) >= 200
                && uncommitted(broker, group, t.sources()).isEmpty());

        // ClickHouse goes away while records keep arriving. 18.16 on SIGTERM stops accepting connections but
        // keeps serving open keep-alive ones (the sink's) until they idle: after 2 s it is killed.
        Thread producer = new Thread(() -> {
          for (int from = 200; from < 350; from += 50) {
            broker.produce(t.costs(), records(from, from + 50));
            try {
              Thread.sleep(300);
            } catch (InterruptedException e) {
              return;
            }
          }
        });
        long retriesAtStop = sink.metrics().retries();
        producer.start();
        Thread.sleep(200);
        long stoppedPid = process.pid();
        process.stop(Duration.ofSeconds(2));
        assertThat(ProcessHandle.of(stoppedPid).map(ProcessHandle::isAlive)).isNotEqualTo(java.util.Optional.of(true));
        producer.join();
        for (int from = 350; from < 500; from += 50) { // certainly while ClickHouse is down
          broker.produce(t.costs(), records(from, from + 50));
          Thread.sleep(200);
        }
        await(WAIT, () -> "retries while ClickHouse is down; sink " + sink.metrics(),
            () -> sink.metrics().retries() >= retriesAtStop + 5);
        // nothing is committed past what ClickHouse acknowledged
        long committed = committedTotal(broker, group);
        assertThat(committed).isLessThanOrEqualTo(350);
        assertThat(committed).isLessThanOrEqualTo(sink.metrics().rowsWritten(SinkTable.REQUEST_COSTS));
        assertThat(sink.isRunning()).isTrue();

        process.start();
        assertThat(process.pid()).isNotEqualTo(stoppedPid);
        await(WAIT, () -> "all 500 rows after the restart; sink " + sink.metrics(),
            () -> clickhouse.query("SELECT count() AS n FROM " + db + ".request_costs FINAL FORMAT JSONEachRow")
                .get(0).get("n").equals("500") && uncommitted(broker, group, t.sources()).isEmpty());
        System.out.printf("outage: %d retries, %d rows acknowledged for 500 records, %d committed before the"
            + " restart%n", sink.metrics().retries(), sink.metrics().rowsWritten(SinkTable.REQUEST_COSTS), committed);
        assertThat(sink.metrics().retries()).isGreaterThan(0);
        assertThat(sink.metrics().deadLetters()).isZero();
      }
      Map<String, Object> totals = clickhouse.query("SELECT count() AS n, uniqExact(request_id) AS u,"
          + " sum(cost_nano_usd) AS s FROM " + db + ".request_costs FINAL FORMAT JSONEachRow").get(0);
      assertThat(totals).containsEntry("n", "500").containsEntry("u", "500")
          .containsEntry("s", String.valueOf(500 * 1_000_000L + 499 * 500 / 2));
      assertThat(clickhouse.query("SELECT sum(total_cost_nano_usd) AS s FROM " + db
          + ".v_cost_per_day FORMAT JSONEachRow").get(0).get("s")).isEqualTo(totals.get("s"));
    } finally {
      process.stop();
      clickhouse.close();
    }
  }
}
