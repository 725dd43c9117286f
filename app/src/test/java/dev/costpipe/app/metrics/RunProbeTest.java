package dev.costpipe.app.metrics;

import dev.costpipe.http.HttpSettings;
import dev.costpipe.testsupport.Await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.costpipe.topology.app.CostpipeApplication;
import dev.costpipe.testsupport.KafkaTestBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code costpipe run}'s metrics port against a real broker: readiness follows Kafka Streams, counters move. */
class RunProbeTest {
  private static final Duration WAIT = Duration.ofSeconds(120);

  private final KafkaTestBroker broker = KafkaTestBroker.shared();

  @TempDir
  Path dir;

  private static String response(String id, String model) {
    return "{\"request_id\":\"" + id + "\",\"event_type\":\"response\",\"timestamp\":\"" + Instant.now()
        + "\",\"provider\":\"openai\",\"status\":200,\"request_body\":{\"model\":\"" + model
        + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]},\"response_body\":{\"object\":\"chat.completion\","
        + "\"model\":\"" + model + "\",\"choices\":[],\"usage\":{\"prompt_tokens\":100,\"completion_tokens\":10,"
        + "\"total_tokens\":110}}}";
  }

  @Test
  void readinessFollowsKafkaStreamsAndTheCountersMove() throws Exception {
    String name = "ops-run-" + UUID.randomUUID().toString().substring(0, 8);
    Properties p = new Properties();
    p.setProperty("bootstrap.servers", broker.bootstrapServers());
    p.setProperty("application.id", name);
    p.setProperty("state.dir", Files.createDirectories(dir.resolve("state")).toString());
    p.setProperty("commit.interval.ms", "200");
    for (String topic : List.of("raw-events", "pricing", "alert-rules", "costs", "cost-aggregates", "cost-alerts",
        "dead-letter")) {
      p.setProperty("costpipe.topic." + topic, name + "." + topic);
    }
    CostpipeApplication app = new CostpipeApplication(p);
    RunProbe probe = new RunProbe(app);
    try (MetricsServer server = MetricsServer.start(0, HttpSettings.DEFAULT, "run", probe)) {
      Scrape scrape = new Scrape(server.port());
      Scrape.Answer notYet = scrape.get("/health/ready");
      assertThat(notYet.status()).isEqualTo(503);
      assertThat(notYet.body()).contains("\"status\":\"DOWN\"", "\"state\":\"STARTING\"");
      assertThat(scrape.get("/health/live").status()).isEqualTo(200);
      assertThat(scrape.value("costpipe_raw_events_total", "component=\"run\"")).hasValue(0);
      assertThat(scrape.value("costpipe_cost_records_total", "pricing_status=\"unknown_model\"")).hasValue(0);
      assertThat(scrape.value("costpipe_late_contributions_dropped_total", "store=\"aggregates-1d\"")).hasValue(0);

      app.start();
      Await.until("Kafka Streams RUNNING", WAIT, () -> scrape.get("/health/ready").status() == 200);
      assertThat(scrape.get("/health/ready").body()).isEqualTo("{\"status\":\"UP\",\"state\":\"RUNNING\"}\n");
      assertThat(scrape.value("costpipe_ready")).hasValue(1);

      broker.produce(name + ".raw-events", List.of(
          Map.entry("r1", response("r1", "gpt-4o-mini")),
          Map.entry("r2", response("r2", "no-such-model-anywhere")),
          Map.entry("r3", "this is not json")));
      Await.until("three events counted", WAIT, () -> scrape.valueOrZero("costpipe_raw_events_total") >= 3
          && scrape.valueOrZero("costpipe_cost_records_total", "pricing_status=\"priced\"") >= 1
          && scrape.valueOrZero("costpipe_cost_records_total", "pricing_status=\"unknown_model\"") >= 1);
      assertThat(scrape.value("costpipe_dead_letters_total", "reason=\"invalid_json\"")).hasValue(1);
      assertThat(scrape.value("costpipe_cost_record_lag_seconds_count")).hasValue(2);
      assertThat(scrape.value("costpipe_cost_record_lag_last_seconds").orElseThrow()).isBetween(0.0, 3600.0);
      assertThat(scrape.value("costpipe_open_requests")).hasValue(0);
      String metrics = scrape.get("/metrics").body();
      assertThat(metrics).contains("kafka_stream_", "jvm_memory_used_bytes", "costpipe_merge_total{");
      assertThat(scrape.get("/nothing").status()).isEqualTo(404);

      probe.close();
      app.close();
      Scrape.Answer closed = scrape.get("/health/ready");
      assertThat(closed.status()).isEqualTo(503);
      assertThat(closed.body()).contains("NOT_RUNNING");
    } finally {
      app.close();
    }
  }
}
