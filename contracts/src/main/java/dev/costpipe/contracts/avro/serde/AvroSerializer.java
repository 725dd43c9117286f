package dev.costpipe.contracts.avro.serde;

import dev.costpipe.contracts.Backoff;
import dev.costpipe.contracts.avro.registry.RegistryFailures;
import dev.costpipe.contracts.avro.registry.RegistryOutage;
import dev.costpipe.contracts.avro.registry.SchemaRegistryClient;
import dev.costpipe.contracts.avro.registry.SchemaRegistrySettings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes Avro records (generated classes or generic records) in Confluent's wire format, their schema
 * registered under {@code <topic>-value} ({@code <topic>-key} for keys) — what Confluent's
 * {@code KafkaAvroSerializer} does with its default subject naming, and configured by the same settings
 * ({@link SchemaRegistrySettings}). With {@code auto.register.schemas=false} the schema must already be there.
 *
 * <p>A registry outage ({@link RegistryFailures#isTransient}) is waited out here, with backoff, for as long as it
 * lasts, and {@link RegistryOutage} says so meanwhile: in Kafka Streams a failing serializer would make the stream
 * thread be replaced again and again, each replacement restoring its tasks, while a waiting one at worst outlives
 * its transaction once (the tasks are then migrated and their records processed again, exactly once). Ids are
 * cached, so only the first record of each schema after a start can wait.
 */
public final class AvroSerializer implements Serializer<Object> {
  private static final Logger LOG = LoggerFactory.getLogger(AvroSerializer.class);
  private static final Backoff OUTAGE_BACKOFF = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30));

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
    int id = schemaId(subject, record.getSchema());
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

  /** The schema's id, registered or looked up, waiting out a registry outage; other failures are thrown. */
  private int schemaId(String subject, Schema schema) {
    Backoff.Attempts attempts = null;
    try {
      while (true) {
        try {
          return client.settings().autoRegister() ? client.register(subject, schema) : client.lookup(subject, schema);
        } catch (RuntimeException e) {
          if (!RegistryFailures.isTransient(e)) {
            throw e;
          }
          if (attempts == null) {
            attempts = OUTAGE_BACKOFF.attempts(LOG, Backoff.THREAD_SLEEP);
            RegistryOutage.began();
          }
          attempts.retryAfter("schema registry unavailable for subject " + subject, e.getMessage());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SerializationException("interrupted while waiting for the schema registry (subject " + subject + ")",
          e);
    } finally {
      if (attempts != null) {
        RegistryOutage.ended();
      }
    }
  }
}
