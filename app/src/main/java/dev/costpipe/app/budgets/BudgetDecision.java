package dev.costpipe.app.budgets;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.costpipe.engine.json.Json;
import dev.costpipe.topology.alert.AlertRule.Metric;
import dev.costpipe.topology.query.BudgetQuery.BudgetWindow;
import java.math.BigDecimal;
import java.util.List;

/**
 * The answer of {@code POST /v1/budgets/check}: the call is allowed when every rule it falls under allows it. A
 * rule allows a call while its budget is not spent and the call fits in what remains: its estimated cost for a
 * cost rule, one request for a requests rule. A call under no rule is allowed.
 */
record BudgetDecision(long estimatedNanoUsd, List<RuleVerdict> rules) {

  /** One rule's window and whether it lets the call through. */
  record RuleVerdict(BudgetWindow window, long amount, boolean allowed) {}

  BudgetDecision {
    rules = List.copyOf(rules);
  }

  static BudgetDecision of(long estimatedNanoUsd, List<BudgetWindow> windows) {
    return new BudgetDecision(estimatedNanoUsd, windows.stream().map(w -> {
      long amount = w.rule().metric() == Metric.COST ? estimatedNanoUsd : 1;
      long budget = w.rule().budget();
      boolean allowed = w.spent() < budget && amount <= budget - w.spent();
      return new RuleVerdict(w, amount, allowed);
    }).toList());
  }

  boolean allowed() {
    return rules.stream().allMatch(RuleVerdict::allowed);
  }

  /** The least USD left under the cost rules the call falls under; null when it falls under none. */
  Long remainingNanoUsd() {
    return rules.stream().filter(v -> v.window().rule().metric() == Metric.COST)
        .map(v -> v.window().remaining()).min(Long::compare).orElse(null);
  }

  ObjectNode toTree() {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("allowed", allowed());
    o.put("estimated_cost_usd", usd(estimatedNanoUsd));
    Long remaining = remainingNanoUsd();
    o.put("remaining_usd", remaining == null ? null : usd(remaining));
    ArrayNode denied = o.putArray("denied_by");
    ArrayNode all = o.putArray("rules");
    for (RuleVerdict v : rules) {
      if (!v.allowed()) {
        denied.add(v.window().rule().id());
      }
      all.add(BudgetJson.toTree(v.window()).put("allowed", v.allowed()));
    }
    return o;
  }

  /** nano-USD as a decimal string of USD with 9 places. */
  static String usd(long nano) {
    return BigDecimal.valueOf(nano, 9).toPlainString();
  }
}
