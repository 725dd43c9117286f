package dev.costpipe.sources.envelope;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON values of a body sent as {@code application/json} in any of the three shapes senders use (LiteLLM sends
 * all three under that one content type): one object, an array of objects, or NDJSON (objects one after the other,
 * usually one per line). The shape is told by the first non-blank character.
 */
public final class JsonBodies {
  // decimals read exactly (a reported cost passes through as sent, never through a double)
  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .nodeFactory(JsonNodeFactory.withExactBigDecimals(true)).build();
  private static final ObjectReader TREES = JSON.readerFor(JsonNode.class);

  private JsonBodies() {}

  public static ObjectMapper mapper() {
    return JSON;
  }

  /** The items of the body, in order; an empty body has none. Items need not be objects: callers refuse those. */
  public static List<JsonNode> items(byte[] body) throws UnparseableBodyException {
    int first = firstNonBlank(body);
    if (first < 0) {
      return List.of();
    }
    try {
      if (body[first] == '[') {
        JsonNode array = TREES.readValue(body);
        List<JsonNode> out = new ArrayList<>(array.size());
        array.forEach(out::add);
        return out;
      }
      if (body[first] != '{') {
        throw new UnparseableBodyException("the body is neither a JSON object, a JSON array nor NDJSON (it starts"
            + " with '" + (char) (body[first] & 0xff) + "')");
      }
      List<JsonNode> out = new ArrayList<>();
      try (MappingIterator<JsonNode> values = TREES.readValues(body)) {
        while (values.hasNextValue()) {
          out.add(values.nextValue());
        }
      }
      return out;
    } catch (JsonProcessingException e) {
      throw new UnparseableBodyException("the body is not valid JSON: " + e.getOriginalMessage()
          + " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr(), e);
    } catch (IOException e) {
      throw new UnparseableBodyException("the body is not valid JSON: " + e.getMessage(), e);
    }
  }

  private static int firstNonBlank(byte[] body) {
    int i = 0;
    if (body.length >= 3 && (body[0] & 0xff) == 0xEF && (body[1] & 0xff) == 0xBB && (body[2] & 0xff) == 0xBF) {
      i = 3; // a UTF-8 byte order mark
    }
    for (; i < body.length; i++) {
      byte b = body[i];
      if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
        return i;
      }
    }
    return -1;
  }
}
