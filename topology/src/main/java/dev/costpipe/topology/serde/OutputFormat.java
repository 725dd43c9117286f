package dev.costpipe.topology.serde;

import com.fasterxml.jackson.databind.JsonNode;
import dev.costpipe.engine.json.Json;
import dev.costpipe.engine.record.CostRecord;
import dev.costpipe.engine.record.CostRecordJson;
import dev.costpipe.schemas.avro.AlertEvent;
import dev.costpipe.schemas.avro.CostAggregate;
import dev.costpipe.topology.aggregate.AggregateUpdate;
import dev.costpipe.topology.alert.FiredAlert;
import dev.costpipe.contracts.avro.AvroJson;
import dev.costpipe.contracts.avro.serde.AvroSerializer;
import dev.costpipe.contracts.avro.serde.JsonOrAvroValues;
import dev.costpipe.contracts.settings.CostpipeSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Function;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Utils;

/**
 * The value format of costpipe's output topics ({@code llm.costs}, {@code llm.cost-aggregates},
 * {@code llm.cost-alerts}): {@code costpipe.serde.format=json} (the default: the README's JSON) or {@code avro}
 * (the schemas module's Avro records in Confluent's wire format, through a schema registry). In Avro, the
 * serializer is {@code costpipe.serde.value-serializer} (default {@link AvroSerializer}; Confluent's
 * {@code io.confluent.kafka.serializers.KafkaAvroSerializer} takes the same records), configured with every
 * non-{@code costpipe.*} setting ({@code schema.registry.url}, {@code auto.register.schemas},
 * {@code basic.auth.user.info}, …). Input topics stay JSON.
 *
 * @param configs the serde settings, never printed (they may hold {@code basic.auth.user.info})
 */
public record OutputFormat(String format, String valueSerializer, String valueDeserializer, Map<String, String> configs) {
  public static final String FORMAT = CostpipeSettings.SERDE_FORMAT.key();
  public static final String VALUE_SERIALIZER = CostpipeSettings.SERDE_VALUE_SERIALIZER.key();
  public static final String VALUE_DESERIALIZER = JsonOrAvroValues.VALUE_DESERIALIZER;

  public OutputFormat {
    if (!format.equals("json") && !format.equals("avro")) {
      throw new IllegalArgumentException(FORMAT + " must be json or avro, got '" + format + "'");
    }
    configs = Map.copyOf(configs);
  }

  public static OutputFormat from(Properties p) {
    Map<String, String> configs = new TreeMap<>();
    p.stringPropertyNames().stream().filter(k -> !k.startsWith("costpipe."))
        .forEach(k -> configs.put(k, p.getProperty(k)));
    return new OutputFormat(CostpipeSettings.SERDE_FORMAT.read(p).toLowerCase(java.util.Locale.ROOT),
        CostpipeSettings.SERDE_VALUE_SERIALIZER.read(p), CostpipeSettings.SERDE_VALUE_DESERIALIZER.read(p), configs);
  }

  public boolean isAvro() {
    return format.equals("avro");
  }

  /** Values of {@code llm.costs}. */
  public Serde<CostRecord> costRecords() {
    return isAvro() ? avro(dev.costpipe.schemas.avro.CostRecord.getClassSchema(), CostRecordJson::toTree,
        CostRecordJson::fromTree) : CostpipeSerdes.costRecord();
  }

  /** Values of {@code llm.cost-aggregates}, as the topology's aggregates update them. */
  public Serde<AggregateUpdate> aggregateUpdates() {
    return asJsonText(aggregates(), AggregateUpdate::toTree, AggregateUpdate::fromTree);
  }

  /** Values of {@code llm.cost-alerts}, as the topology fires them. */
  public Serde<FiredAlert> firedAlerts() {
    return asJsonText(alerts(), FiredAlert::toTree, FiredAlert::fromTree);
  }

  /** Values of {@code llm.cost-aggregates}, given as the aggregate's JSON text. */
  public Serde<String> aggregates() {
    return isAvro() ? avro(CostAggregate.getClassSchema(), OutputFormat::tree, JsonNode::toString) : Serdes.String();
  }

  /** Values of {@code llm.cost-alerts}, given as the alert event's JSON text. */
  public Serde<String> alerts() {
    return isAvro() ? avro(AlertEvent.getClassSchema(), OutputFormat::tree, JsonNode::toString) : Serdes.String();
  }

  /**
   * A value written as its JSON text through {@code text}. The text is {@link JsonNode#toString()}'s, which writes
   * a decimal as {@link java.math.BigDecimal#toString()} does (1E-9), and in Avro the record is read from that text
   * (a budget of 2.000000000 USD becomes "2"): the forms these topics have always had.
   */
  private static <T> Serde<T> asJsonText(Serde<String> text, Function<T, JsonNode> toTree,
      Function<JsonNode, T> fromTree) {
    Serializer<T> ser = (topic, value) -> value == null ? null
        : text.serializer().serialize(topic, toTree.apply(value).toString());
    Deserializer<T> de = (topic, bytes) -> {
      String json = text.deserializer().deserialize(topic, bytes);
      return json == null ? null : fromTree.apply(tree(json));
    };
    return Serdes.serdeFrom(ser, de);
  }

  /** A value as the Avro record of {@code schema} (from its JSON form), written by the configured serializer. */
  private <T> Serde<T> avro(Schema schema, Function<T, JsonNode> toJson, Function<JsonNode, T> fromJson) {
    Serializer<Object> serializer = newInstance(valueSerializer, Serializer.class, VALUE_SERIALIZER);
    serializer.configure(configs, false);
    Deserializer<Object> deserializer = newInstance(valueDeserializer, Deserializer.class, VALUE_DESERIALIZER);
    deserializer.configure(configs, false);
    Serializer<T> ser = (topic, value) -> value == null ? null
        : serializer.serialize(topic, AvroJson.toRecord(toJson.apply(value), schema));
    Deserializer<T> de = (topic, bytes) -> bytes == null ? null
        : fromJson.apply(AvroJson.toJson((IndexedRecord) deserializer.deserialize(topic, bytes)));
    return Serdes.serdeFrom(ser, de);
  }

  @SuppressWarnings("unchecked")
  private static <T> T newInstance(String className, Class<?> type, String setting) {
    try {
      return (T) Utils.newInstance(className, type);
    } catch (ClassNotFoundException e) {
      throw new IllegalArgumentException(setting + ": class " + className + " not found", e);
    }
  }

  private static JsonNode tree(String json) {
    try {
      return Json.MAPPER.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String toString() {
    return "OutputFormat[format=" + format + ", valueSerializer=" + valueSerializer + ", valueDeserializer="
        + valueDeserializer + ", configs=" + configs.keySet() + "]";
  }
}
