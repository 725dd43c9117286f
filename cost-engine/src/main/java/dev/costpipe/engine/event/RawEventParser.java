package dev.costpipe.engine.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.costpipe.engine.json.IsoInstant;
import dev.costpipe.engine.json.Json;
import dev.costpipe.engine.usage.SseParser;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/** Parses and checks the JSON raw event envelope. Anything unusable throws {@link BadEventException}. */
public final class RawEventParser {
  /** Bound on a chunk's seq: keeps one request's merge state bounded whatever a producer sends. */
  public static final int MAX_SEQ = 100_000;

  private static final ObjectMapper JSON = Json.MAPPER;

  private RawEventParser() {}

  public static RawEvent parse(byte[] bytes) {
    JsonNode root;
    try {
      root = JSON.readTree(bytes);
    } catch (IOException | NumberFormatException e) {
      // Jackson refuses numbers like 1e99999999 with a NumberFormatException, not a parse error
      throw new BadEventException("invalid_json", "not JSON: " + firstLine(e.getMessage()));
    }
    return parse(root);
  }

  public static RawEvent parse(String line) {
    JsonNode root;
    try {
      root = JSON.readTree(line);
    } catch (JsonProcessingException e) {
      throw new BadEventException("invalid_json", "not JSON: " + firstLine(e.getOriginalMessage()));
    } catch (NumberFormatException e) {
      throw new BadEventException("invalid_json", "not JSON: " + firstLine(e.getMessage()));
    }
    return parse(root);
  }

  public static RawEvent parse(JsonNode root) {
    if (root == null || !root.isObject()) {
      throw new BadEventException("invalid_json", "an event must be a JSON object");
    }
    String requestId = string(root, "request_id");
    if (requestId == null || requestId.isBlank()) {
      throw new BadEventException("missing_request_id", "request_id is required");
    }
    String typeText = string(root, "event_type");
    if (typeText == null) {
      throw new BadEventException("invalid_event_type", "event_type is required");
    }
    EventType type = EventType.fromWire(typeText);
    if (type == null) {
      throw new BadEventException("invalid_event_type",
          "event_type must be request, chunk, response or usage, got '" + abbreviate(typeText) + "'");
    }
    Integer seq = integer(root, "seq");
    if (type == EventType.CHUNK) {
      if (seq == null) {
        throw new BadEventException("invalid_field", "a chunk needs seq");
      }
      if (seq < 0 || seq > MAX_SEQ) {
        throw new BadEventException("invalid_field", "seq must be between 0 and " + MAX_SEQ + ", got " + seq);
      }
    }
    JsonNode chunk = type == EventType.CHUNK ? chunk(root) : null;
    Integer status = integer(root, "status");
    Map<String, String> headers = headers(root);
    UsageReport report = null;
    if (type == EventType.USAGE) {
      UsageEventFields.refuseBodies(root);
      status = status == null ? UsageEventFields.DEFAULT_STATUS : status;
      report = UsageEventFields.report(root, status);
      headers = UsageEventFields.withCallerTags(root, headers);
    }
    JsonNode cacheHit = root.get("cache_hit");
    if (cacheHit != null && !cacheHit.isNull() && !cacheHit.isBoolean()) {
      throw new BadEventException("invalid_field", "cache_hit must be a boolean");
    }
    return new RawEvent(requestId, type, seq, timestamp(root), lower(string(root, "provider")),
        string(root, "target_url"), string(root, "model"), headers, body(root, "request_body"),
        body(root, "response_body"), chunk, status,
        cacheHit == null || cacheHit.isNull() ? null : cacheHit.booleanValue(), report);
  }

  private static Instant timestamp(JsonNode root) {
    JsonNode t = root.get("timestamp");
    if (t == null || t.isNull()) {
      return null;
    }
    if (t.isIntegralNumber()) {
      return Instant.ofEpochMilli(t.longValue());
    }
    if (t.isTextual()) {
      try {
        return IsoInstant.parse(t.textValue());
      } catch (DateTimeParseException e) {
        try {
          return java.time.OffsetDateTime.parse(t.textValue()).toInstant();
        } catch (DateTimeParseException e2) {
          throw new BadEventException("invalid_field",
              "timestamp must be ISO-8601 or epoch millis, got '" + abbreviate(t.textValue()) + "'");
        }
      }
    }
    throw new BadEventException("invalid_field", "timestamp must be ISO-8601 or epoch millis");
  }

  private static Map<String, String> headers(JsonNode root) {
    JsonNode h = root.get("headers");
    if (h == null || h.isNull()) {
      return Map.of();
    }
    if (!h.isObject()) {
      throw new BadEventException("invalid_field", "headers must be an object of strings");
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = h.fields(); it.hasNext(); ) {
      var e = it.next();
      if (!e.getValue().isValueNode() || e.getValue().isNull()) {
        throw new BadEventException("invalid_field", "header '" + abbreviate(e.getKey()) + "' must be a string");
      }
      out.put(e.getKey(), e.getValue().asText());
    }
    return out;
  }

  /** A body: a JSON object, or a string holding one. An empty string is the same as absent. */
  private static JsonNode body(JsonNode root, String field) {
    JsonNode b = root.get(field);
    if (b == null || b.isNull()) {
      return null;
    }
    if (b.isTextual()) {
      if (b.textValue().isBlank()) {
        return null;
      }
      try {
        b = JSON.readTree(b.textValue());
      } catch (JsonProcessingException | NumberFormatException e) {
        throw new BadEventException("invalid_body", field + " is a string but not JSON");
      }
    }
    if (!b.isObject()) {
      throw new BadEventException("invalid_body", field + " must be a JSON object");
    }
    return b;
  }

  /**
   * A chunk, as the array of its stream payloads: a JSON object is one payload, an array several;
   * text is a JSON string or raw SSE lines (one or more events).
   */
  private static JsonNode chunk(JsonNode root) {
    JsonNode c = root.get("chunk");
    if (c == null || c.isNull()) {
      throw new BadEventException("invalid_field", "a chunk event needs chunk");
    }
    ArrayNode payloads = JSON.createArrayNode();
    if (c.isObject()) {
      return payloads.add(c);
    }
    if (c.isArray()) {
      // several stream events at once, as RawEventJson writes a chunk
      for (JsonNode p : c) {
        if (!p.isObject()) {
          throw new BadEventException("invalid_body", "a chunk array must hold JSON objects");
        }
      }
      return payloads.addAll((ArrayNode) c);
    }
    if (!c.isTextual()) {
      throw new BadEventException("invalid_body", "chunk must be a JSON object or SSE text");
    }
    String text = c.textValue().strip();
    if (text.startsWith("{")) {
      try {
        return payloads.add(JSON.readTree(text));
      } catch (JsonProcessingException | NumberFormatException e) {
        throw new BadEventException("invalid_body", "chunk starts like JSON but is not JSON");
      }
    }
    return payloads.addAll(SseParser.payloads(text));
  }

  static String string(JsonNode root, String field) {
    JsonNode v = root.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw new BadEventException("invalid_field", field + " must be a string");
    }
    return v.textValue();
  }

  private static Integer integer(JsonNode root, String field) {
    JsonNode v = root.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isIntegralNumber() || !v.canConvertToInt()) {
      throw new BadEventException("invalid_field", field + " must be an integer");
    }
    return v.intValue();
  }

  private static String lower(String s) {
    return s == null ? null : s.toLowerCase(java.util.Locale.ROOT);
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return abbreviate(nl < 0 ? s : s.substring(0, nl));
  }

  /** {@code s} cut to 80 characters for a message. */
  public static String abbreviate(String s) {
    return s.length() <= 80 ? s : s.substring(0, 80) + "…";
  }
}
