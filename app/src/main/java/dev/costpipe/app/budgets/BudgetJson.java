package dev.costpipe.app.budgets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.costpipe.engine.json.Json;
import dev.costpipe.topology.alert.AlertRule;
import dev.costpipe.topology.query.BudgetQuery.BudgetWindow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A rule's budget window as {@code GET /v1/budgets/{rule}} answers it, amounts in the rule's unit (USD as an exact
 * decimal, or a count) as in alert events; and back, when one instance asks the rule's owner for it.
 */
final class BudgetJson {
  private BudgetJson() {}

  static ObjectNode toTree(BudgetWindow w) {
    AlertRule rule = w.rule();
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("rule_id", rule.id());
    o.put("rule_name", rule.name());
    o.put("metric", rule.metric().wire());
    o.put("window", rule.window().wire());
    o.put("window_start", w.start().toString());
    o.put("window_end", w.end().toString());
    o.set("budget", rule.inUnit(rule.budget()));
    o.set("spent", rule.inUnit(w.spent()));
    o.set("remaining", rule.inUnit(w.remaining()));
    rule.levels().forEach(o.putArray("levels")::add);
    w.levelsCrossed().forEach(o.putArray("levels_crossed")::add);
    return o;
  }

  /** The answer of {@code GET /v1/budgets/{rule}}: the window and the rule as written. */
  static ObjectNode answer(BudgetWindow w) {
    ObjectNode o = toTree(w);
    o.set("rule", w.rule().toTree());
    return o;
  }

  /** {@code rule}'s window as its owner answered it. */
  static BudgetWindow fromTree(AlertRule rule, JsonNode o) {
    List<Integer> crossed = new ArrayList<>();
    o.path("levels_crossed").forEach(l -> crossed.add(l.asInt()));
    return new BudgetWindow(rule, Instant.parse(o.path("window_start").asText()),
        Instant.parse(o.path("window_end").asText()), rule.metric().fromUnit(o.path("spent")), crossed);
  }
}
