package dev.costpipe.topology.alert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.costpipe.engine.json.Json;

/**
 * One request's addition to one rule's spend (nano-USD or 1 request), at the request's time; or a seed: the spend
 * a window already had when the rule (with basis {@code seedBasis}) was put, from the window's running totals, at
 * the window's start and without a request. {@code perValue} is the key it counts under for a rule with
 * {@code per} (e.g. the user), null otherwise.
 */
public record AlertContribution(String ruleId, long amount, String requestId, long timestampMs, String seedBasis,
    String perValue) {

  public AlertContribution(String ruleId, long amount, String requestId, long timestampMs) {
    this(ruleId, amount, requestId, timestampMs, null, null);
  }

  /** The spend of the window starting at {@code windowStartMs} for rule {@code ruleId} with {@code basis}. */
  public static AlertContribution seed(String ruleId, String perValue, String basis, long amount, long windowStartMs) {
    return new AlertContribution(ruleId, amount, null, windowStartMs, basis, perValue);
  }

  public boolean isSeed() {
    return seedBasis != null;
  }

  /** The key its spend is summed under: the rule id, and the {@code per} value when there is one. */
  public String key() {
    return perValue == null ? ruleId : ruleId + '\u001f' + perValue;
  }

  public JsonNode toTree() {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("rule_id", ruleId).put("amount", amount).put("request_id", requestId).put("timestamp_ms", timestampMs);
    if (seedBasis != null) {
      o.put("seed_basis", seedBasis);
    }
    if (perValue != null) {
      o.put("per_value", perValue);
    }
    return o;
  }

  public static AlertContribution fromTree(JsonNode o) {
    return new AlertContribution(o.path("rule_id").asText(), o.path("amount").asLong(), text(o, "request_id"),
        o.path("timestamp_ms").asLong(), text(o, "seed_basis"), text(o, "per_value"));
  }

  private static String text(JsonNode o, String f) {
    return o.hasNonNull(f) ? o.get(f).asText() : null;
  }
}
