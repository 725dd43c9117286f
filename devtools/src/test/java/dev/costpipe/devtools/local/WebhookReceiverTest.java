package dev.costpipe.devtools.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.costpipe.notify.WebhookSignature;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local webhook receiver takes each delivery once: a replay within the signature window is not written. */
class WebhookReceiverTest {
  private static final byte[] SECRET = "receiver-secret".getBytes(StandardCharsets.UTF_8);
  private static final byte[] BODY = "{\"rule_id\":\"r\",\"level_pct\":80}".getBytes(StandardCharsets.UTF_8);

  @TempDir
  Path dir;

  @Test
  void aReplayedDeliveryIsAnsweredButNotWrittenAgain() throws Exception {
    Path out = dir.resolve("alerts.jsonl");
    try (WebhookReceiver receiver = new WebhookReceiver(0, SECRET, out, new PrintStream(new ByteArrayOutputStream()))) {
      receiver.start();
      HttpRequest delivery = signed(receiver, "id-1", BODY);
      HttpClient http = HttpClient.newHttpClient();

      assertThat(http.send(delivery, HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(204);
      assertThat(http.send(delivery, HttpResponse.BodyHandlers.discarding()).statusCode()).as("the same request again")
          .isEqualTo(200);
      assertThat(http.send(signed(receiver, "id-1", BODY), HttpResponse.BodyHandlers.discarding()).statusCode())
          .as("a retry: fresh timestamp, same delivery id").isEqualTo(200);
      assertThat(http.send(signed(receiver, "id-2", BODY), HttpResponse.BodyHandlers.discarding()).statusCode())
          .isEqualTo(204);
      assertThat(http.send(signed(receiver, null, BODY), HttpResponse.BodyHandlers.discarding()).statusCode())
          .as("no delivery id").isEqualTo(400);

      assertThat(Files.readAllLines(out)).hasSize(2);
    }
  }

  @Test
  void idsAreForgottenAfterTheWindowAndMemoryIsBounded() {
    SeenDeliveries seen = new SeenDeliveries(Duration.ofMinutes(5), 2);
    Instant t = Instant.parse("2026-06-01T00:00:00Z");
    assertThat(seen.record("a", t)).isEqualTo(SeenDeliveries.Outcome.FIRST);
    assertThat(seen.record("a", t.plusSeconds(599))).isEqualTo(SeenDeliveries.Outcome.REPEAT);
    assertThat(seen.record("b", t.plusSeconds(1))).isEqualTo(SeenDeliveries.Outcome.FIRST);
    assertThat(seen.record("c", t.plusSeconds(2))).as("full: refused, not forgetting a live id")
        .isEqualTo(SeenDeliveries.Outcome.FULL);
    assertThat(seen.record("c", t.plusSeconds(600))).as("a expired after twice the tolerance")
        .isEqualTo(SeenDeliveries.Outcome.FIRST);
    assertThat(seen.size()).isEqualTo(2);
  }

  private static HttpRequest signed(WebhookReceiver receiver, String deliveryId, byte[] body) {
    String timestamp = Long.toString(Instant.now().getEpochSecond());
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + receiver.port() + "/hook"))
        .header("Content-Type", "application/json")
        .header(WebhookSignature.TIMESTAMP_HEADER, timestamp)
        .header(WebhookSignature.SIGNATURE_HEADER, WebhookSignature.sign(SECRET, timestamp, body))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (deliveryId != null) {
      b.header(WebhookSignature.DELIVERY_ID_HEADER, deliveryId);
    }
    return b.build();
  }
}
