package dev.costpipe.clickhouse.sink;

import static dev.costpipe.clickhouse.sink.SinkTestSupport.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.costpipe.engine.record.CostRecord;
import dev.costpipe.engine.record.CostRecordJson;
import dev.costpipe.testsupport.ClickHouseServerProcess;
import dev.costpipe.testsupport.ClickHouseTestServer;
import dev.costpipe.clickhouse.sink.SinkTestSupport.RunningSink;
import dev.costpipe.clickhouse.sink.SinkTestSupport.Topics;
import dev.costpipe.topology.app.CostpipeApplication;
import dev.costpipe.topology.it.HostileEvents;
import dev.costpipe.topology.it.MixedTraffic;
import dev.costpipe.topology.it.PipelineHarness;
import dev.costpipe.topology.it.TopicReader;
import dev.costpipe.testsupport.KafkaTestBroker;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * The whole pipeline (topology and ClickHouse sink, real broker, real ClickHouse) while ClickHouse is
 * down for 30 s in the middle of the stream: afterwards {@code request_costs FINAL} holds exactly one
 * row per request with the topic's totals, and values full of quotes and SQL are stored as they came.
 */
class PipelineClickHouseOutageTest {
  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final Duration OUTAGE = Duration.ofSeconds(30);

  @Test
  void clickHouseDownForThirtySecondsMidStreamLosesAndDoublesNothing() throws Exception {
    KafkaTestBroker broker = KafkaTestBroker.shared();
    ClickHouseTestServer clickhouse = ClickHouseTestServer.start();
    ClickHouseServerProcess process = ClickHouseServerProcess.of(clickhouse.httpUrl());
    Properties app = PipelineHarness.settings(broker.bootstrapServers(), "pipe-outage");
    String db = TestRecords.unique("cp_pipe");
    Topics topics = new Topics(app.getProperty("costpipe.topic.costs"), app.getProperty("costpipe.topic.cost-aggregates"),
        app.getProperty("costpipe.topic.cost-alerts"), "pipe-outage.sink-dlq");
    Properties sinkSettings = SinkTestSupport.settings(broker, clickhouse.httpUrl(), db, topics,
        TestRecords.unique("pipe-sink"));
    sinkSettings.setProperty("costpipe.sink.clickhouse.socket-timeout-ms", "5000");
    MixedTraffic traffic = new MixedTraffic(900, 6);
    HostileEvents.addGoodOnes(traffic, 150, 6);
    List<Map.Entry<String, String>> records = traffic.records;
    int third = records.size() / 3;
    try (CostpipeApplication pipeline = new CostpipeApplication(app)) {
      pipeline.start();
      PipelineHarness.putRule(app, traffic);
      try (RunningSink sink = new RunningSink(ClickHouseSinkConfig.from(sinkSettings))) {
        PipelineHarness.produce(app, records.subList(0, third));
        await(WAIT, () -> "the first rows; sink " + sink.metrics(),
            () -> sink.metrics().rowsWritten(SinkTable.REQUEST_COSTS) >= 50);

        long down = System.nanoTime();
        process.stop(Duration.ofSeconds(2));
        PipelineHarness.produce(app, records.subList(third, 2 * third));
        long retriesWhileDown = sink.metrics().retries();
        Thread.sleep(Math.max(0, OUTAGE.toMillis() - (System.nanoTime() - down) / 1_000_000));
        assertThat(sink.metrics().retries()).as("the sink retried while ClickHouse was down").isPositive();
        assertThat(sink.isRunning()).isTrue();
        process.start();
        System.out.printf("ClickHouse was down %d s; sink retries %d (%d when the second third was produced)%n",
            (System.nanoTime() - down) / 1_000_000_000, sink.metrics().retries(), retriesWhileDown);

        PipelineHarness.produce(app, records.subList(2 * third, records.size()));
        String count = "SELECT count() AS n FROM " + db + ".request_costs FINAL FORMAT JSONEachRow";
        await(WAIT, () -> "every request in ClickHouse; sink " + sink.metrics(),
            () -> Long.parseLong((String) clickhouse.query(count).get(0).get("n")) >= traffic.expected.size());
        assertThat(sink.metrics().deadLetters()).isZero();
      }
    }
    try {
      assertRowsEqualTopicAndTraffic(clickhouse, db, app, traffic);
    } finally {
      process.stop();
      clickhouse.close();
    }
  }

  private static void assertRowsEqualTopicAndTraffic(ClickHouseTestServer clickhouse, String db, Properties app,
      MixedTraffic traffic) {
    Map<String, Object> totals = clickhouse.query("SELECT count() AS n, uniqExact(request_id) AS u,"
        + " toString(sum(ifNull(cost_nano_usd, 0))) AS s FROM " + db + ".request_costs FINAL FORMAT JSONEachRow").get(0);
    String n = String.valueOf(traffic.expected.size());
    assertThat(totals).containsEntry("n", n).containsEntry("u", n)
        .containsEntry("s", String.valueOf(traffic.expectedTotalNano()));

    long topicTotal = TopicReader.readUntil(app.getProperty("bootstrap.servers"), app.getProperty("costpipe.topic.costs"),
            got -> got.size() >= traffic.expected.size(), WAIT).stream()
        .map(r -> CostRecordJson.read(r.value()))
        .mapToLong(c -> c.costNanoUsd() == null ? 0 : c.costNanoUsd()).sum();
    assertThat(topicTotal).isEqualTo(traffic.expectedTotalNano());

    // hostile values are data: stored exactly as sent, no statement of theirs ever ran
    Map<String, Map<String, Object>> rows = new HashMap<>();
    clickhouse.query("SELECT request_id, user_id, session_id, session_name, property_keys, property_values,"
        + " cost_nano_usd FROM " + db + ".request_costs FINAL WHERE request_id LIKE 'nasty-%' FORMAT JSONEachRow")
        .forEach(r -> rows.put((String) r.get("request_id"), r));
    long nasty = traffic.expected.keySet().stream().filter(id -> id.startsWith("nasty-")).count();
    assertThat(rows).hasSize((int) nasty);
    traffic.expected.forEach((id, want) -> {
      if (id.startsWith("nasty-")) {
        Map<String, Object> got = rows.get(id);
        assertThat(got.get("user_id")).as(id).isEqualTo(want.userId());
        assertThat(got.get("session_id")).as(id).isEqualTo(want.sessionId());
        assertThat(got.get("session_name")).as(id).isEqualTo(want.sessionName());
        assertThat(got.get("property_keys")).as(id).isEqualTo(List.copyOf(want.properties().keySet()));
        assertThat(got.get("property_values")).as(id).isEqualTo(List.copyOf(want.properties().values()));
      }
    });
    assertThat(clickhouse.query("SELECT count() AS n FROM system.tables WHERE database = '" + db
        + "' AND name = 'request_costs' FORMAT JSONEachRow").get(0)).containsEntry("n", "1");
  }
}
