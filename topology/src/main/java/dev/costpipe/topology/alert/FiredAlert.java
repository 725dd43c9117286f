package dev.costpipe.topology.alert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.costpipe.engine.json.Json;
import dev.costpipe.topology.alert.AlertRule.Metric;
import java.time.Instant;

/**
 * A budget level crossed: one rule, window and level, the value of {@code llm.cost-alerts}. The budget and the
 * spend are in the metric's unit (nano-USD or requests); {@code channels} is the rule's JSON array, or null when
 * the rule names none. {@code partialSince} is when the rule started counting when that was after the window
 * started and the spend before could not be added (the rule was put mid-window): {@code spent} is the spend since
 * then. Null otherwise: {@code spent} is the whole window's. For a rule with {@code per}, {@code per} names its
 * dimension ({@code user_id}, …) and {@code perValue} the key (the user) whose spend crossed; both null otherwise.
 */
public record FiredAlert(String ruleId, String ruleName, Metric metric, int levelPct, long budget, long spent,
    Instant windowStart, Instant windowEnd, Instant crossedAt, String lastRequestId, JsonNode channels,
    Instant partialSince, String per, String perValue) {

  /** {@code rule} crossing {@code level} with {@code spent} in the window from {@code start} to {@code end}. */
  public static FiredAlert of(AlertRule rule, int level, long spent, Instant start, Instant end, Instant crossedAt,
      String lastRequestId, Instant partialSince) {
    return of(rule, null, level, spent, start, end, crossedAt, lastRequestId, partialSince);
  }

  /** The same, for key {@code perValue} of a rule with {@code per}. */
  public static FiredAlert of(AlertRule rule, String perValue, int level, long spent, Instant start, Instant end,
      Instant crossedAt, String lastRequestId, Instant partialSince) {
    return new FiredAlert(rule.id(), rule.name(), rule.metric(), level, rule.budget(), spent, start, end, crossedAt,
        lastRequestId, rule.json().get("channels"), partialSince, rule.per() == null ? null : rule.per().wire(),
        perValue);
  }

  /** The alert event of the README, amounts in USD or as a count. */
  public ObjectNode toTree() {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("rule_id", ruleId);
    o.put("rule_name", ruleName);
    o.put("metric", metric.wire());
    o.put("level_pct", levelPct);
    o.set("budget", metric.inUnit(budget));
    o.set("spent", metric.inUnit(spent));
    o.put("window_start", windowStart.toString());
    o.put("window_end", windowEnd.toString());
    o.put("crossed_at", crossedAt.toString());
    o.put("last_request_id", lastRequestId);
    if (channels != null) {
      o.set("channels", channels);
    }
    if (partialSince != null) {
      o.put("partial_since", partialSince.toString());
    }
    if (per != null) {
      o.put("per", per);
      o.put("per_value", perValue);
    }
    return o;
  }

  public static FiredAlert fromTree(JsonNode o) {
    Metric metric = Metric.fromWire(o.path("metric").asText());
    return new FiredAlert(o.path("rule_id").asText(), text(o, "rule_name"), metric, o.path("level_pct").asInt(),
        metric.fromUnit(o.path("budget")), metric.fromUnit(o.path("spent")), instant(o, "window_start"),
        instant(o, "window_end"), instant(o, "crossed_at"), text(o, "last_request_id"), channels(o),
        o.hasNonNull("partial_since") ? instant(o, "partial_since") : null, text(o, "per"), text(o, "per_value"));
  }

  private static JsonNode channels(JsonNode o) {
    return o.hasNonNull("channels") ? o.get("channels") : null;
  }

  private static String text(JsonNode o, String field) {
    return o.hasNonNull(field) ? o.get(field).asText() : null;
  }

  private static Instant instant(JsonNode o, String field) {
    return Instant.parse(o.path(field).asText());
  }
}
