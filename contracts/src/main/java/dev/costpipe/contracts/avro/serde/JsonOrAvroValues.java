package dev.costpipe.contracts.avro.serde;

import dev.costpipe.contracts.avro.AvroJson;
import dev.costpipe.contracts.avro.registry.RegistryFailures;
import dev.costpipe.contracts.avro.registry.SchemaRegistryUnavailableException;
import dev.costpipe.contracts.settings.CostpipeSettings;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.generic.IndexedRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.utils.Utils;

/**
 * For readers of costpipe's output topics that work on the JSON form (the ClickHouse sink, the notifier):
 * a JSON value passes through, a value in Confluent's wire format (first byte 0) is decoded through the schema
 * registry and turned into the same JSON. The Avro deserializer is {@code costpipe.serde.value-deserializer}
 * (default {@link AvroDeserializer}; Confluent's {@code io.confluent.kafka.serializers.KafkaAvroDeserializer}
 * works too), configured with the same settings and created on the first Avro value, so JSON-only readers
 * need no registry.
 */
public final class JsonOrAvroValues implements AutoCloseable {
  public static final String VALUE_DESERIALIZER = CostpipeSettings.SERDE_VALUE_DESERIALIZER.key();

  private final Map<String, Object> configs;
  private Deserializer<?> avro;

  public JsonOrAvroValues(Map<String, ?> configs) {
    this.configs = new HashMap<>(configs);
  }

  /**
   * The value as JSON (UTF-8). An Avro value that cannot be read is an {@link IllegalArgumentException} (a bad
   * record); a registry that is unavailable for now ({@link RegistryFailures#isTransient}: unreachable, timed out,
   * 401/403/408/429/5xx — from either deserializer) is a {@link SchemaRegistryUnavailableException}: the record is
   * fine and must be read again later, never dead-lettered.
   */
  public byte[] json(String topic, byte[] value) {
    if (!WireFormat.isSchemaRegistryValue(value)) {
      return value;
    }
    Object record;
    try {
      record = deserializer().deserialize(topic, value);
    } catch (RuntimeException e) {
      if (RegistryFailures.isTransient(e)) {
        throw new SchemaRegistryUnavailableException("schema registry unavailable: " + e.getMessage(), e);
      }
      throw new IllegalArgumentException("Avro value (schema id " + WireFormat.schemaId(value) + ") could not be read: "
          + e.getMessage(), e);
    }
    if (!(record instanceof IndexedRecord r)) {
      throw new IllegalArgumentException("the Avro deserializer gave a " + (record == null ? "null" : record.getClass().getName())
          + ", not an Avro record");
    }
    return AvroJson.toJsonBytes(r);
  }

  private synchronized Deserializer<?> deserializer() {
    if (avro == null) {
      Object name = configs.getOrDefault(VALUE_DESERIALIZER, CostpipeSettings.SERDE_VALUE_DESERIALIZER.defaultValue());
      try {
        avro = Utils.newInstance(name.toString(), Deserializer.class);
      } catch (ClassNotFoundException e) {
        throw new IllegalArgumentException(VALUE_DESERIALIZER + ": class " + name + " not found", e);
      }
      avro.configure(configs, false);
    }
    return avro;
  }

  @Override
  public synchronized void close() {
    if (avro != null) {
      avro.close();
    }
  }
}
