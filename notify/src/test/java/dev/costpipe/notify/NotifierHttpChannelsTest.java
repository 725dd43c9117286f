package dev.costpipe.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import dev.costpipe.engine.json.Json;
import dev.costpipe.topology.alert.AlertRule;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Slack and webhook channels against a real HTTP server on loopback. */
class NotifierHttpChannelsTest {
  private static final String SECRET = "hook-secret-for-tests";
  private static final AlertRule RULE = Alerts.rule("""
      {"id":"prod-daily","name":"Production <daily> & co","metric":"cost","budget_usd":100,"window":"1d",
       "levels":[50,80,95,100],"filter":{"properties":{"Environment":"production"}},"channels":["ops-slack","audit-hook"]}""");
  private static final Instant AT = Instant.parse("2026-06-01T13:05:00Z");

  private RecordingHttpServer server;

  @BeforeEach
  void start() {
    server = RecordingHttpServer.start(SECRET);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void slackGetsTextAndBlocksWithTheNumbers() throws Exception {
    String event = Alerts.event(RULE, 80, 80_123_456_789L, AT, "req-42");
    AlertEvent alert = Alerts.parsed(event);
    SlackChannel slack = new SlackChannel(slackConfig(server.url("/services/T1/B2/tok")));

    slack.send(alert, DeliveryKey.of(alert, "ops-slack"));

    assertThat(server.calls("/services/T1/B2/tok")).hasSize(1);
    RecordingHttpServer.Call call = server.calls("/services/T1/B2/tok").get(0);
    assertThat(call.header("Content-Type")).startsWith("application/json");
    JsonNode m = Json.MAPPER.readTree(call.body());
    assertThat(m.path("text").asText())
        .isEqualTo("Budget alert: Production &lt;daily&gt; &amp; co reached 80% of its budget: $80.12 of $100.00"
            + " (1d window from 2026-06-01T00:00:00Z)");
    JsonNode blocks = m.path("blocks");
    assertThat(blocks.get(0).path("type").asText()).isEqualTo("header");
    assertThat(blocks.get(0).path("text").path("text").asText()).contains("Production <daily> & co at 80%");
    String fields = blocks.get(1).path("fields").toString();
    assertThat(fields).contains("*Rule*\\nProduction &lt;daily&gt; &amp; co (`prod-daily`)")
        .contains("*Level*\\n80% of budget (now 80.1%)")
        .contains("*Spent / budget*\\n$80.12 / $100.00")
        .contains("*Window*\\n1d: 2026-06-01T00:00:00Z – 2026-06-02T00:00:00Z");
    assertThat(blocks.get(2).toString()).contains("crossed at 2026-06-01T13:05:00Z").contains("req-42");
    assertThat(slack.target()).isEqualTo("http://127.0.0.1:" + URI.create(server.url("/")).getPort() + "/…");
  }

  @Test
  void requestRulesAreCountedNotPriced() throws Exception {
    AlertRule rule = Alerts.rule("""
        {"id":"team-hourly","metric":"requests","budget_count":1000,"window":"1h","levels":[100]}""");
    AlertEvent alert = Alerts.parsed(Alerts.event(rule, 100, 1000, AT, "req-9"));
    new SlackChannel(slackConfig(server.url("/slack"))).send(alert, DeliveryKey.of(alert, "s"));

    JsonNode m = Json.MAPPER.readTree(server.calls("/slack").get(0).body());
    assertThat(m.path("text").asText()).isEqualTo(
        "Budget alert: team-hourly reached 100% of its budget: 1000 requests of 1000 requests"
            + " (1h window from 2026-06-01T13:00:00Z)");
  }

  @Test
  void webhookSendsTheAlertBytesSignedWithTimestampDotBody() throws Exception {
    String event = Alerts.event(RULE, 95, 95_000_000_000L, AT, "req-7");
    AlertEvent alert = Alerts.parsed(event);
    WebhookChannel hook = new WebhookChannel(webhookConfig(server.url("/hook"), SECRET));
    DeliveryKey key = DeliveryKey.of(alert, "audit-hook");

    long before = Instant.now().getEpochSecond();
    hook.send(alert, key);

    RecordingHttpServer.Call call = server.calls("/hook").get(0);
    assertThat(call.status()).isEqualTo(200);
    assertThat(call.signatureValid()).as("signature checked by the server's own HMAC code").isTrue();
    assertThat(call.body()).as("the alert event, byte for byte").isEqualTo(event.getBytes(StandardCharsets.UTF_8));
    long t = Long.parseLong(call.header(WebhookSignature.TIMESTAMP_HEADER));
    assertThat(t).isBetween(before, Instant.now().getEpochSecond());
    assertThat(call.header(WebhookSignature.SIGNATURE_HEADER)).matches("sha256=[0-9a-f]{64}")
        .isEqualTo(WebhookSignature.sign(SECRET.getBytes(StandardCharsets.UTF_8), Long.toString(t), call.body()));
    assertThat(call.header(WebhookSignature.DELIVERY_ID_HEADER)).isEqualTo(key.id()).matches("[0-9a-f]{64}");
    assertThat(key.wire()).isEqualTo("[\"prod-daily\",\"2026-06-01T00:00:00Z\",95,\"audit-hook\"]");

    assertThat(WebhookSignature.verify(SECRET.getBytes(StandardCharsets.UTF_8), Long.toString(t), call.body(),
        call.header(WebhookSignature.SIGNATURE_HEADER), Duration.ofMinutes(5), Instant.now())).isTrue();
    byte[] tampered = event.replace("95", "96").getBytes(StandardCharsets.UTF_8);
    assertThat(WebhookSignature.verify(SECRET.getBytes(StandardCharsets.UTF_8), Long.toString(t), tampered,
        call.header(WebhookSignature.SIGNATURE_HEADER), Duration.ofMinutes(5), Instant.now())).isFalse();
    assertThat(WebhookSignature.verify(SECRET.getBytes(StandardCharsets.UTF_8), Long.toString(t), call.body(),
        call.header(WebhookSignature.SIGNATURE_HEADER), Duration.ofMinutes(5), Instant.now().plusSeconds(600)))
        .as("too old: a replay").isFalse();
  }

  @Test
  void aWrongSecretIsRefusedByTheReceiver() {
    AlertEvent alert = Alerts.parsed(Alerts.event(RULE, 50, 50_000_000_000L, AT, "r"));
    WebhookChannel hook = new WebhookChannel(webhookConfig(server.url("/hook"), "not-the-secret"));
    DeliveryException e = catchThrowableOfType(DeliveryException.class,
        () -> hook.send(alert, DeliveryKey.of(alert, "h")));
    assertThat(e.status()).isEqualTo(401);
    assertThat(e.retryable()).isFalse();
    assertThat(server.calls("/hook").get(0).signatureValid()).isFalse();
  }

  @Test
  void failuresAreClassified() throws Exception {
    AlertEvent alert = Alerts.parsed(Alerts.event(RULE, 50, 50_000_000_000L, AT, "r"));
    DeliveryKey key = DeliveryKey.of(alert, "s");

    server.alwaysFail("/5xx", 503);
    DeliveryException e5 = catchThrowableOfType(DeliveryException.class,
        () -> new SlackChannel(slackConfig(server.url("/5xx"))).send(alert, key));
    assertThat(e5.retryable()).isTrue();
    assertThat(e5.detail()).isEqualTo("HTTP 503: internal error");

    server.alwaysFail("/gone", 410);
    DeliveryException e4 = catchThrowableOfType(DeliveryException.class,
        () -> new SlackChannel(slackConfig(server.url("/gone"))).send(alert, key));
    assertThat(e4.retryable()).isFalse();
    assertThat(e4.status()).isEqualTo(410);

    server.alwaysFail("/slow-down", 429);
    assertThat(catchThrowableOfType(DeliveryException.class,
        () -> new SlackChannel(slackConfig(server.url("/slow-down"))).send(alert, key)).retryable()).isTrue();

    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    DeliveryException refused = catchThrowableOfType(DeliveryException.class,
        () -> new SlackChannel(slackConfig("http://127.0.0.1:" + closedPort + "/services/SECRET-TOKEN"))
            .send(alert, key));
    assertThat(refused.retryable()).isTrue();
    assertThat(refused.reason()).isEqualTo("http_error");
    assertThat(refused.detail()).contains("127.0.0.1:" + closedPort).doesNotContain("SECRET-TOKEN");
  }

  static NotifierConfig.SlackConfig slackConfig(String url) {
    return (NotifierConfig.SlackConfig) NotifierConfig.parse("channels: {s: {type: slack, url: \"" + url + "\"}}",
        false, null, Map.<String, String>of()::get).channels().get("s");
  }

  static NotifierConfig.WebhookConfig webhookConfig(String url, String secret) {
    return (NotifierConfig.WebhookConfig) NotifierConfig.parse(
        "channels: {h: {type: webhook, url: \"" + url + "\", secret_env: S}}", false, null,
        Map.of("S", secret)::get).channels().get("h");
  }
}
