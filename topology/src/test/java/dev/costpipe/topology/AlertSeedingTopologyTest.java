package dev.costpipe.topology;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.costpipe.engine.pricing.Cost;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/**
 * A rule put mid-window: seeded from the window's running totals where an aggregate holds its spend, else counting
 * from when it was put and saying so ({@code partial_since}).
 */
class AlertSeedingTopologyTest {
  private static final Map<String, String> ALICE = Map.of("Helicone-User-Id", "alice");
  private static final Map<String, String> BOB = Map.of("Helicone-User-Id", "bob");

  @Test
  void aRulePutAfterHalfTheWindowsSpendFiresAtOnceWithTheWholeWindowsSpend() {
    try (TopologyFixture f = new TopologyFixture()) {
      f.publishPrice(CostpipeTopologyTest.price("1", "0", "2026-01-01T00:00:00Z")); // $1 per request below
      for (int i = 0; i < 5; i++) {
        f.send(Events.openAi("a" + i, "2026-06-01T10:0" + i + ":00Z", "gpt-test", 1_000_000, 0, ALICE));
        f.send(Events.openAi("b" + i, "2026-06-01T10:0" + i + ":30Z", "gpt-test", 1_000_000, 0, BOB));
      }
      putRule(f, "alice-daily", "{\"budget_usd\":10,\"window\":\"1d\",\"levels\":[50,80,100],"
          + "\"filter\":{\"user_id\":\"alice\"}}");
      putRule(f, "all-hourly", "{\"metric\":\"requests\",\"budget_count\":20,\"window\":\"1h\",\"levels\":[50,100]}");
      f.driver.advanceWallClockTime(Duration.ofSeconds(1));

      List<JsonNode> seeded = f.readAlerts();
      assertThat(seeded).extracting(a -> a.path("rule_id").asText() + "@" + a.path("level_pct").asInt())
          .containsExactlyInAnyOrder("alice-daily@50", "all-hourly@50");
      JsonNode alice = seeded.stream().filter(a -> a.path("rule_id").asText().equals("alice-daily")).findFirst()
          .orElseThrow();
      assertThat(alice.path("spent").decimalValue()).isEqualByComparingTo("5");
      assertThat(alice.path("window_start").asText()).isEqualTo("2026-06-01T00:00:00Z");
      assertThat(alice.path("crossed_at").asText()).as("when the rule found it crossed: stream time")
          .isEqualTo("2026-06-01T10:04:30Z");
      assertThat(alice.get("last_request_id").isNull()).isTrue();
      assertThat(alice.has("partial_since")).isFalse();
      JsonNode all = seeded.stream().filter(a -> a.path("rule_id").asText().equals("all-hourly")).findFirst()
          .orElseThrow();
      assertThat(all.path("spent").asLong()).isEqualTo(10);

      // what comes after is counted once, on top of the seed
      for (int i = 5; i < 8; i++) {
        f.send(Events.openAi("a" + i, "2026-06-01T10:0" + i + ":00Z", "gpt-test", 1_000_000, 0, ALICE));
      }
      List<JsonNode> later = f.readAlerts();
      assertThat(later).extracting(a -> a.path("rule_id").asText() + "@" + a.path("level_pct").asInt())
          .containsExactly("alice-daily@80");
      assertThat(later.get(0).path("spent").decimalValue()).isEqualByComparingTo("8");
      assertThat(later.get(0).path("last_request_id").asText()).isEqualTo("a7");

      // looking again seeds nothing twice
      f.driver.advanceWallClockTime(Duration.ofSeconds(5));
      assertThat(f.readAlerts()).isEmpty();
    }
  }

  @Test
  void aRulePutJustBeforeTheNextRequestIsSeededWithoutThatRequest() {
    try (TopologyFixture f = new TopologyFixture()) {
      f.publishPrice(CostpipeTopologyTest.price("1", "0", "2026-01-01T00:00:00Z"));
      for (int i = 0; i < 4; i++) {
        f.send(Events.openAi("a" + i, "2026-06-01T10:0" + i + ":00Z", "gpt-test", 1_000_000, 0, ALICE));
      }
      putRule(f, "alice-daily", "{\"budget_usd\":10,\"window\":\"1d\",\"levels\":[40,50,60],"
          + "\"filter\":{\"user_id\":\"alice\"}}");
      // no time passes: the rule is found on the next request's contributions, which the match step counts; the
      // seed is the $4 before it, and the first alerts tell the whole window's $5
      f.send(Events.openAi("a4", "2026-06-01T10:04:00Z", "gpt-test", 1_000_000, 0, ALICE));
      assertThat(f.readAlerts()).extracting(a -> a.path("level_pct").asInt() + "@" + a.path("spent").asText())
          .containsExactly("40@5", "50@5");
      f.send(Events.openAi("a5", "2026-06-01T10:05:00Z", "gpt-test", 1_000_000, 0, ALICE));
      assertThat(f.readAlerts()).extracting(a -> a.path("level_pct").asInt() + "@" + a.path("spent").asText())
          .containsExactly("60@6");
    }
  }

  @Test
  void aSeededRuleTakesBackWhatARevisionReplacesIncludingSpendFromBeforeTheRule() {
    Map<String, Long> costs = costsOfTheRevisionTraffic(f -> {}, new ArrayList<>());
    long lateFinal = costs.entrySet().stream().filter(e -> e.getKey().startsWith("late@")).reduce((a, b) -> b)
        .orElseThrow().getValue(); // the last revision
    long before = costs.get("late@0") + costs.get("other@0");
    long after = lateFinal + costs.get("other@0");
    assertThat(lateFinal).isGreaterThan(costs.get("late@0"));
    // the budget is the window's final spend: 100% is reached exactly by the revision
    String rule = "{\"budget_usd\":" + BigDecimal.valueOf(after, 9).toPlainString() + ",\"window\":\"1h\","
        + "\"levels\":[50,100]}";
    assertThat(before * 2).as("the spend before the rule is past 50%").isGreaterThanOrEqualTo(after);

    List<JsonNode> alerts = new ArrayList<>();
    costsOfTheRevisionTraffic(f -> putRule(f, "all-hourly", rule), alerts);
    assertThat(alerts).extracting(a -> a.path("level_pct").asInt()).containsExactly(50, 100);
    assertThat(Cost.toNano(alerts.get(0).path("spent").decimalValue())).isEqualTo(before);
    assertThat(Cost.toNano(alerts.get(1).path("spent").decimalValue())).isEqualTo(after);
    assertThat(alerts.get(1).path("last_request_id").asText()).isEqualTo("late");
  }

  @Test
  void aRuleNoAggregateHoldsCountsFromWhenItWasPutAndSaysSo() {
    try (TopologyFixture f = new TopologyFixture()) {
      f.publishPrice(CostpipeTopologyTest.price("1", "0", "2026-01-01T00:00:00Z"));
      for (int i = 0; i < 5; i++) {
        f.send(Events.openAi("a" + i, "2026-06-01T10:0" + i + ":00Z", "gpt-test", 1_000_000, 0, ALICE));
      }
      f.driver.advanceWallClockTime(Duration.ofHours(12)); // wall clock: 2026-06-01T12:00
      putRule(f, "alice-gpt-daily", "{\"budget_usd\":4,\"window\":\"1d\",\"levels\":[50,100],"
          + "\"filter\":{\"user_id\":\"alice\",\"model\":\"gpt-test\"}}");
      putRule(f, "alice-weekly", "{\"budget_usd\":4,\"window\":\"7d\",\"levels\":[50,100],"
          + "\"filter\":{\"user_id\":\"alice\"}}");
      f.driver.advanceWallClockTime(Duration.ofSeconds(1));
      assertThat(f.readAlerts()).as("nothing to seed from").isEmpty();

      for (int i = 0; i < 2; i++) {
        f.send(Events.openAi("c" + i, "2026-06-01T12:3" + i + ":00Z", "gpt-test", 1_000_000, 0, ALICE));
      }
      List<JsonNode> partial = f.readAlerts();
      assertThat(partial).extracting(a -> a.path("rule_id").asText() + "@" + a.path("level_pct").asInt())
          .containsExactlyInAnyOrder("alice-gpt-daily@50", "alice-weekly@50");
      assertThat(partial).allSatisfy(a -> {
        assertThat(a.path("spent").decimalValue()).isEqualByComparingTo("2");
        assertThat(a.path("partial_since").asText()).isEqualTo("2026-06-01T12:00:01Z");
      });

      // the next day's window started after the rule: whole again
      f.send(Events.openAi("next", "2026-06-02T09:00:00Z", "gpt-test", 3_000_000, 0, ALICE));
      List<JsonNode> nextDay = f.readAlerts();
      JsonNode daily = nextDay.stream().filter(a -> a.path("rule_id").asText().equals("alice-gpt-daily"))
          .findFirst().orElseThrow();
      assertThat(daily.path("level_pct").asInt()).isEqualTo(50);
      assertThat(daily.has("partial_since")).isFalse();
      assertThat(nextDay).filteredOn(a -> a.path("rule_id").asText().equals("alice-weekly"))
          .extracting(a -> a.path("level_pct").asInt() + "@" + a.path("partial_since").asText())
          .containsExactly("100@2026-06-01T12:00:01Z");
    }
  }

  /**
   * A request emitted incomplete (no user yet) beside another one, then corrected by its late events into revision
   * 1; {@code midWindow} runs between the two. Returns each cost record's cost by
   * {@code request_id@revision}; {@code alerts} collects every alert.
   */
  private static Map<String, Long> costsOfTheRevisionTraffic(Consumer<TopologyFixture> midWindow,
      List<JsonNode> alerts) {
    Properties p = new Properties();
    p.setProperty("costpipe.merge.inactivity-timeout", "PT10M");
    p.setProperty("costpipe.merge.punctuate-interval", "PT1S");
    Map<String, Long> costs = new LinkedHashMap<>();
    try (TopologyFixture f = new TopologyFixture(p).withBuiltInPrices()) {
      List<String> events = Events.anthropicStream("late", "2026-06-01T00:00:00Z", 1000, 50);
      f.send(events.get(1));
      f.send(events.get(2));
      f.send(Events.openAi("other", "2026-06-01T00:11:00Z", "gpt-4o", 100, 10, BOB));
      f.readCosts().forEach(r -> costs.put(r.requestId() + "@" + r.revision(), r.costNanoUsd()));
      midWindow.accept(f);
      f.send(events.get(0));
      events.subList(3, events.size()).forEach(f::send);
      f.readCosts().forEach(r -> costs.put(r.requestId() + "@" + r.revision(), r.costNanoUsd()));
      alerts.addAll(f.readAlerts());
    }
    return costs;
  }

  private static void putRule(TopologyFixture f, String id, String json) {
    f.rules.pipeInput(new TestRecord<>(id, "{\"id\":\"" + id + "\"," + json.substring(1),
        Instant.parse("2026-06-01T00:00:00Z")));
  }
}
