package dev.costpipe.contracts.avro.serde;

import dev.costpipe.contracts.avro.registry.SchemaRegistryClient;
import dev.costpipe.contracts.avro.registry.SchemaRegistrySettings;
import java.io.IOException;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads values in Confluent's wire format, the writer's schema fetched by id from the registry (and cached).
 * As Confluent's {@code KafkaAvroDeserializer}: a generic record by default; with
 * {@code specific.avro.reader=true} an instance of the generated class of the writer schema's name, read
 * through that class's schema (Avro schema resolution: fields the writer added are skipped, fields it lacks
 * take their defaults).
 */
public final class AvroDeserializer implements Deserializer<Object> {
  public static final String SPECIFIC_AVRO_READER = "specific.avro.reader";

  private SchemaRegistryClient client;
  private boolean specific;

  /** For Kafka's reflective construction; {@link #configure} must follow. */
  public AvroDeserializer() {}

  public AvroDeserializer(SchemaRegistryClient client, boolean specific) {
    this.client = client;
    this.specific = specific;
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    Object s = configs.get(SPECIFIC_AVRO_READER);
    specific = s != null && Boolean.parseBoolean(s.toString().trim());
    if (client == null) {
      client = new SchemaRegistryClient(SchemaRegistrySettings.from(configs));
    }
  }

  @Override
  public Object deserialize(String topic, byte[] data) {
    if (data == null) {
      return null;
    }
    Schema writer = writerSchema(topic, data);
    Schema reader = writer;
    if (specific) {
      Class<?> generated = SpecificData.get().getClass(writer);
      if (generated == null) {
        throw new SerializationException("specific.avro.reader is set but no generated class " + writer.getFullName()
            + " is on the class path (topic " + topic + ")");
      }
      reader = SpecificData.get().getSchema(generated);
    }
    return read(topic, data, writer, reader);
  }

  /** Reads a value through an explicit reader schema (e.g. an older version the consumer was built with). */
  public Object deserialize(String topic, byte[] data, Schema readerSchema) {
    return data == null ? null : read(topic, data, writerSchema(topic, data), readerSchema);
  }

  private Schema writerSchema(String topic, byte[] data) {
    if (client == null) {
      throw new SerializationException("AvroDeserializer is not configured (schema.registry.url)");
    }
    try {
      return client.byId(WireFormat.schemaId(data));
    } catch (RuntimeException e) {
      throw new SerializationException("could not read an Avro value of topic " + topic + ": " + e.getMessage(), e);
    }
  }

  private Object read(String topic, byte[] data, Schema writer, Schema reader) {
    BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(data, WireFormat.HEADER_LENGTH,
        data.length - WireFormat.HEADER_LENGTH, null);
    GenericDatumReader<Object> datumReader = specific ? new SpecificDatumReader<>(writer, reader)
        : new GenericDatumReader<>(writer, reader);
    try {
      return datumReader.read(null, decoder);
    } catch (IOException | RuntimeException e) {
      throw new SerializationException("could not read an Avro value of topic " + topic + " with writer schema "
          + writer.getFullName() + ": " + e.getMessage(), e);
    }
  }
}
