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
    // lines end at \r\n, \r or \n (the SSE spec), scanned by hand: a regex split was a visible share of parsing
    for (int start = 0, end; start >= 0; start = next(text, end)) {
      end = lineEnd(text, start);
      String line = text.substring(start, end);
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

  private static int lineEnd(String text, int from) {
    int i = from;
    while (i < text.length() && text.charAt(i) != '\n' && text.charAt(i) != '\r') {
      i++;
    }
    return i;
  }

  /** Where the line after the one ending at {@code end} starts, or -1 after the last line. */
  private static int next(String text, int end) {
    if (end == text.length()) {
      return -1;
    }
    return end + (text.startsWith("\r\n", end) ? 2 : 1);
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
