package dev.costpipe.app.budgets;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.costpipe.topology.alert.AlertRule;
import dev.costpipe.topology.query.BudgetQuery.BudgetWindow;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Allow or deny, without servers: every rule the call falls under must let it through. */
class BudgetDecisionTest {
  private static final Instant DAY = Instant.parse("2026-12-06T00:00:00Z");
  private static final AlertRule TEN_USD = rule("{\"id\":\"team\",\"budget_usd\":10,\"window\":\"1d\"}");
  private static final AlertRule HUNDRED_CALLS = rule("{\"id\":\"calls\",\"metric\":\"requests\","
      + "\"budget_count\":100,\"window\":\"1h\"}");

  @Test
  void aCallThatFitsInWhatRemainsIsAllowed() {
    BudgetDecision d = BudgetDecision.of(2_000_000_000L, List.of(spent(TEN_USD, 8_000_000_000L)));
    assertThat(d.allowed()).isTrue();
    ObjectNode o = d.toTree();
    assertThat(o.path("allowed").asBoolean()).isTrue();
    assertThat(o.path("estimated_cost_usd").asText()).isEqualTo("2.000000000");
    assertThat(o.path("remaining_usd").asText()).isEqualTo("2.000000000");
    assertThat(o.path("denied_by")).isEmpty();
    assertThat(o.path("rules").get(0).path("rule_id").asText()).isEqualTo("team");
    assertThat(o.path("rules").get(0).path("remaining").decimalValue()).isEqualByComparingTo("2");
  }

  @Test
  void aCallCostingMoreThanRemainsIsDeniedByThatRule() {
    BudgetDecision d = BudgetDecision.of(2_000_000_001L, List.of(spent(TEN_USD, 8_000_000_000L),
        spent(HUNDRED_CALLS, 10)));
    assertThat(d.allowed()).isFalse();
    assertThat(d.toTree().path("denied_by").toString()).isEqualTo("[\"team\"]");
    assertThat(d.toTree().path("rules").get(1).path("allowed").asBoolean()).isTrue();
  }

  @Test
  void aSpentBudgetDeniesEvenAFreeCallAndRemainingNeverGoesBelowZero() {
    BudgetDecision atBudget = BudgetDecision.of(0, List.of(spent(TEN_USD, 10_000_000_000L)));
    assertThat(atBudget.allowed()).isFalse();
    BudgetDecision over = BudgetDecision.of(0, List.of(spent(TEN_USD, 12_000_000_000L)));
    assertThat(over.remainingNanoUsd()).isZero();
    assertThat(over.toTree().path("remaining_usd").asText()).isEqualTo("0.000000000");
  }

  @Test
  void aRequestsRuleCountsTheCallAsOneRequestWhateverItCosts() {
    assertThat(BudgetDecision.of(50_000_000_000L, List.of(spent(HUNDRED_CALLS, 99))).allowed()).isTrue();
    assertThat(BudgetDecision.of(0, List.of(spent(HUNDRED_CALLS, 100))).allowed()).isFalse();
    assertThat(BudgetDecision.of(0, List.of(spent(HUNDRED_CALLS, 99))).remainingNanoUsd())
        .as("no cost rule: no USD remaining to tell").isNull();
  }

  @Test
  void aCallUnderNoRuleIsAllowed() {
    ObjectNode o = BudgetDecision.of(1, List.of()).toTree();
    assertThat(o.path("allowed").asBoolean()).isTrue();
    assertThat(o.path("rules")).isEmpty();
    assertThat(o.get("remaining_usd").isNull()).isTrue();
  }

  @Test
  void aBudgetWindowReadsBackAsItsOwnerWroteIt() {
    BudgetWindow w = new BudgetWindow(TEN_USD, DAY, DAY.plusSeconds(86_400), 1_234_567_891L, List.of(50));
    assertThat(BudgetJson.fromTree(TEN_USD, BudgetJson.answer(w))).isEqualTo(w);
    assertThat(BudgetJson.answer(w).path("spent").decimalValue()).isEqualByComparingTo("1.234567891");
    assertThat(BudgetJson.answer(w).path("levels_crossed").toString()).isEqualTo("[50]");
  }

  private static BudgetWindow spent(AlertRule rule, long spent) {
    return new BudgetWindow(rule, DAY, DAY.plus(rule.window().length()), spent, List.of());
  }

  static AlertRule rule(String json) {
    return AlertRule.parse(json.getBytes(StandardCharsets.UTF_8));
  }
}
