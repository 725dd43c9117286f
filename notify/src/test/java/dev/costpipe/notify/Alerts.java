package dev.costpipe.notify;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.costpipe.engine.json.Json;
import dev.costpipe.topology.alert.AlertRule;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;

/** Alert events written exactly as {@code AlertThresholdStep.event} writes them, from real {@link AlertRule}s. */
final class Alerts {
  private Alerts() {}

  static AlertRule rule(String json) {
    return AlertRule.parse(json.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The event of {@code rule} crossing {@code level} with {@code spent} (nano-USD for cost rules, a count for
   * request rules) at {@code at}: field for field what the topology's step forwards.
   */
  static String event(AlertRule rule, int level, long spent, Instant at, String lastRequestId) {
    Instant start = rule.window().startOf(at);
    Instant end = start.plus(rule.window().length());
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("rule_id", rule.id());
    o.put("rule_name", rule.name());
    o.put("metric", rule.metric().name().toLowerCase(Locale.ROOT));
    o.put("level_pct", level);
    o.set("budget", rule.inUnit(rule.budget()));
    o.set("spent", rule.inUnit(spent));
    o.put("window_start", start.toString());
    o.put("window_end", end.toString());
    o.put("crossed_at", at.toString());
    o.put("last_request_id", lastRequestId);
    if (rule.json().has("channels")) {
      o.set("channels", rule.json().get("channels"));
    }
    return o.toString();
  }

  static AlertEvent parsed(String event) {
    return AlertEvent.parse(event.getBytes(StandardCharsets.UTF_8));
  }

}
