package dev.costpipe.clickhouse.sink;

import dev.costpipe.contracts.avro.serde.JsonOrAvroValues;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * A record's value in the JSON form the rows are built from: JSON as it is, Avro (Confluent's wire format,
 * {@code costpipe.serde.format=avro}) decoded through the schema registry. An Avro value that cannot be read is
 * an invalid record ({@code invalid_avro}); an unavailable registry is not: its
 * {@link dev.costpipe.contracts.avro.registry.SchemaRegistryUnavailableException} passes through, and the sink
 * waits and reads the record again.
 */
final class SinkValueFormat {
  static final String INVALID_AVRO = "invalid_avro";

  private SinkValueFormat() {}

  static byte[] json(JsonOrAvroValues values, ConsumerRecord<byte[], byte[]> r) throws InvalidRecordException {
    try {
      return values.json(r.topic(), r.value());
    } catch (IllegalArgumentException e) {
      throw new InvalidRecordException(INVALID_AVRO, e.getMessage());
    }
  }
}
