package dev.costpipe.devtools.generate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.costpipe.engine.json.Json;

/** Server-sent-event text as providers put it on the wire. */
final class Sse {
  static final String DONE = "data: [DONE]\n\n";

  private Sse() {}

  static String data(JsonNode payload) {
    return "data: " + json(payload) + "\n\n";
  }

  static String json(JsonNode node) {
    try {
      return Json.MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a generated tree did not serialize", e);
    }
  }

  static String event(String name, JsonNode payload) {
    return "event: " + name + "\n" + data(payload);
  }

  static JsonNode chunk(String sseText) {
    return TextNode.valueOf(sseText);
  }
}
