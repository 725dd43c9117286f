package dev.costpipe.sources.envelope;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * costpipe's own envelopes (docs/contracts.md) posted as one object, an array or NDJSON: passed through unchanged
 * once each is checked against the envelope's rules, so a malformed event is refused at the door with a reason
 * instead of reaching the dead-letter topic later.
 */
public final class EnvelopeMapper {
  private static final Set<String> EVENT_TYPES = Set.of("request", "chunk", "response", "usage");
  private static final Set<String> STRING_FIELDS = Set.of("provider", "target_url", "model", "user_id", "session_id",
      "session_name", "session_path", "source");
  private static final Set<String> USAGE_TEXT_FIELDS = Set.of("service_tier", "inference_geo");

  private EnvelopeMapper() {}

  public static MappedBatch map(byte[] body) throws UnparseableBodyException {
    List<ObjectNode> events = new ArrayList<>();
    List<Reject> rejects = new ArrayList<>();
    List<JsonNode> items = JsonBodies.items(body);
    for (int i = 0; i < items.size(); i++) {
      JsonNode item = items.get(i);
      String wrong = problem(item);
      if (wrong == null) {
        events.add((ObjectNode) item);
      } else {
        rejects.add(new Reject("item " + i, wrong));
      }
    }
    return new MappedBatch(events, rejects, 0, List.of());
  }

  /** What is wrong with one envelope, or null. */
  static String problem(JsonNode e) {
    if (!e.isObject()) {
      return "not a JSON object";
    }
    JsonNode id = e.get("request_id");
    if (id == null || !id.isTextual() || id.asText().isBlank()) {
      return "request_id: a non-empty string is required";
    }
    JsonNode type = e.get("event_type");
    if (type == null || !EVENT_TYPES.contains(type.asText())) {
      return "event_type: one of request, chunk, response, usage is required";
    }
    JsonNode ts = e.get("timestamp");
    if (ts != null && !ts.isNull() && !ts.isTextual() && !ts.canConvertToLong()) {
      return "timestamp: an ISO-8601 string or epoch millis";
    }
    for (String f : STRING_FIELDS) {
      JsonNode v = e.get(f);
      if (v != null && !v.isNull() && !v.isTextual()) {
        return f + ": a string";
      }
    }
    String maps = stringMap(e, "headers");
    if (maps == null) {
      maps = stringMap(e, "properties");
    }
    if (maps != null) {
      return maps;
    }
    JsonNode status = e.get("status");
    if (status != null && !status.isNull() && !status.canConvertToInt()) {
      return "status: an integer";
    }
    JsonNode seq = e.get("seq");
    if ("chunk".equals(type.asText()) && (seq == null || !seq.canConvertToInt() || seq.asInt() < 0)) {
      return "seq: a chunk needs its 0-based position";
    }
    return "usage".equals(type.asText()) ? usageProblem(e) : null;
  }

  private static String usageProblem(JsonNode e) {
    JsonNode usage = e.get("usage");
    if (usage != null && !usage.isNull()) {
      if (!usage.isObject()) {
        return "usage: an object";
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = usage.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> f = it.next();
        if (USAGE_TEXT_FIELDS.contains(f.getKey())) {
          if (!f.getValue().isTextual() && !f.getValue().isNull()) {
            return "usage." + f.getKey() + ": a string";
          }
        } else if (!f.getValue().canConvertToLong() || !f.getValue().isIntegralNumber() || f.getValue().asLong() < 0) {
          return "usage." + f.getKey() + ": a non-negative integer";
        }
      }
    }
    JsonNode cost = e.get("reported_cost_usd");
    if (cost != null && !cost.isNull()) {
      try {
        new BigDecimal(cost.asText());
      } catch (NumberFormatException ex) {
        return "reported_cost_usd: a decimal number";
      }
    }
    return null;
  }

  private static String stringMap(JsonNode e, String field) {
    JsonNode m = e.get(field);
    if (m == null || m.isNull()) {
      return null;
    }
    if (!m.isObject()) {
      return field + ": an object of strings";
    }
    for (JsonNode v : m) {
      if (!v.isTextual()) {
        return field + ": an object of strings";
      }
    }
    return null;
  }
}
