package dev.costpipe.engine.event;

import com.fasterxml.jackson.databind.JsonNode;
import dev.costpipe.engine.usage.Usage;
import dev.costpipe.engine.usage.UsageObject;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The fields only a usage event has ({@code docs/contracts.md}, "The usage event"): its usage, the cost its source
 * reported, {@code streamed}, {@code source}, and the caller's tags as plain fields ({@code user_id},
 * {@code session_id}, {@code session_name}, {@code session_path}, {@code properties}), which win over Helicone
 * headers saying otherwise.
 */
final class UsageEventFields {
  /** A usage event without {@code status} reports a call that succeeded. */
  static final int DEFAULT_STATUS = 200;

  private static final Map<String, String> TAG_HEADERS = Map.of("user_id", "Helicone-User-Id",
      "session_id", "Helicone-Session-Id", "session_name", "Helicone-Session-Name",
      "session_path", "Helicone-Session-Path");
  private static final String PROPERTY_HEADER = "Helicone-Property-";

  private UsageEventFields() {}

  /** A usage event stands for a call whose bodies costpipe never sees: bodies given with one are a mistake. */
  static void refuseBodies(JsonNode root) {
    for (String body : List.of("request_body", "response_body", "chunk")) {
      if (root.hasNonNull(body)) {
        throw new BadEventException("invalid_field", "a usage event carries no " + body);
      }
    }
  }

  /** The usage is required, except for a failed call (status 400 or more), where absent usage is none. */
  static UsageReport report(JsonNode root, int status) {
    JsonNode u = root.get("usage");
    Usage usage;
    if (u == null || u.isNull()) {
      if (status < 400) {
        throw new BadEventException("invalid_usage", "a usage event needs usage (it may be absent only for a "
            + "failed call, status >= 400)");
      }
      usage = Usage.ZERO;
    } else {
      usage = UsageObject.read(u);
    }
    JsonNode streamed = root.get("streamed");
    if (streamed != null && !streamed.isNull() && !streamed.isBoolean()) {
      throw new BadEventException("invalid_field", "streamed must be a boolean");
    }
    return new UsageReport(usage, reportedCost(root.get("reported_cost_usd")),
        streamed != null && streamed.asBoolean(false), RawEventParser.string(root, "source"));
  }

  /** A decimal string or JSON number, read exactly from its text (never through a double); not negative. */
  private static BigDecimal reportedCost(JsonNode v) {
    if (v == null || v.isNull()) {
      return null;
    }
    BigDecimal cost;
    if (v.isNumber()) {
      cost = v.decimalValue();
    } else if (v.isTextual()) {
      try {
        cost = new BigDecimal(v.textValue().strip());
      } catch (NumberFormatException e) {
        throw new BadEventException("invalid_field", "reported_cost_usd must be a decimal, got '"
            + RawEventParser.abbreviate(v.textValue()) + "'");
      }
    } else {
      throw new BadEventException("invalid_field", "reported_cost_usd must be a decimal string or a number");
    }
    // a cost above a million dollars for one call, or with an absurd exponent, is corrupt, not a cost
    if (cost.signum() < 0 || cost.compareTo(BigDecimal.valueOf(1_000_000)) > 0) {
      throw new BadEventException("invalid_field", "reported_cost_usd out of range 0..1000000: "
          + RawEventParser.abbreviate(cost.toPlainString()));
    }
    return cost;
  }

  /** The headers with the explicit tag fields put in as the Helicone headers that say the same, replacing them. */
  static Map<String, String> withCallerTags(JsonNode root, Map<String, String> headers) {
    Map<String, String> out = new LinkedHashMap<>(headers);
    TAG_HEADERS.forEach((field, header) -> {
      String value = RawEventParser.string(root, field);
      if (value != null) {
        put(out, header, value);
      }
    });
    JsonNode props = root.get("properties");
    if (props != null && !props.isNull()) {
      if (!props.isObject()) {
        throw new BadEventException("invalid_field", "properties must be an object of strings");
      }
      for (var it = props.fields(); it.hasNext(); ) {
        var p = it.next();
        if (!p.getValue().isTextual() || p.getKey().isEmpty()) {
          throw new BadEventException("invalid_field",
              "property '" + RawEventParser.abbreviate(p.getKey()) + "' must be a non-empty name with a string value");
        }
        put(out, PROPERTY_HEADER + p.getKey(), p.getValue().textValue());
      }
    }
    return out;
  }

  /** Puts a header, removing any of the same name in another case (header names are case-insensitive). */
  private static void put(Map<String, String> headers, String name, String value) {
    String lower = name.toLowerCase(Locale.ROOT);
    headers.keySet().removeIf(k -> k.toLowerCase(Locale.ROOT).equals(lower));
    headers.put(name, value);
  }
}
