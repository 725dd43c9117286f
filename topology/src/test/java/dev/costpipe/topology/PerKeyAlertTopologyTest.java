package dev.costpipe.topology;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.costpipe.engine.pricing.Cost;
import dev.costpipe.engine.record.CostRecord;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** Rules with {@code per}: each key of a dimension (each user) its own budget, levels and alerts. */
class PerKeyAlertTopologyTest {
  private static final String PER_USER = "{\"id\":\"per-user-daily\",\"name\":\"Each user per day\",\"budget_usd\":4,"
      + "\"window\":\"1d\",\"levels\":[50,100],\"per\":\"user_id\"}";

  @Test
  void twoUsersAlertIndependentlyAndRequestsWithoutAUserCountForNone() {
    try (TopologyFixture f = new TopologyFixture()) {
      f.publishPrice(CostpipeTopologyTest.price("1", "0", "2026-01-01T00:00:00Z")); // $1 per request below
      f.rules.pipeInput("per-user-daily", PER_USER);
      send(f, "a1", "10:00", "alice");
      send(f, "b1", "10:01", "bob");
      send(f, "n1", "10:02", null);
      send(f, "a2", "10:03", "alice");
      assertThat(labels(f.readAlerts())).containsExactly("alice@50 spent 2 last a2");
      send(f, "b2", "10:04", "bob");
      send(f, "a3", "10:05", "alice");
      send(f, "a4", "10:06", "alice");
      List<JsonNode> alerts = f.readAlerts();
      assertThat(labels(alerts)).containsExactly("bob@50 spent 2 last b2", "alice@100 spent 4 last a4");
      assertThat(alerts).allSatisfy(a -> {
        assertThat(a.path("rule_id").asText()).isEqualTo("per-user-daily");
        assertThat(a.path("per").asText()).isEqualTo("user_id");
        assertThat(a.path("budget").decimalValue()).isEqualByComparingTo("4");
      });
      // the next day every user starts again
      send(f, "b3", "2026-06-02T09:00:00Z", "bob", 2_000_000);
      assertThat(labels(f.readAlerts())).containsExactly("bob@50 spent 2 last b3");
    }
  }

  @Test
  void aPerUserRulePutMidWindowIsSeededForEachUser() {
    try (TopologyFixture f = new TopologyFixture()) {
      f.publishPrice(CostpipeTopologyTest.price("1", "0", "2026-01-01T00:00:00Z"));
      for (int i = 0; i < 3; i++) {
        send(f, "a" + i, "10:0" + i, "alice");
      }
      send(f, "b0", "10:05", "bob");
      f.rules.pipeInput("per-user-daily", PER_USER);
      f.driver.advanceWallClockTime(Duration.ofSeconds(1));
      List<JsonNode> seeded = f.readAlerts();
      assertThat(labels(seeded)).containsExactly("alice@50 spent 3 last null");
      assertThat(seeded.get(0).has("partial_since")).isFalse();
      send(f, "b1", "10:06", "bob");
      send(f, "a3", "10:07", "alice");
      assertThat(labels(f.readAlerts())).containsExactly("bob@50 spent 2 last b1", "alice@100 spent 4 last a3");
    }
  }

  @Test
  void aRevisionThatTellsTheUserCountsTheRequestForThatUser() {
    Properties p = new Properties();
    p.setProperty("costpipe.merge.inactivity-timeout", "PT10M");
    p.setProperty("costpipe.merge.punctuate-interval", "PT1S");
    try (TopologyFixture f = new TopologyFixture(p).withBuiltInPrices()) {
      f.rules.pipeInput("per-user-hourly", "{\"id\":\"per-user-hourly\",\"budget_usd\":0.000000001,"
          + "\"window\":\"1h\",\"levels\":[100],\"per\":\"user_id\"}");
      List<String> events = Events.anthropicStream("late", "2026-06-01T00:00:00Z", 1000, 50);
      ObjectNode request = (ObjectNode) TopologyFixture.read(events.get(0));
      request.putObject("headers").put("Helicone-User-Id", "alice");
      f.send(events.get(1));
      f.send(events.get(2));
      f.send(Events.openAi("other", "2026-06-01T00:11:00Z", "gpt-4o", 100, 10, Map.of()));
      assertThat(f.readAlerts()).as("emitted incomplete without a user: no key to count under").isEmpty();

      f.send(request.toString());
      events.subList(3, events.size()).forEach(f::send);
      List<CostRecord> costs = f.readCosts();
      CostRecord last = costs.get(costs.size() - 1);
      assertThat(last.userId()).isEqualTo("alice");
      List<JsonNode> alerts = f.readAlerts();
      assertThat(alerts).singleElement().satisfies(a -> {
        assertThat(a.path("per_value").asText()).isEqualTo("alice");
        assertThat(a.path("last_request_id").asText()).isEqualTo("late");
      });
      // every revision with alice counted by its difference: what alice spent is the last revision's cost
      assertThat(Cost.toNano(alerts.get(0).path("spent").decimalValue())).isLessThanOrEqualTo(last.costNanoUsd());
      f.send(Events.openAi("more", "2026-06-01T00:30:00Z", "gpt-4o", 0, 0, Map.of("Helicone-User-Id", "alice")));
      assertThat(f.readAlerts()).as("100% fired once").isEmpty();
    }
  }

  private static void send(TopologyFixture f, String id, String hhmm, String user) {
    send(f, id, "2026-06-01T" + hhmm + ":00Z", user, 1_000_000);
  }

  private static void send(TopologyFixture f, String id, String at, String user, long inputTokens) {
    f.send(Events.openAi(id, at, "gpt-test", inputTokens, 0, user == null ? Map.of()
        : Map.of("Helicone-User-Id", user)));
  }

  private static List<String> labels(List<JsonNode> alerts) {
    return alerts.stream().map(a -> a.path("per_value").asText() + "@" + a.path("level_pct").asInt() + " spent "
        + a.path("spent").asText() + " last " + a.path("last_request_id").asText()).toList();
  }
}
