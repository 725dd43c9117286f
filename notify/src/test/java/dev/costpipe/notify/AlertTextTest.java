package dev.costpipe.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.costpipe.engine.json.Json;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * What every channel's text says of an alert whose rule was added mid-window (partial_since), of one whose was not,
 * and of a rule with {@code per} (each user its own budget): which user, and one delivery per user.
 */
class AlertTextTest {
  private static final String EVENT = Alerts.event(Alerts.rule("{\"id\":\"alice-gpt\",\"name\":\"Alice on GPT\","
      + "\"budget_usd\":10,\"window\":\"1d\",\"filter\":{\"user_id\":\"alice\",\"model\":\"gpt-4o\"}}"), 80,
      8_000_000_000L, Instant.parse("2026-06-01T16:30:00Z"), "r9");

  private static AlertEvent partialSince(String at) throws Exception {
    ObjectNode o = (ObjectNode) Json.MAPPER.readTree(EVENT);
    o.put("partial_since", at);
    return Alerts.parsed(o.toString());
  }

  @Test
  void aRuleAddedMidWindowSaysSinceWhenItsSpendIsCounted() throws Exception {
    AlertEvent a = partialSince("2026-06-01T14:05:00Z");
    assertThat(a.partialNote()).isEqualTo("since 14:05 UTC (rule added mid-window)");
    assertThat(a.summary()).isEqualTo("Alice on GPT reached 80% of its budget: $8.00 of $10.00 (1d window from "
        + "2026-06-01T00:00:00Z; spent since 14:05 UTC (rule added mid-window))");
    assertThat(EmailChannel.subject(a)).isEqualTo("[costpipe] Alice on GPT: 80% of budget reached ($8.00 of $10.00, "
        + "1d window, since 14:05 UTC (rule added mid-window))");
    assertThat(EmailChannel.body(a)).contains(
        "Counted:      since 14:05 UTC (rule added mid-window): spend before is not included\n");
    JsonNode slack = Json.MAPPER.readTree(SlackChannel.message(a));
    assertThat(slack.path("blocks").get(1).path("fields").get(2).path("text").asText())
        .isEqualTo("*Spent / budget*\n$8.00 / $10.00\n_since 14:05 UTC (rule added mid-window)_");
  }

  @Test
  void aLaterDayOfTheWindowIsNamedWithItsDate() throws Exception {
    assertThat(partialSince("2026-06-02T09:00:00Z").partialNote())
        .isEqualTo("since 2026-06-02 09:00 UTC (rule added mid-window)");
  }

  @Test
  void aWholeWindowsSpendSaysNothingMore() {
    AlertEvent a = Alerts.parsed(EVENT);
    assertThat(a.partialNote()).isNull();
    assertThat(a.summary()).endsWith("(1d window from 2026-06-01T00:00:00Z)");
    assertThat(EmailChannel.subject(a)).endsWith("1d window)");
    assertThat(EmailChannel.body(a)).doesNotContain("Counted");
  }

  @Test
  void aPerUserAlertNamesItsUserAndIsDeliveredOncePerUser() throws Exception {
    ObjectNode o = (ObjectNode) Json.MAPPER.readTree(EVENT);
    o.put("rule_name", "Each user daily").put("per", "user_id").put("per_value", "alice");
    AlertEvent alice = Alerts.parsed(o.toString());
    o.put("per_value", "bob");
    AlertEvent bob = Alerts.parsed(o.toString());

    assertThat(alice.perLabel()).isEqualTo("user alice");
    assertThat(alice.summary()).startsWith("Each user daily for user alice reached 80% of its budget: $8.00 of $10.00");
    assertThat(EmailChannel.subject(alice)).startsWith("[costpipe] Each user daily for user alice: 80% of budget");
    assertThat(EmailChannel.body(alice)).contains("For:          user alice (the rule's budget is each user_id's)\n");
    JsonNode slack = Json.MAPPER.readTree(SlackChannel.message(alice));
    assertThat(slack.path("blocks").get(0).path("text").path("text").asText())
        .isEqualTo(":rotating_light: Budget alert: Each user daily for user alice at 80%");
    assertThat(DeliveryKey.of(alice, "ops-slack").wire())
        .isEqualTo("[\"alice-gpt\",\"2026-06-01T00:00:00Z\",80,\"ops-slack\",\"alice\"]");
    assertThat(DeliveryKey.of(bob, "ops-slack").id()).isNotEqualTo(DeliveryKey.of(alice, "ops-slack").id());
    assertThat(DeliveryKey.of(Alerts.parsed(EVENT), "ops-slack").wire()).as("unchanged without per")
        .isEqualTo("[\"alice-gpt\",\"2026-06-01T00:00:00Z\",80,\"ops-slack\"]");
  }
}
