package dev.costpipe.app.budgets;

import com.fasterxml.jackson.databind.JsonNode;
import dev.costpipe.engine.json.Json;
import dev.costpipe.engine.pricing.Cost;
import dev.costpipe.engine.record.CostRecord;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The body of {@code POST /v1/budgets/check}: the call about to be made, described in the rules' filter terms
 * ({@code user_id}, {@code model}, {@code provider}, {@code session_name}, {@code properties}; or one dimension as
 * {@code dimension} + {@code key}), and its estimated cost ({@code estimated_cost_usd}, a decimal string or number,
 * 0 when not given). Unknown fields are refused: a misspelt {@code user_id} would match no rule and allow anything.
 */
record CheckRequest(String userId, String model, String provider, String sessionName, Map<String, String> properties,
    long estimatedNanoUsd) {
  private static final Set<String> FIELDS = Set.of("user_id", "model", "provider", "session_name", "properties",
      "dimension", "key", "estimated_cost_usd");

  CheckRequest {
    properties = Map.copyOf(properties);
  }

  /** @throws IllegalArgumentException saying what is wrong (HTTP 400) */
  static CheckRequest parse(byte[] body) {
    JsonNode o;
    try {
      o = Json.MAPPER.readTree(body);
    } catch (IOException e) {
      throw new IllegalArgumentException("the body is not JSON: " + e.getMessage());
    }
    if (o == null || !o.isObject()) {
      throw new IllegalArgumentException("the body must be a JSON object");
    }
    o.fieldNames().forEachRemaining(f -> {
      if (!FIELDS.contains(f)) {
        throw new IllegalArgumentException("unknown field " + f + " (" + String.join(", ", FIELDS.stream().sorted()
            .toList()) + ")");
      }
    });
    Map<String, String> attributes = new LinkedHashMap<>();
    for (String f : List.of("user_id", "model", "provider", "session_name")) {
      attributes.put(f, text(o, f));
    }
    Map<String, String> properties = new LinkedHashMap<>();
    JsonNode props = o.path("properties");
    if (!props.isMissingNode() && !props.isNull()) {
      if (!props.isObject()) {
        throw new IllegalArgumentException("properties must be an object of names to values");
      }
      props.fields().forEachRemaining(p -> properties.put(p.getKey(), p.getValue().asText()));
    }
    if (o.has("dimension") || o.has("key")) {
      dimension(text(o, "dimension"), text(o, "key"), attributes, properties);
    }
    return new CheckRequest(attributes.get("user_id"), attributes.get("model"), attributes.get("provider"),
        attributes.get("session_name"), properties, estimate(o.get("estimated_cost_usd")));
  }

  /** The call as a cost record, so that a rule matches it exactly as it matches priced requests. */
  CostRecord asCall() {
    return new CostRecord("budget-check", Instant.EPOCH, provider, model, null, userId, null, sessionName, null,
        properties, null, false, false, null, null, null, null, Map.of(), 0, List.of());
  }

  /** {@code dimension} + {@code key}: user, model, provider or property ({@code name=value}). */
  private static void dimension(String dimension, String key, Map<String, String> attributes,
      Map<String, String> properties) {
    if (dimension == null || key == null) {
      throw new IllegalArgumentException("dimension and key go together");
    }
    String field = switch (dimension) {
      case "user" -> "user_id";
      case "model" -> "model";
      case "provider" -> "provider";
      case "property" -> null;
      default -> throw new IllegalArgumentException("dimension must be user, model, provider or property, got '"
          + dimension + "'");
    };
    if (field == null) {
      int eq = key.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("a property key is name=value, got '" + key + "'");
      }
      putOnce(properties, key.substring(0, eq), key.substring(eq + 1), "properties." + key.substring(0, eq));
    } else {
      putOnce(attributes, field, key, field);
    }
  }

  private static void putOnce(Map<String, String> m, String name, String value, String what) {
    String before = m.get(name);
    if (before != null && !before.equals(value)) {
      throw new IllegalArgumentException(what + " is '" + before + "' but key says '" + value + "'");
    }
    m.put(name, value);
  }

  private static long estimate(JsonNode n) {
    if (n == null || n.isNull()) {
      return 0;
    }
    BigDecimal usd;
    try {
      usd = n.isNumber() ? n.decimalValue() : new BigDecimal(n.asText().strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("estimated_cost_usd must be a decimal number of USD, got " + n);
    }
    if (usd.signum() < 0) {
      throw new IllegalArgumentException("estimated_cost_usd must not be negative, got " + usd.toPlainString());
    }
    try {
      return Cost.toNano(usd);
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("estimated_cost_usd is out of range: " + usd.toPlainString());
    }
  }

  private static String text(JsonNode o, String f) {
    JsonNode v = o.get(f);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isValueNode()) {
      throw new IllegalArgumentException(f + " must be a string");
    }
    return v.asText();
  }
}
