package dev.costpipe.contracts.avro.serde;

import dev.costpipe.contracts.avro.registry.SchemaRegistryClient;
import dev.costpipe.contracts.avro.registry.SchemaRegistrySettings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes Avro records (generated classes or generic records) in Confluent's wire format, their schema
 * registered under {@code <topic>-value} ({@code <topic>-key} for keys) — what Confluent's
 * {@code KafkaAvroSerializer} does with its default subject naming, and configured by the same settings
 * ({@link SchemaRegistrySettings}). With {@code auto.register.schemas=false} the schema must already be there.
 */
public final class AvroSerializer implements Serializer<Object> {
  private SchemaRegistryClient client;
  private boolean isKey;

  /** For Kafka's reflective construction; {@link #configure} must follow. */
  public AvroSerializer() {}

  public AvroSerializer(SchemaRegistryClient client) {
    this.client = client;
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    this.isKey = isKey;
    if (client == null) {
      client = new SchemaRegistryClient(SchemaRegistrySettings.from(configs));
    }
  }

  @Override
  public byte[] serialize(String topic, Object data) {
    if (data == null) {
      return null;
    }
    if (!(data instanceof IndexedRecord record)) {
      throw new SerializationException("AvroSerializer writes Avro records, got " + data.getClass().getName()
          + " for topic " + topic);
    }
    if (client == null) {
      throw new SerializationException("AvroSerializer is not configured (schema.registry.url)");
    }
    String subject = topic + (isKey ? "-key" : "-value");
    int id = client.settings().autoRegister() ? client.register(subject, record.getSchema())
        : client.lookup(subject, record.getSchema());
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream(256);
      out.write(WireFormat.MAGIC_BYTE);
      out.write(ByteBuffer.allocate(4).putInt(id).array());
      BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
      new SpecificDatumWriter<IndexedRecord>(record.getSchema()).write(record, encoder);
      encoder.flush();
      return out.toByteArray();
    } catch (IOException | RuntimeException e) {
      throw new SerializationException("could not write a " + record.getSchema().getFullName() + " for topic " + topic
          + " as Avro: " + e.getMessage(), e);
    }
  }
}
