package dev.costpipe.clickhouse.sink;

import dev.costpipe.contracts.avro.AvroJson;
import dev.costpipe.engine.json.Json;
import dev.costpipe.schemas.avro.CostRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads a cost record's JSON behind Confluent's 5-byte header ({@link #wrap}) as the Avro record: an Avro value
 * without a registry, for tests where the registry is a {@link
 * dev.costpipe.testsupport.registry.ConfluentLikeFailingDeserializer}.
 */
public final class WireJsonDeserializer implements Deserializer<Object> {
  static byte[] wrap(byte[] json) {
    byte[] value = new byte[json.length + 5];
    value[4] = 1; // magic byte 0, schema id 1
    System.arraycopy(json, 0, value, 5, json.length);
    return value;
  }

  @Override
  public Object deserialize(String topic, byte[] data) {
    try {
      return AvroJson.toRecord(Json.MAPPER.readTree(Arrays.copyOfRange(data, 5, data.length)),
          CostRecord.getClassSchema());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
