package dev.costpipe.contracts.avro.serde;

import dev.costpipe.contracts.avro.registry.SchemaRegistrySettings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.costpipe.schemas.avro.CostRecord;
import dev.costpipe.contracts.avro.AvroJson;
import dev.costpipe.contracts.avro.registry.SchemaRegistryClient;
import dev.costpipe.contracts.avro.registry.SchemaRegistryException;
import dev.costpipe.testsupport.SchemaRegistryTestServer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.JsonProperties;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.IndexedRecord;
import org.junit.jupiter.api.Test;

/** How the cost record may change under the registry's BACKWARD compatibility. */
class CostRecordEvolutionTest {
  private static final String TOPIC = "evolution.costs";
  private final SchemaRegistryTestServer registry = SchemaRegistryTestServer.shared();
  private final SchemaRegistryClient client = new SchemaRegistryClient(SchemaRegistrySettings.from(registry.configs()));

  @Test
  void aNewOptionalFieldIsCompatibleAndOldConsumersReadTheNewRecords() throws IOException {
    Schema v1 = CostRecord.getClassSchema();
    Schema v2 = withField(v1, new Schema.Field("region",
        Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.STRING)),
        "where the request was served", JsonProperties.NULL_VALUE));
    int idV1 = client.register(TOPIC + "-value", v1);

    int idV2 = client.register(TOPIC + "-value", v2);

    assertThat(idV2).isNotEqualTo(idV1);
    ObjectNode json = (ObjectNode) AvroSerdeRoundTripTest.example("CostRecord");
    json.put("region", "eu-west-1");
    AvroSerializer producerV2 = new AvroSerializer(new SchemaRegistryClient(SchemaRegistrySettings.from(registry.configs())));
    producerV2.configure(registry.configs(), false);
    byte[] bytes = producerV2.serialize(TOPIC, AvroJson.toRecord(json, v2));
    assertThat(WireFormat.schemaId(bytes)).isEqualTo(idV2);

    AvroDeserializer consumerV1 = new AvroDeserializer(new SchemaRegistryClient(SchemaRegistrySettings.from(registry.configs())), false);
    GenericRecord old = (GenericRecord) consumerV1.deserialize(TOPIC, bytes, v1);
    assertThat(old.getSchema().getField("region")).isNull();
    assertThat(old.get("request_id").toString()).isEqualTo("ex-1");
    assertThat(old.get("cost_nano_usd")).isEqualTo(127200L);
    assertThat(old.get("cost_usd").toString()).isEqualTo("0.000127200");
    // and the generated (v1) class reads it too
    AvroDeserializer specificV1 = new AvroDeserializer(new SchemaRegistryClient(SchemaRegistrySettings.from(registry.configs())), true);
    CostRecord record = (CostRecord) specificV1.deserialize(TOPIC, bytes);
    assertThat(record.getUsage().getCacheReadTokens()).isEqualTo(1024L);
    assertThat(record.getCostBreakdown()).containsEntry("cache_read", 76800L);
  }

  @Test
  void anIncompatibleChangeIsRefused() {
    Schema v1 = CostRecord.getClassSchema();
    client.register(TOPIC + ".refused-value", v1);
    // a new field without a default: a new reader could not read the records already written
    Schema required = withField(v1, new Schema.Field("tenant", Schema.create(Schema.Type.STRING), null, null));

    assertThatThrownBy(() -> client.register(TOPIC + ".refused-value", required))
        .isInstanceOf(SchemaRegistryException.class)
        .hasMessageContaining("incompatible")
        .hasMessageContaining("HTTP 409")
        .satisfies(e -> assertThat(((SchemaRegistryException) e).isIncompatible()).isTrue());
  }

  @Test
  void aProducerWithoutAutoRegisterNeedsTheSchemaRegisteredFirst() {
    AvroSerializer serializer = new AvroSerializer();
    var configs = new java.util.HashMap<String, Object>(registry.configs());
    configs.put("auto.register.schemas", "false");
    serializer.configure(configs, false);
    IndexedRecord record;
    try {
      record = AvroJson.toRecord(AvroSerdeRoundTripTest.example("CostRecord"), CostRecord.getClassSchema());
    } catch (IOException e) {
      throw new AssertionError(e);
    }

    assertThatThrownBy(() -> serializer.serialize("evolution.unregistered", record))
        .hasMessageContaining("subject 'evolution.unregistered-value'").hasMessageContaining("not found");
    client.register("evolution.unregistered-value", CostRecord.getClassSchema());
    assertThat(serializer.serialize("evolution.unregistered", record)[0]).isZero();
  }

  private static Schema withField(Schema base, Schema.Field added) {
    List<Schema.Field> fields = new ArrayList<>();
    for (Schema.Field f : base.getFields()) {
      fields.add(new Schema.Field(f, f.schema()));
    }
    fields.add(added);
    Schema s = Schema.createRecord(base.getName(), base.getDoc(), base.getNamespace(), false, fields);
    base.getObjectProps().forEach(s::addProp);
    return s;
  }
}
