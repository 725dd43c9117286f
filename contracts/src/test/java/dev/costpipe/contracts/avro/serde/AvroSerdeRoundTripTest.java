package dev.costpipe.contracts.avro.serde;

import dev.costpipe.contracts.avro.registry.SchemaRegistrySettings;
import dev.costpipe.contracts.avro.registry.SchemaRegistryClient;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.costpipe.schemas.avro.AlertEvent;
import dev.costpipe.schemas.avro.AlertRule;
import dev.costpipe.schemas.avro.CostAggregate;
import dev.costpipe.schemas.avro.CostRecord;
import dev.costpipe.schemas.avro.PricingEntry;
import dev.costpipe.schemas.avro.RawEvent;
import dev.costpipe.contracts.avro.AvroJson;
import dev.costpipe.testsupport.SchemaRegistryTestServer;
import java.io.IOException;
import java.io.InputStream;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.IndexedRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every topic's example value (README's JSON) → generated Avro class → wire format → back, unchanged. */
class AvroSerdeRoundTripTest {
  static final ObjectMapper MAPPER = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);

  static Stream<Schema> schemas() {
    return Stream.of(RawEvent.getClassSchema(), CostRecord.getClassSchema(), PricingEntry.getClassSchema(),
        CostAggregate.getClassSchema(), AlertRule.getClassSchema(), AlertEvent.getClassSchema());
  }

  @ParameterizedTest
  @MethodSource("schemas")
  void roundTripsThroughTheRegistry(Schema schema) throws IOException {
    SchemaRegistryTestServer registry = SchemaRegistryTestServer.shared();
    JsonNode json = example(schema.getName());
    IndexedRecord record = AvroJson.toRecord(json, schema);
    assertThat(record.getClass().getName()).as("the generated class").isEqualTo(schema.getFullName());
    String topic = "roundtrip." + schema.getName();

    AvroSerializer serializer = new AvroSerializer();
    serializer.configure(registry.configs(), false);
    byte[] bytes = serializer.serialize(topic, record);

    assertThat(bytes[0]).as("magic byte").isZero();
    int id = WireFormat.schemaId(bytes);
    assertThat(new SchemaRegistryClient(SchemaRegistrySettings.from(registry.configs())).lookup(topic + "-value", schema)).as("registered under <topic>-value").isEqualTo(id);

    AvroDeserializer specific = new AvroDeserializer();
    Map<String, Object> configs = new HashMap<>(registry.configs());
    configs.put(AvroDeserializer.SPECIFIC_AVRO_READER, "true");
    specific.configure(configs, false);
    Object read = specific.deserialize(topic, bytes);
    assertThat(read).isInstanceOf(record.getClass());
    assertSameJson(AvroJson.toJson((IndexedRecord) read), json);

    AvroDeserializer generic = new AvroDeserializer();
    generic.configure(registry.configs(), false);
    Object genericRead = generic.deserialize(topic, bytes);
    assertThat(genericRead).isInstanceOf(GenericRecord.class);
    assertSameJson(AvroJson.toJson((IndexedRecord) genericRead), json);
    assertSameJson(MAPPER.readTree(new JsonOrAvroValues(registry.configs()).json(topic, bytes)), json);
  }

  @Test
  void jsonValuesPassThroughWithoutARegistry() {
    byte[] json = "{\"request_id\":\"x\"}".getBytes();
    assertThat(new JsonOrAvroValues(Map.of()).json("t", json)).isSameAs(json);
  }

  @Test
  void refusesWhatIsNotAnAvroRecord() {
    AvroSerializer serializer = new AvroSerializer();
    serializer.configure(SchemaRegistryTestServer.shared().configs(), false);
    assertThatThrownBy(() -> serializer.serialize("t", "{\"a\":1}"))
        .isInstanceOf(SerializationException.class).hasMessageContaining("writes Avro records, got java.lang.String");
    AvroDeserializer deserializer = new AvroDeserializer();
    deserializer.configure(SchemaRegistryTestServer.shared().configs(), false);
    assertThatThrownBy(() -> deserializer.deserialize("t", "{\"a\":1}".getBytes()))
        .isInstanceOf(SerializationException.class).hasMessageContaining("first byte 0x7b");
  }

  @Test
  void saysWhichFieldDoesNotFit() throws IOException {
    JsonNode bad = MAPPER.readTree("{\"request_id\":\"x\",\"usage\":{\"input_tokens\":\"many\"}}");
    assertThatThrownBy(() -> AvroJson.toRecord(bad, CostRecord.getClassSchema()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CostRecord.usage.input_tokens must be an integer");
  }

  /** Equal JSON: objects in any key order, numbers by value (100 = 100.0, int = long). */
  static void assertSameJson(JsonNode actual, JsonNode expected) {
    Comparator<JsonNode> byValue = (a, b) -> a.isNumber() && b.isNumber()
        ? a.decimalValue().compareTo(b.decimalValue()) : a.equals(b) ? 0 : 1;
    assertThat(actual.equals(byValue, expected)).as("%s%nequals%n%s", actual, expected).isTrue();
  }

  static JsonNode example(String name) throws IOException {
    try (InputStream in = AvroSerdeRoundTripTest.class.getResourceAsStream("/examples/" + name + ".json")) {
      return MAPPER.readTree(in);
    }
  }
}
