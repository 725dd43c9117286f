package dev.costpipe.engine.usage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.costpipe.engine.event.BadEventException;
import dev.costpipe.engine.json.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * Server-sent events text to the JSON payloads of its {@code data:} fields. Multi-line data is
 * joined with newlines as the SSE spec says; comments, {@code event:}/{@code id:}/{@code retry:}
 * lines and {@code [DONE]} carry no usage and are dropped.
 */
public final class SseParser {
  private static final ObjectMapper JSON = Json.MAPPER;

  private SseParser() {}

  public static List<JsonNode> payloads(String text) {
    List<JsonNode> out = new ArrayList<>();
    StringBuilder data = null;
    for (String line : text.split("\r\n|\r|\n", -1)) {
      if (line.isEmpty()) {
        flush(data, out);
        data = null;
      } else if (line.startsWith("data:")) {
        String value = line.substring(5);
        if (value.startsWith(" ")) {
          value = value.substring(1);
        }
        if (data == null) {
          data = new StringBuilder(value);
        } else {
          data.append('\n').append(value);
        }
      } else if (!line.startsWith(":") && !line.startsWith("event:") && !line.startsWith("id:")
          && !line.startsWith("retry:") && !line.equals("event") && !line.equals("data")) {
        throw new BadEventException("invalid_body", "chunk is neither JSON nor SSE text");
      }
    }
    flush(data, out);
    return out;
  }

  private static void flush(StringBuilder data, List<JsonNode> out) {
    if (data == null) {
      return;
    }
    String payload = data.toString().strip();
    if (payload.isEmpty() || payload.equals("[DONE]")) {
      return;
    }
    try {
      JsonNode node = JSON.readTree(payload);
      if (!node.isObject()) {
        throw new BadEventException("invalid_body", "SSE data is not a JSON object");
      }
      out.add(node);
    } catch (JsonProcessingException | NumberFormatException e) {
      throw new BadEventException("invalid_body", "SSE data is not JSON");
    }
  }
}
