package dev.costpipe.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.costpipe.http.HttpSettings;
import dev.costpipe.testsupport.Await;
import dev.costpipe.testsupport.KafkaTestBroker;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spool on a real broker of its own: LiteLLM posts while Kafka is stopped are answered 200 spooled; once
 * Kafka is back every event is on the topic; an ingest stopped with a non-empty spool replays it on its next start.
 */
class SpoolIntegrationTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir
  Path spoolDir;

  private static IngestServer start(KafkaTestBroker broker, String topic, Path spoolDir) throws Exception {
    Properties kafka = new Properties();
    kafka.put("bootstrap.servers", broker.bootstrapServers());
    Duration ack = Duration.ofSeconds(2);
    return IngestServer.start(new IngestSettings(new HttpSettings("127.0.0.1", null), 0, topic, 1 << 20, ack, 4,
        Duration.ofSeconds(1)), new EventProducer(kafka, topic, ack), new SpoolSettings(spoolDir, 64 << 20));
  }

  private static HttpResponse<String> postLiteLlm(IngestServer s, int from, int to) throws Exception {
    StringBuilder ndjson = new StringBuilder();
    for (int i = from; i < to; i++) {
      ndjson.append("{\"id\":\"spool-").append(i).append("\",\"model\":\"gpt-4o-mini\",\"custom_llm_provider\":"
          + "\"openai\",\"prompt_tokens\":100,\"completion_tokens\":20,\"total_tokens\":120,"
          + "\"startTime\":1763630102.0,\"status\":\"success\"}\n");
    }
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + "/v1/litellm"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(ndjson.toString()))
        .build(), HttpResponse.BodyHandlers.ofString());
  }

  private static Set<String> keysOnTopic(KafkaTestBroker broker, String topic) {
    Set<String> keys = new HashSet<>();
    broker.readAll(topic, Duration.ofSeconds(20)).forEach(r -> keys.add(r.key()));
    return keys;
  }

  @Test
  void postsDuringAnOutageAreSpooledAndReachKafkaWhenItIsBackAlsoAfterAnIngestRestart() throws Exception {
    String topic = "spooled";
    try (KafkaTestBroker broker = KafkaTestBroker.start()) {
      broker.createTopic(topic, 2, Map.of());
      try (IngestServer ingest = start(broker, topic, spoolDir)) {
        broker.stop();
        for (int body = 0; body < 5; body++) {
          HttpResponse<String> r = postLiteLlm(ingest, body * 100, body * 100 + 100);
          assertThat(r.statusCode()).isEqualTo(200);
          assertThat(r.headers().firstValue(IngestServer.SPOOLED_HEADER)).contains("100");
          assertThat(r.body()).contains("\"spooled\":100");
        }
        assertThat(ingest.counters().get("spooled", "litellm", "")).isEqualTo(500);
        assertThat(ingest.spoolBytes()).isPositive();
        System.err.printf("[SpoolIntegrationTest] 500 events spooled in %d bytes%n", ingest.spoolBytes());
        broker.restart();
        long t0 = System.nanoTime();
        Await.until("the spool replayed", Duration.ofSeconds(60), () -> ingest.spoolBytes() == 0);
        System.err.printf("[SpoolIntegrationTest] replayed 500 events in %d ms after the broker was back%n",
            (System.nanoTime() - t0) / 1_000_000);
        assertThat(ingest.counters().get("replayed", "spool", "")).isGreaterThanOrEqualTo(500);
        HttpResponse<String> direct = postLiteLlm(ingest, 500, 510);
        assertThat(direct.statusCode()).isEqualTo(200);
        assertThat(direct.headers().firstValue(IngestServer.SPOOLED_HEADER)).isEmpty();
        // an outage, then ingest stops with the spool full of it: the next start replays it
        broker.stop();
        assertThat(postLiteLlm(ingest, 510, 600).headers().firstValue(IngestServer.SPOOLED_HEADER)).contains("90");
      }
      broker.restart();
      try (IngestServer next = start(broker, topic, spoolDir)) {
        Await.until("the earlier run's spool replayed", Duration.ofSeconds(60), () -> next.spoolBytes() == 0);
        assertThat(next.counters().get("replayed", "spool", "")).isEqualTo(90);
      }
      Set<String> expected = new HashSet<>();
      for (int i = 0; i < 600; i++) {
        expected.add("spool-" + i);
      }
      assertThat(keysOnTopic(broker, topic)).isEqualTo(expected);
    }
  }
}
