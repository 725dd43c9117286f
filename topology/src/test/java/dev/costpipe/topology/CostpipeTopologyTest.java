package dev.costpipe.topology;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.costpipe.engine.pricing.Endpoint;
import dev.costpipe.engine.pricing.PricePeriod;
import dev.costpipe.engine.pricing.PricingEntry;
import dev.costpipe.engine.pricing.Rates;
import dev.costpipe.engine.record.CostRecord;
import dev.costpipe.engine.record.PricingStatus;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class CostpipeTopologyTest {
  private static final Map<String, String> ALICE_PROD = Map.of("Helicone-User-Id", "alice",
      "Helicone-Session-Id", "s1", "Helicone-Session-Name", "support", "Helicone-Session-Path", "/triage",
      "Helicone-Property-Environment", "production");

  /** A one-model price list at $input/$output per million tokens, from {@code from}. */
  static PricingEntry price(String input, String output, String... periodsFrom) {
    List<PricePeriod> periods = new java.util.ArrayList<>();
    for (String from : periodsFrom) {
      periods.add(new PricePeriod(Instant.parse(from), new Rates(new BigDecimal(input).movePointLeft(6),
          new BigDecimal(output).movePointLeft(6), null, null, null, null, null, null, null, null, null), List.of()));
    }
    return new PricingEntry("openai/gpt-test", "test", List.of(new Endpoint("openai", null, List.of("gpt-test"),
        "https://example.com", "2026-06-01", periods)));
  }

  @Test
  void pricesOnlyWithWhatThePricingTopicHolds() {
    try (TopologyFixture f = new TopologyFixture()) {
      f.send(Events.openAi("r1", "2026-06-01T00:00:00Z", "gpt-test", 1_000_000, 0, Map.of()));
      assertThat(f.readCosts()).singleElement()
          .satisfies(r -> assertThat(r.pricingStatus()).isEqualTo(PricingStatus.UNKNOWN_MODEL));
      f.publishPrice(price("2", "8", "2026-01-01T00:00:00Z"));
      f.send(Events.openAi("r2", "2026-06-01T00:00:01Z", "gpt-test", 1_000_000, 0, Map.of()));
      assertThat(f.readCosts()).singleElement().satisfies(r -> assertThat(r.costNanoUsd()).isEqualTo(2_000_000_000L));
    }
  }

  @Test
  void aPriceChangeTakesEffectForTheNextRequestWithoutRestart() {
    try (TopologyFixture f = new TopologyFixture()) {
      f.publishPrice(price("2", "8", "2026-01-01T00:00:00Z"));
      f.send(Events.openAi("r1", "2026-06-01T00:00:00Z", "gpt-test", 1_000_000, 0, Map.of()));
      f.publishPrice(price("3", "8", "2026-01-01T00:00:00Z"));
      f.send(Events.openAi("r2", "2026-06-01T00:00:01Z", "gpt-test", 1_000_000, 0, Map.of()));
      assertThat(f.readCosts()).extracting(CostRecord::costNanoUsd).containsExactly(2_000_000_000L, 3_000_000_000L);
      f.pricing.pipeInput("openai/gpt-test", (String) null);
      f.send(Events.openAi("r3", "2026-06-01T00:00:02Z", "gpt-test", 1_000_000, 0, Map.of()));
      assertThat(f.readCosts()).singleElement().satisfies(r -> assertThat(r.costNanoUsd()).isNull());
    }
  }

  @Test
  void billedUsageThePriceLeavesOutIsNamedOnTheRecordAndCounted() {
    try (TopologyFixture f = new TopologyFixture()) {
      f.publishPrice(price("2", "8", "2026-01-01T00:00:00Z"));
      f.send(Events.openAi("standard", "2026-06-01T00:00:00Z", "gpt-test", 1_000_000, 0, Map.of()));
      // the Flex tier, which this price list does not price: standard rates, and said so
      JsonNode flex = TopologyFixture.read(Events.openAi("flex", "2026-06-01T00:00:01Z", "gpt-test", 1_000_000, 0,
          Map.of()));
      ((com.fasterxml.jackson.databind.node.ObjectNode) flex.get("response_body")).put("service_tier", "flex");
      f.send(flex.toString());
      assertThat(f.readCosts()).satisfiesExactly(
          r -> assertThat(r.errors()).isEmpty(),
          r -> {
            assertThat(r.costNanoUsd()).isEqualTo(2_000_000_000L);
            assertThat(r.usage().serviceTier()).isEqualTo("flex");
            assertThat(r.errors()).containsExactly("unpriced usage: service_tier=flex");
          });
      assertThat(f.counters.get(dev.costpipe.topology.steps.PriceStep.UNPRICED_USAGE)).isEqualTo(1);
    }
  }

  @Test
  void thePriceInForceAtTheRequestTimestampApplies() {
    try (TopologyFixture f = new TopologyFixture()) {
      PricingEntry history = new PricingEntry("openai/gpt-test", "test", List.of(new Endpoint("openai", null,
          List.of("gpt-test"), null, null, List.of(
              price("2", "8", "2026-01-01T00:00:00Z").endpoints().get(0).periods().get(0),
              price("1", "8", "2026-06-01T12:00:00Z").endpoints().get(0).periods().get(0)))));
      f.publishPrice(history);
      f.send(Events.openAi("before", "2026-06-01T11:59:59Z", "gpt-test", 1_000_000, 0, Map.of()));
      f.send(Events.openAi("after", "2026-06-01T12:00:00Z", "gpt-test", 1_000_000, 0, Map.of()));
      assertThat(f.readCosts()).extracting(CostRecord::costNanoUsd).containsExactly(2_000_000_000L, 1_000_000_000L);
    }
  }

  @Test
  void aggregatesPerDimensionAndWindowWithIncreasingVersions() {
    try (TopologyFixture f = new TopologyFixture()) {
      f.publishPrice(price("1", "2", "2026-01-01T00:00:00Z"));
      f.send(Events.openAi("r1", "2026-06-01T10:05:00Z", "gpt-test", 1_000_000, 0, ALICE_PROD));
      Map<String, String> otherPath = new HashMap<>(ALICE_PROD);
      otherPath.put("Helicone-Session-Path", "/refund");
      f.send(Events.openAi("r2", "2026-06-01T10:15:00Z", "gpt-test", 0, 1_000_000, otherPath));
      f.send(Events.openAi("r3", "2026-06-01T10:20:00Z", "gpt-unknown", 10, 10, Map.of("Helicone-User-Id", "bob")));

      Map<String, JsonNode> latest = latest(f.readAggregates());
      JsonNode alice = latest.get("user/alice/1h/2026-06-01T10:00:00Z");
      assertThat(alice.path("cost_nano_usd").asLong()).isEqualTo(3_000_000_000L);
      assertThat(alice.path("requests").asLong()).isEqualTo(2);
      assertThat(alice.path("version").asLong()).isEqualTo(2);
      assertThat(alice.path("window_end").asText()).isEqualTo("2026-06-01T11:00:00Z");
      JsonNode session = latest.get("session/s1/1h/2026-06-01T10:00:00Z");
      assertThat(session.path("session_name").asText()).isEqualTo("support");
      assertThat(session.path("session_paths")).hasSize(2);
      assertThat(latest.get("property/Environment=production/1d/2026-06-01T00:00:00Z").path("requests").asLong())
          .isEqualTo(2);
      JsonNode total = latest.get("total/all/1d/2026-06-01T00:00:00Z");
      assertThat(total.path("requests").asLong()).isEqualTo(3);
      assertThat(total.path("unknown_model_requests").asLong()).isEqualTo(1);
      assertThat(total.path("cost_nano_usd").asLong()).isEqualTo(3_000_000_000L);
      assertThat(latest.get("model/openai/gpt-test/1h/2026-06-01T10:00:00Z").path("requests").asLong()).isEqualTo(2);
      assertThat(latest.get("provider/openai/1h/2026-06-01T10:00:00Z").path("requests").asLong()).isEqualTo(3);
    }
  }

  @Test
  void lateEventsCountWithinGraceAndNotBeyondIt() {
    Properties p = new Properties();
    p.setProperty("costpipe.aggregate.windows", "PT1H");
    p.setProperty("costpipe.aggregate.grace", "PT10M");
    try (TopologyFixture f = new TopologyFixture(p)) {
      f.publishPrice(price("1", "2", "2026-01-01T00:00:00Z"));
      f.send(Events.openAi("r1", "2026-06-01T10:30:00Z", "gpt-test", 1_000_000, 0, Map.of()));
      f.send(Events.openAi("r2", "2026-06-01T11:05:00Z", "gpt-test", 1_000_000, 0, Map.of()));
      f.send(Events.openAi("late-in-grace", "2026-06-01T10:59:00Z", "gpt-test", 1_000_000, 0, Map.of()));
      f.send(Events.openAi("r3", "2026-06-01T11:20:00Z", "gpt-test", 1_000_000, 0, Map.of()));
      f.send(Events.openAi("late-beyond-grace", "2026-06-01T10:40:00Z", "gpt-test", 1_000_000, 0, Map.of()));
      Map<String, JsonNode> latest = latest(f.readAggregates());
      assertThat(latest.get("total/all/1h/2026-06-01T10:00:00Z").path("requests").asLong()).isEqualTo(2);
      assertThat(latest.get("total/all/1h/2026-06-01T11:00:00Z").path("requests").asLong()).isEqualTo(2);
      assertThat(f.readCosts()).as("every request still has its cost record").hasSize(5);
      assertThat(f.counters.get("late_contributions_dropped.aggregates-1h")).as("model, provider and total")
          .isEqualTo(3);
    }
  }

  @Test
  void alertFiresOncePerLevelAndWindowAndStopsWhenTheRuleIsDeleted() {
    try (TopologyFixture f = new TopologyFixture()) {
      f.publishPrice(price("1", "0", "2026-01-01T00:00:00Z"));
      f.rules.pipeInput("prod-daily", "{\"id\":\"prod-daily\",\"name\":\"Production daily\",\"metric\":\"cost\","
          + "\"budget_usd\":10,\"window\":\"1d\",\"levels\":[50,80,95,100],"
          + "\"filter\":{\"properties\":{\"Environment\":\"production\"}}}");
      // $1 per request ($1 per million input tokens); non-production requests do not count
      for (int i = 1; i <= 12; i++) {
        f.send(Events.openAi("p" + i, "2026-06-01T10:" + (10 + i) + ":00Z", "gpt-test", 1_000_000, 0, ALICE_PROD));
        f.send(Events.openAi("d" + i, "2026-06-01T10:" + (10 + i) + ":30Z", "gpt-test", 1_000_000, 0,
            Map.of("Helicone-Property-Environment", "development")));
      }
      List<JsonNode> alerts = f.readAlerts();
      assertThat(alerts).extracting(a -> a.path("level_pct").asInt()).containsExactly(50, 80, 95, 100);
      JsonNode at95 = alerts.get(2);
      assertThat(at95.path("last_request_id").asText()).isEqualTo("p10");
      assertThat(at95.path("spent").decimalValue()).isEqualByComparingTo("10");
      assertThat(at95.path("budget").decimalValue()).isEqualByComparingTo("10");
      assertThat(at95.path("window_start").asText()).isEqualTo("2026-06-01T00:00:00Z");
      assertThat(at95.path("window_end").asText()).isEqualTo("2026-06-02T00:00:00Z");
      assertThat(alerts.get(0).path("last_request_id").asText()).isEqualTo("p5");

      // the next day is a new window
      f.send(Events.openAi("next-day", "2026-06-02T09:00:00Z", "gpt-test", 5_000_000, 0, ALICE_PROD));
      assertThat(f.readAlerts()).extracting(a -> a.path("level_pct").asInt()).containsExactly(50);

      f.rules.pipeInput("prod-daily", (String) null);
      f.send(Events.openAi("after-delete", "2026-06-02T09:30:00Z", "gpt-test", 10_000_000, 0, ALICE_PROD));
      assertThat(f.readAlerts()).isEmpty();
    }
  }

  @Test
  void requestCountRulesAndRulesChangedAtRuntime() {
    try (TopologyFixture f = new TopologyFixture()) {
      f.publishPrice(price("1", "0", "2026-01-01T00:00:00Z"));
      f.rules.pipeInput("calls", "{\"id\":\"calls\",\"metric\":\"requests\",\"budget_count\":4,\"window\":\"1h\","
          + "\"levels\":[50,100],\"filter\":{\"user_id\":\"alice\"}}");
      for (int i = 0; i < 2; i++) {
        f.send(Events.openAi("c" + i, "2026-06-01T10:0" + i + ":00Z", "gpt-test", 1, 0, ALICE_PROD));
      }
      assertThat(f.readAlerts()).extracting(a -> a.path("level_pct").asInt()).containsExactly(50);
      f.rules.pipeInput("calls", "{\"id\":\"calls\",\"metric\":\"requests\",\"budget_count\":3,\"window\":\"1h\","
          + "\"levels\":[50,100],\"filter\":{\"user_id\":\"alice\"}}");
      f.send(Events.openAi("c2", "2026-06-01T10:02:00Z", "gpt-test", 1, 0, ALICE_PROD));
      List<JsonNode> alerts = f.readAlerts();
      assertThat(alerts).extracting(a -> a.path("level_pct").asInt()).containsExactly(100);
      assertThat(alerts.get(0).path("spent").asLong()).isEqualTo(3);
    }
  }

  private static Map<String, JsonNode> latest(List<JsonNode> updates) {
    Map<String, JsonNode> latest = new HashMap<>();
    for (JsonNode u : updates) {
      String key = u.path("dimension").asText() + "/" + u.path("dimension_value").asText() + "/"
          + u.path("window").asText() + "/" + u.path("window_start").asText();
      JsonNode before = latest.get(key);
      if (before != null) {
        assertThat(u.path("version").asLong()).as("versions increase").isGreaterThan(before.path("version").asLong());
      }
      latest.put(key, u);
    }
    return latest;
  }
}
