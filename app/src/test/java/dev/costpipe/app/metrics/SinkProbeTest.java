package dev.costpipe.app.metrics;

import dev.costpipe.http.HttpSettings;
import dev.costpipe.testsupport.Await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.costpipe.testsupport.ClickHouseTestServer;
import dev.costpipe.clickhouse.sink.ClickHouseSink;
import dev.costpipe.clickhouse.sink.ClickHouseSinkConfig;
import dev.costpipe.testsupport.KafkaTestBroker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * {@code costpipe sink clickhouse}'s metrics port against a real broker and ClickHouse: ready once in its group
 * with ClickHouse answering, not ready when ClickHouse goes away; rows, batches and dead letters are counted.
 */
class SinkProbeTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String COST = """
      {"request_id":"%s","timestamp":"2026-11-20T09:15:02Z","provider":"openai","model":"gpt-4o-mini",
       "model_key":"openai/gpt-4o-mini","user_id":"alice","session_id":"sess-1","session_name":"support-chat",
       "session_path":"/triage","properties":{"Environment":"production"},"status":200,"streamed":false,
       "cache_hit":false,"usage":{"input_tokens":1200,"output_tokens":40,"cache_read_tokens":1024,
       "cache_write_tokens":0,"cache_write_1h_tokens":0,"reasoning_tokens":0,"audio_input_tokens":0,
       "audio_output_tokens":0,"web_search_calls":0,"images":0},"usage_source":"provider","pricing_status":"priced",
       "cost_nano_usd":127200,"cost_usd":"0.000127200","cost_breakdown":{"input":26400,"cache_read":76800,
       "output":24000},"cache_savings_nano_usd":76800,"errors":[]}""".replace("\n", "");

  private final KafkaTestBroker broker = KafkaTestBroker.shared();

  @Test
  void readinessNeedsTheGroupAndClickHouseAndRowsAreCounted() throws Exception {
    String id = UUID.randomUUID().toString().substring(0, 8);
    String costs = "ops-sink-costs-" + id;
    broker.createTopic(costs, 2, Map.of());
    ClickHouseTestServer clickhouse = ClickHouseTestServer.start();
    Properties p = new Properties();
    p.setProperty("bootstrap.servers", broker.bootstrapServers());
    p.setProperty("group.id", "ops-sink-" + id);
    p.setProperty("costpipe.sink.clickhouse.url", clickhouse.httpUrl());
    p.setProperty("costpipe.sink.clickhouse.database", "ops_sink_" + id);
    p.setProperty("costpipe.sink.clickhouse.batch-ms", "200");
    p.setProperty("costpipe.topic.costs", costs);
    p.setProperty("costpipe.topic.cost-aggregates", "ops-sink-aggregates-" + id);
    p.setProperty("costpipe.topic.cost-alerts", "ops-sink-alerts-" + id);
    p.setProperty("costpipe.topic.sink-dead-letter", "ops-sink-dlq-" + id);
    ClickHouseSink sink = new ClickHouseSink(ClickHouseSinkConfig.from(p));
    Thread running = new Thread(sink::run, "sink-under-test");
    try (SinkProbe probe = new SinkProbe(sink);
        MetricsServer server = MetricsServer.start(0, HttpSettings.DEFAULT, "sink", probe)) {
      Scrape scrape = new Scrape(server.port());
      assertThat(scrape.get("/health/ready").status()).isEqualTo(503);
      assertThat(scrape.get("/health/live").status()).isEqualTo(200);
      assertThat(scrape.value("costpipe_sink_rows_total", "table=\"request_costs\"")).hasValue(0);

      running.start();
      Await.until("the sink ready", WAIT, () -> scrape.get("/health/ready").status() == 200);
      assertThat(scrape.get("/health/ready").body()).contains("\"status\":\"UP\"", "\"partitions\":2");
      assertThat(scrape.get("/health/live").status()).isEqualTo(200);
      assertThat(scrape.value("costpipe_sink_assigned_partitions")).hasValue(2);

      broker.produce(costs, List.of(Map.entry("a", COST.formatted("a")), Map.entry("b", COST.formatted("b")),
          Map.entry("c", "{\"request_id\":\"c\"}")));
      Await.until("rows written", WAIT,
          () -> scrape.valueOrZero("costpipe_sink_rows_total", "table=\"request_costs\"") >= 2
              && scrape.valueOrZero("costpipe_sink_dead_letters_total", "reason=\"invalid_record\"") >= 1);
      assertThat(scrape.value("costpipe_sink_rows_total", "table=\"request_costs\"")).hasValue(2);
      assertThat(scrape.value("costpipe_sink_batch_seconds_count").orElseThrow()).isGreaterThanOrEqualTo(1);
      assertThat(scrape.value("costpipe_sink_batch_seconds_sum").orElseThrow()).isGreaterThan(0);
      assertThat(scrape.get("/metrics").body()).contains("costpipe_sink_retries_total{component=\"sink\"} 0.0",
          "costpipe_sink_dead_letters_total{component=\"sink\",reason=\"clickhouse_rejected\"} 0.0",
          "kafka_consumer_fetch_manager_records_consumed_total{");

      clickhouse.close();
      Scrape.Answer down = scrape.get("/health/ready");
      assertThat(down.status()).isEqualTo(503);
      assertThat(down.body()).contains("ClickHouse does not answer a ping");
      assertThat(scrape.value("costpipe_ready")).hasValue(0);

      sink.close();
      assertThat(scrape.get("/health/live").body()).contains("\"status\":\"DOWN\"", "the sink has stopped");
    } finally {
      sink.close();
      running.join(60_000);
      clickhouse.close();
    }
  }
}
