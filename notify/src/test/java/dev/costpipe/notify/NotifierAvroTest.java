package dev.costpipe.notify;

import dev.costpipe.testsupport.Await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.costpipe.engine.json.Json;
import dev.costpipe.contracts.avro.serde.WireFormat;
import dev.costpipe.testsupport.SchemaRegistryTestServer;
import dev.costpipe.topology.TopologyConfig;
import dev.costpipe.topology.alert.AlertRule;
import dev.costpipe.testsupport.KafkaTestBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Alert events in Avro ({@code costpipe.serde.format=avro}) are delivered like JSON ones, with the same body. */
class NotifierAvroTest {
  private static final String SECRET = "avro-hook-secret";

  @TempDir
  Path dir;

  @Test
  void deliversAvroAlertEventsAsTheirJson() throws Exception {
    KafkaTestBroker broker = KafkaTestBroker.shared();
    SchemaRegistryTestServer registry = SchemaRegistryTestServer.shared();
    String id = UUID.randomUUID().toString().substring(0, 8);
    String alerts = "notify-avro-alerts-" + id;
    broker.createTopic(alerts, 1, Map.of());
    AlertRule rule = Alerts.rule("""
        {"id":"prod-daily","name":"Production daily","metric":"cost","budget_usd":100,"window":"1d",
         "levels":[80,100],"channels":["audit-hook"]}""");
    String avroEvent = Alerts.event(rule, 80, 80_000_127_200L, Instant.parse("2026-06-01T13:05:00Z"), "req-1");
    String jsonEvent = Alerts.event(rule, 100, 100_000_000_001L, Instant.parse("2026-06-01T14:05:00Z"), "req-2");
    Properties writer = new Properties();
    writer.setProperty("costpipe.serde.format", "avro");
    writer.setProperty("schema.registry.url", registry.url());
    byte[] avro = TopologyConfig.from(writer).outputFormat().alerts().serializer().serialize(alerts, avroEvent);
    assertThat(WireFormat.isSchemaRegistryValue(avro)).isTrue();
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
      producer.send(new ProducerRecord<>(alerts, rule.id(), avro));
      producer.send(new ProducerRecord<>(alerts, rule.id(), jsonEvent.getBytes(StandardCharsets.UTF_8)));
    }

    try (RecordingHttpServer http = RecordingHttpServer.start(SECRET)) {
      Files.writeString(dir.resolve("notifier.yaml"), """
          bootstrap_servers: %s
          group_id: grp-avro-%s
          topics: {alerts: %s, delivered: notify-avro-delivered-%s, failed: notify-avro-failed-%s}
          kafka: {schema.registry.url: "%s"}
          channels:
            audit-hook: {type: webhook, url: "%s", secret_env: HOOK_SECRET}
          """.formatted(broker.bootstrapServers(), id, alerts, id, id, registry.url(), http.url("/hook")));
      NotifierConfig config = NotifierConfig.load(dir.resolve("notifier.yaml"), Map.of("HOOK_SECRET", SECRET)::get);
      Notifier notifier = new Notifier(config);
      Thread t = new Thread(notifier::run, "notifier-avro-under-test");
      t.setDaemon(true);
      t.start();
      try {
        Await.until("both alerts delivered", Duration.ofSeconds(30),
            () -> notifier.counters().delivered("audit-hook") == 2);
      } finally {
        notifier.stop();
        assertThat(notifier.awaitStopped(Duration.ofSeconds(20))).isTrue();
      }
      List<JsonNode> bodies = http.accepted("/hook").stream().map(c -> read(new String(c.body(), StandardCharsets.UTF_8))).toList();
      assertThat(bodies).hasSize(2);
      JsonNode fromAvro = bodies.stream().filter(b -> b.path("level_pct").asInt() == 80).findFirst().orElseThrow();
      JsonNode expected = read(avroEvent);
      expected.fields().forEachRemaining(f -> assertThat(fromAvro.get(f.getKey()).isNumber()
          ? fromAvro.get(f.getKey()).decimalValue().compareTo(f.getValue().decimalValue()) == 0
          : fromAvro.get(f.getKey()).equals(f.getValue())).as(f.getKey() + " in " + fromAvro).isTrue());
      assertThat(fromAvro.path("spent").decimalValue()).isEqualByComparingTo("80.0001272");
    }
  }

  private static JsonNode read(String json) {
    try {
      return Json.MAPPER.readTree(json);
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }
}
