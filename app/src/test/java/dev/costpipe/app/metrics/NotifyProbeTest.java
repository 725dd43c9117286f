package dev.costpipe.app.metrics;

import dev.costpipe.http.HttpSettings;
import dev.costpipe.testsupport.Await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.costpipe.notify.AlertEvent;
import dev.costpipe.notify.Channel;
import dev.costpipe.notify.DeliveryException;
import dev.costpipe.notify.DeliveryKey;
import dev.costpipe.notify.Notifier;
import dev.costpipe.notify.NotifierConfig;
import dev.costpipe.testsupport.KafkaTestBroker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * {@code costpipe notify}'s metrics port against a real broker: ready once consuming, not after a stop;
 * deliveries counted per channel and outcome.
 */
class NotifyProbeTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  private final KafkaTestBroker broker = KafkaTestBroker.shared();

  /** A channel that accepts, or refuses for good. */
  private record TestChannel(NotifierConfig.ChannelConfig config, boolean accepts) implements Channel {
    @Override
    public String target() {
      return "test";
    }

    @Override
    public void send(AlertEvent alert, DeliveryKey key) throws DeliveryException {
      if (!accepts) {
        throw new DeliveryException("http_status", "HTTP 400", false);
      }
    }
  }

  @Test
  void readinessFollowsTheConsumerAndDeliveriesAreCounted() throws Exception {
    String id = UUID.randomUUID().toString().substring(0, 8);
    String alerts = "ops-notify-alerts-" + id;
    broker.createTopic(alerts, 1, Map.of());
    NotifierConfig config = NotifierConfig.parse("""
        bootstrap_servers: %s
        group_id: ops-notify-%s
        topics: {alerts: %s, delivered: ops-notify-delivered-%s, failed: ops-notify-failed-%s}
        retry: {attempts: 1}
        channels:
          good: {type: webhook, url: "https://hooks.example.com/good", secret_env: S}
          bad: {type: webhook, url: "https://hooks.example.com/bad", secret_env: S}
        metrics: {port: 0}
        """.formatted(broker.bootstrapServers(), id, alerts, id, id), false, null, Map.of("S", "secret")::get);
    Notifier notifier = new Notifier(config, Map.of(
        "good", new TestChannel(config.channels().get("good"), true),
        "bad", new TestChannel(config.channels().get("bad"), false)));
    Thread running = new Thread(notifier::run, "notifier-under-test");
    try (NotifyProbe probe = new NotifyProbe(notifier);
        MetricsServer server = MetricsServer.start(0, HttpSettings.DEFAULT, "notify", probe)) {
      Scrape scrape = new Scrape(server.port());
      assertThat(scrape.get("/health/ready").status()).isEqualTo(503);
      assertThat(scrape.value("costpipe_notify_deliveries_total", "channel=\"good\"", "outcome=\"delivered\""))
          .hasValue(0);

      running.start();
      Await.until("the notifier ready", WAIT, () -> scrape.get("/health/ready").status() == 200);
      broker.produce(alerts, List.of(Map.entry("r", """
          {"rule_id":"r","rule_name":"R","metric":"cost","level_pct":50,"budget":10,"spent":5.5,
           "window_start":"2026-06-01T00:00:00Z","window_end":"2026-06-02T00:00:00Z",
           "crossed_at":"2026-06-01T10:00:00Z","last_request_id":"x","channels":["good","bad"]}""")));
      // both channels' outcomes, whichever is counted first
      Await.until("the alert handled", WAIT, () -> scrape.valueOrZero("costpipe_notify_deliveries_total",
          "channel=\"bad\"", "outcome=\"failed\"") >= 1 && scrape.valueOrZero("costpipe_notify_deliveries_total",
          "channel=\"good\"", "outcome=\"delivered\"") >= 1);
      assertThat(scrape.value("costpipe_notify_deliveries_total", "channel=\"good\"", "outcome=\"delivered\""))
          .hasValue(1);
      assertThat(scrape.value("costpipe_notify_alerts_total")).hasValue(1);
      assertThat(scrape.value("costpipe_notify_retries_total", "channel=\"good\"")).hasValue(0);
      assertThat(scrape.get("/metrics").body()).contains("kafka_consumer_coordinator_commit_total{");

      notifier.stop();
      assertThat(notifier.awaitStopped(WAIT)).isTrue();
      assertThat(scrape.get("/health/ready").body()).contains("\"status\":\"DOWN\"", "the notifier stopped");
      assertThat(scrape.get("/health/live").status()).isEqualTo(503);
    } finally {
      notifier.stop();
      running.join(60_000);
    }
  }
}
