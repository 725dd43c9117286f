package dev.costpipe.notify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.costpipe.contracts.avro.serde.AvroDeserializer;
import dev.costpipe.testsupport.Await;
import dev.costpipe.testsupport.KafkaTestBroker;
import dev.costpipe.testsupport.SchemaRegistryTestServer;
import dev.costpipe.testsupport.registry.ConfluentLikeFailingDeserializer;
import dev.costpipe.topology.TopologyConfig;
import dev.costpipe.topology.alert.AlertRule;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A schema registry outage is not an invalid alert: the notifier waits and reads the alert again, and delivers it
 * once the registry answers — nothing reported as invalid or failed, nothing lost.
 */
class NotifierRegistryOutageTest {
  private static final String SECRET = "registry-outage-secret";

  @TempDir
  Path dir;

  private final String id = UUID.randomUUID().toString().substring(0, 8);
  private final String alerts = "notify-registry-alerts-" + id;

  @AfterEach
  void noScriptedFailuresLeft() {
    ConfluentLikeFailingDeserializer.reset();
  }

  @Test
  void confluentDeserializerFailuresAboutTheRegistryAreWaitedOut() throws Exception {
    SchemaRegistryTestServer registry = SchemaRegistryTestServer.shared();
    produceAvroAlert(registry);
    ConfluentLikeFailingDeserializer.failNext(ConfluentLikeFailingDeserializer.rest(500, 50001),
        ConfluentLikeFailingDeserializer.rest(401, 401), ConfluentLikeFailingDeserializer.rest(429, 429),
        ConfluentLikeFailingDeserializer.timeout());

    Notifier notifier = deliverOne(registry, """
        costpipe.serde.value-deserializer: %s
        failing.delegate.deserializer: %s
        """.formatted(ConfluentLikeFailingDeserializer.class.getName(), AvroDeserializer.class.getName()), null);

    assertThat(ConfluentLikeFailingDeserializer.pendingFailures()).isZero();
    assertThat(notifier.counters().get(NotifierCounters.REGISTRY_RETRIES)).isEqualTo(4);
  }

  @Test
  void aNotifierStartedWhileTheRegistryIsDownDeliversOnceItIsBack() throws Exception {
    SchemaRegistryTestServer registry = SchemaRegistryTestServer.shared();
    produceAvroAlert(registry);
    registry.pause();
    boolean paused = true;
    try {
      // a fresh notifier: no schema cached, so it must ask the registry
      Notifier notifier = deliverOne(registry, "", () -> {
        Await.until("the notifier waiting for the registry", Duration.ofSeconds(90),
            () -> notifier().schemaRegistryDown());
        Thread.sleep(30_000);
        registry.resume();
      });
      paused = false;
      assertThat(notifier.counters().get(NotifierCounters.REGISTRY_RETRIES)).isPositive();
    } finally {
      if (paused) {
        registry.resume();
      }
    }
  }

  private Notifier running;

  private Notifier notifier() {
    return running;
  }

  @FunctionalInterface
  interface Outage {
    void during() throws Exception;
  }

  private void produceAvroAlert(SchemaRegistryTestServer registry) throws Exception {
    KafkaTestBroker broker = KafkaTestBroker.shared();
    broker.createTopic(alerts, 1, Map.of());
    AlertRule rule = Alerts.rule("""
        {"id":"outage-daily","name":"Outage daily","metric":"cost","budget_usd":100,"window":"1d",
         "levels":[80],"channels":["audit-hook"]}""");
    String event = Alerts.event(rule, 80, 80_000_000_000L, Instant.parse("2026-06-01T13:05:00Z"), "req-1");
    Properties writer = new Properties();
    writer.setProperty("costpipe.serde.format", "avro");
    writer.setProperty("schema.registry.url", registry.url());
    byte[] avro = TopologyConfig.from(writer).outputFormat().alerts().serializer().serialize(alerts, event);
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(),
        new ByteArraySerializer())) {
      producer.send(new ProducerRecord<>(alerts, rule.id(), avro)).get();
    }
  }

  /** Runs a notifier until it delivered the alert (the outage, if any, on this thread meanwhile). */
  private Notifier deliverOne(SchemaRegistryTestServer registry, String serdeSettings, Outage outage)
      throws Exception {
    KafkaTestBroker broker = KafkaTestBroker.shared();
    try (RecordingHttpServer http = RecordingHttpServer.start(SECRET)) {
      Files.writeString(dir.resolve("notifier.yaml"), """
          bootstrap_servers: %s
          group_id: grp-registry-%s
          topics: {alerts: %s, delivered: notify-registry-delivered-%s, failed: notify-registry-failed-%s}
          retry: {attempts: 3, base_delay: 100ms, max_delay: 2s}
          kafka:
            schema.registry.url: "%s"
          %s
          channels:
            audit-hook: {type: webhook, url: "%s", secret_env: HOOK_SECRET}
          """.formatted(broker.bootstrapServers(), id, alerts, id, id, registry.url(),
          serdeSettings.indent(2).stripTrailing(), http.url("/hook")));
      NotifierConfig config = NotifierConfig.load(dir.resolve("notifier.yaml"), Map.of("HOOK_SECRET", SECRET)::get);
      Notifier notifier = new Notifier(config);
      running = notifier;
      Thread t = new Thread(notifier::run, "notifier-registry-outage");
      t.setDaemon(true);
      t.start();
      try {
        if (outage != null) {
          outage.during();
        }
        Await.until("the alert delivered", Duration.ofSeconds(90),
            () -> notifier.counters().delivered("audit-hook") == 1);
      } finally {
        notifier.stop();
        assertThat(notifier.awaitStopped(Duration.ofSeconds(60))).isTrue();
      }
      assertThat(http.accepted("/hook")).hasSize(1);
      assertThat(notifier.counters().get(NotifierCounters.ALERTS_INVALID)).isZero();
      assertThat(notifier.counters().get("failed.audit-hook")).isZero();
      assertThat(broker.readAll("notify-registry-failed-" + id, Duration.ofSeconds(2))).as("failed topic")
          .isEmpty();
      return notifier;
    }
  }
}
