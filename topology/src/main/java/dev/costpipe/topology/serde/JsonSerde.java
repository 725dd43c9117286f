package dev.costpipe.topology.serde;

import com.fasterxml.jackson.databind.JsonNode;
import dev.costpipe.engine.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/** A serde from a pair of functions to and from a Jackson tree. */
public final class JsonSerde {
  private JsonSerde() {}

  public static <T> Serde<T> of(Function<T, JsonNode> toTree, Function<JsonNode, T> fromTree) {
    Serializer<T> ser = (topic, value) -> {
      if (value == null) {
        return null;
      }
      try {
        return Json.MAPPER.writeValueAsBytes(toTree.apply(value));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    };
    Deserializer<T> de = (topic, bytes) -> {
      if (bytes == null) {
        return null;
      }
      try {
        return fromTree.apply(Json.MAPPER.readTree(bytes));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    };
    return Serdes.serdeFrom(ser, de);
  }
}
