package dev.costpipe.topology.serde;

import dev.costpipe.contracts.avro.registry.SchemaRegistrySettings;
import dev.costpipe.contracts.avro.registry.SchemaRegistryClient;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.costpipe.engine.pricing.Endpoint;
import dev.costpipe.engine.pricing.PricePeriod;
import dev.costpipe.engine.pricing.PricingEntry;
import dev.costpipe.engine.pricing.Rates;
import dev.costpipe.schemas.avro.CostRecord;
import dev.costpipe.contracts.avro.serde.JsonOrAvroValues;
import dev.costpipe.contracts.avro.serde.WireFormat;
import dev.costpipe.testsupport.SchemaRegistryTestServer;
import dev.costpipe.topology.Events;
import dev.costpipe.topology.TopologyConfig;
import dev.costpipe.topology.TopologyFixture;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.TestOutputTopic;
import org.junit.jupiter.api.Test;

/** {@code costpipe.serde.format=avro}: the same output as JSON, as Avro records through a real schema registry. */
class AvroOutputTopologyTest {
  private static final Map<String, String> PROD = Map.of("Helicone-User-Id", "alice", "Helicone-Session-Id", "s1",
      "Helicone-Session-Name", "support", "Helicone-Session-Path", "/triage", "Helicone-Property-Environment",
      "production");

  @Test
  void writesTheSameRecordsAsJsonInConfluentsWireFormat() {
    SchemaRegistryTestServer registry = SchemaRegistryTestServer.shared();
    Properties avro = new Properties();
    avro.setProperty("costpipe.serde.format", "avro");
    avro.setProperty("schema.registry.url", registry.url());

    List<String> jsonCosts;
    List<String> jsonAggregates;
    List<String> jsonAlerts;
    try (TopologyFixture f = run(new TopologyFixture())) {
      jsonCosts = f.costs.readValuesToList();
      jsonAggregates = f.aggregates.readValuesToList();
      jsonAlerts = f.alerts.readValuesToList();
    }
    try (TopologyFixture f = run(new TopologyFixture(avro))) {
      JsonOrAvroValues reader = new JsonOrAvroValues(Map.of("schema.registry.url", registry.url()));
      assertSame(bytes(f, f.config.costsTopic()), jsonCosts, f.config.costsTopic(), reader);
      assertSame(bytes(f, f.config.aggregatesTopic()), jsonAggregates, f.config.aggregatesTopic(), reader);
      assertSame(bytes(f, f.config.alertsTopic()), jsonAlerts, f.config.alertsTopic(), reader);
      assertThat(jsonAlerts).isNotEmpty();
      assertThat(new SchemaRegistryClient(SchemaRegistrySettings.from(registry.configs())).lookup(f.config.costsTopic() + "-value", CostRecord.getClassSchema())).isPositive();
    }
  }

  @Test
  void refusesAnUnknownFormatOrSerializerClass() {
    Properties p = new Properties();
    p.setProperty("costpipe.serde.format", "protobuf");
    assertThatThrownBy(() -> TopologyConfig.from(p)).hasMessageContaining("costpipe.serde.format must be json or avro");
    p.setProperty("costpipe.serde.format", "avro");
    p.setProperty("costpipe.serde.value-serializer", "com.example.Missing");
    assertThatThrownBy(() -> TopologyConfig.from(p).outputFormat().costRecords())
        .hasMessageContaining("costpipe.serde.value-serializer: class com.example.Missing not found");
  }

  @Test
  void neverPrintsTheRegistryPassword() {
    Properties p = new Properties();
    p.setProperty("basic.auth.user.info", "costpipe:s3cret");
    assertThat(TopologyConfig.from(p).toString()).doesNotContain("s3cret");
  }

  private static TopologyFixture run(TopologyFixture f) {
    f.publishPrice(new PricingEntry("openai/gpt-test", "test", List.of(new Endpoint("openai", null,
        List.of("gpt-test"), "https://example.com", "2026-06-01", List.of(new PricePeriod(
            Instant.parse("2026-01-01T00:00:00Z"), new Rates(new BigDecimal("0.000001"), new BigDecimal("0.000002"),
                null, null, null, null, null, null, null, null, null), List.of()))))));
    f.rules.pipeInput("prod-daily", "{\"id\":\"prod-daily\",\"name\":\"Production daily\",\"budget_usd\":2,"
        + "\"window\":\"1d\",\"levels\":[50,100],\"filter\":{\"properties\":{\"Environment\":\"production\"}},"
        + "\"channels\":[\"ops-slack\"]}");
    f.send(Events.openAi("r1", "2026-06-01T10:05:00Z", "gpt-test", 1_000_000, 10, PROD));
    f.send(Events.openAi("r2", "2026-06-01T10:15:00Z", "gpt-unknown", 10, 10, Map.of("Helicone-User-Id", "bob")));
    f.send(Events.openAi("r3", "2026-06-01T10:25:00Z", "gpt-test", 1_000_000, 0, PROD));
    return f;
  }

  private static List<byte[]> bytes(TopologyFixture f, String topic) {
    TestOutputTopic<byte[], byte[]> out = f.driver.createOutputTopic(topic, new ByteArrayDeserializer(),
        new ByteArrayDeserializer());
    return out.readValuesToList();
  }

  private static void assertSame(List<byte[]> avro, List<String> json, String topic, JsonOrAvroValues reader) {
    assertThat(avro).hasSameSizeAs(json).isNotEmpty();
    Comparator<JsonNode> byValue = (a, b) -> a.isNumber() && b.isNumber()
        ? a.decimalValue().compareTo(b.decimalValue()) : a.equals(b) ? 0 : 1;
    for (int i = 0; i < avro.size(); i++) {
      assertThat(WireFormat.isSchemaRegistryValue(avro.get(i))).as("magic byte 0").isTrue();
      JsonNode decoded = TopologyFixture.read(new String(reader.json(topic, avro.get(i)), StandardCharsets.UTF_8));
      JsonNode expected = withoutNulls(TopologyFixture.read(json.get(i)));
      assertThat(withoutNulls(decoded).equals(byValue, expected)).as("%s%nequals%n%s", decoded, expected).isTrue();
    }
  }

  /** The JSON form omits some absent fields (an aggregate's session fields) that Avro writes as null. */
  private static JsonNode withoutNulls(JsonNode n) {
    if (n instanceof ObjectNode object) {
      ObjectNode o = object.deepCopy();
      o.properties().removeIf(e -> e.getValue().isNull());
      return o;
    }
    return n;
  }
}
