package dev.costpipe.topology;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.costpipe.contracts.DeadLetterHeaders;
import dev.costpipe.engine.CostEngine;
import dev.costpipe.engine.json.Json;
import dev.costpipe.engine.record.CostRecord;
import dev.costpipe.topology.steps.ChunkMergeStep;
import dev.costpipe.topology.steps.PriceStep;
import dev.costpipe.topology.steps.RevisionStep;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * Usage events through the topology: priced at once, deduplicated like other events, and a request that also came
 * as raw events priced from those when they complete, in every order.
 */
class UsageEventTopologyTest {
  private static final String AT = "2026-06-01T00:00:00Z";

  private static TopologyFixture fixture() {
    return fixture(new Properties());
  }

  private static TopologyFixture fixture(Properties p) {
    p.setProperty("costpipe.merge.inactivity-timeout", "PT10M");
    p.setProperty("costpipe.merge.punctuate-interval", "PT1S");
    return new TopologyFixture(p).withBuiltInPrices();
  }

  /** A usage event for an OpenAI gpt-4o call, as Events.openAi's raw call with the same counts. */
  private static String usage(String id, long input, long output, String reportedCost) {
    ObjectNode e = Json.MAPPER.createObjectNode();
    e.put("event_type", "usage").put("request_id", id).put("timestamp", AT).put("provider", "openai")
        .put("model", "gpt-4o").put("user_id", "alice").put("source", "otlp");
    e.putObject("usage").put("input_tokens", input).put("output_tokens", output);
    if (reportedCost != null) {
      e.put("reported_cost_usd", reportedCost);
    }
    return e.toString();
  }

  /** A usage event of another provider and model, for user alice. */
  private static String usage(String id, String provider, String model, long input, long output) {
    ObjectNode e = (ObjectNode) TopologyFixture.read(usage(id, input, output, null));
    return e.put("provider", provider).put("model", model).toString();
  }

  /** Another request's event, an inactivity timeout later: stream time moves on, idle requests are flushed. */
  private static void advanceStreamTime(TopologyFixture f) {
    f.send(Events.openAi("clock", "2026-06-01T00:11:00Z", "gpt-4o", 1, 1, Map.of()));
  }

  private static List<CostRecord> costsOf(TopologyFixture f, String id) {
    return f.readCosts().stream().filter(r -> r.requestId().equals(id)).toList();
  }

  @Test
  void aUsageEventIsPricedAtOnceAsItsRawEventsWouldBe() {
    try (TopologyFixture f = fixture()) {
      f.send(Events.openAi("raw", AT, "gpt-4o", 1000, 100, Map.of("Helicone-User-Id", "alice")));
      f.send(usage("u1", 1000, 100, "0.0035"));
      List<CostRecord> costs = f.readCosts();
      assertThat(costs).hasSize(2);
      CostRecord raw = costs.get(0);
      CostRecord fromUsage = costs.get(1);
      assertThat(fromUsage.requestId()).isEqualTo("u1");
      assertThat(fromUsage.costNanoUsd()).isEqualTo(raw.costNanoUsd()).isEqualTo(3_500_000L);
      assertThat(fromUsage.costBreakdown()).isEqualTo(raw.costBreakdown());
      assertThat(fromUsage.usage()).isEqualTo(raw.usage());
      assertThat(fromUsage.userId()).isEqualTo("alice");
      assertThat(fromUsage.reportedCostNanoUsd()).isEqualTo(3_500_000L);
      assertThat(raw.reportedCostNanoUsd()).isNull();
      assertThat(f.counters.get(PriceStep.REPORTED_COST_DISAGREEMENT)).isZero();

      f.send(usage("u2", 1000, 100, "0.0036"));
      assertThat(f.readCosts()).singleElement().satisfies(r -> assertThat(r.reportedCostNanoUsd()).isEqualTo(3_600_000L));
      assertThat(f.counters.get(PriceStep.REPORTED_COST_DISAGREEMENT)).isEqualTo(1);
    }
  }

  @Test
  void aRepeatedUsageEventIsADuplicate() {
    try (TopologyFixture f = fixture()) {
      f.send(usage("u1", 10, 1, null));
      f.send(usage("u1", 10, 1, null));
      f.send(usage("u1", 99, 9, null));
      assertThat(f.readCosts()).hasSize(1);
      assertThat(f.counters.get("merge.duplicate_request")).isEqualTo(2);
      assertThat(f.counters.get(ChunkMergeStep.USAGE_EVENT_SUPERSEDED)).isZero();
    }
  }

  @Test
  void rawEventsFirstWinAndTheUsageEventIsSuperseded() {
    try (TopologyFixture f = fixture()) {
      f.send(Events.openAi("r1", AT, "gpt-4o", 1000, 100, Map.of()));
      f.send(usage("r1", 5, 5, "0.5"));
      assertThat(f.readCosts()).singleElement().satisfies(r -> {
        assertThat(r.usage().inputTokens()).isEqualTo(1000);
        assertThat(r.reportedCostNanoUsd()).isNull();
      });
      assertThat(f.counters.get(ChunkMergeStep.USAGE_EVENT_SUPERSEDED)).isEqualTo(1);
      assertThat(f.counters.get("merge.duplicate_request")).isZero();
    }
  }

  @Test
  void aUsageEventArrivingWhileRawEventsAreOpenWaitsAndTheyWin() {
    try (TopologyFixture f = fixture()) {
      List<String> raw = Events.anthropicStream("s1", AT, 1000, 50);
      f.send(raw.get(0));
      f.send(raw.get(1));
      f.send(usage("s1", 7, 7, null));
      assertThat(f.readCosts()).as("nothing yet: the raw events may still complete").isEmpty();
      raw.subList(2, raw.size()).forEach(f::send);
      assertThat(f.readCosts()).singleElement().satisfies(r -> {
        assertThat(r.usage().inputTokens()).isEqualTo(1000);
        assertThat(r.errors()).doesNotContain(CostEngine.INCOMPLETE);
        assertThat(r.revision()).isZero();
      });
      assertThat(f.counters.get(ChunkMergeStep.USAGE_EVENT_SUPERSEDED)).isEqualTo(1);
      f.send(usage("s1", 7, 7, null));
      assertThat(f.readCosts()).isEmpty();
      assertThat(f.counters.get(ChunkMergeStep.USAGE_EVENT_SUPERSEDED)).isEqualTo(2);
    }
  }

  @Test
  void rawEventsAfterAUsageEventWasPricedAreItsNextRevisionAndReplaceItInTheAggregates() {
    try (TopologyFixture f = fixture()) {
      // gpt-4o at $2.50/M input, $10/M output: 2000 × 2.5 + 200 × 10 = 7,000 micro-USD
      f.send(usage("u1", 2000, 200, null));
      CostRecord fromUsage = f.readCosts().get(0);
      assertThat(fromUsage.costNanoUsd()).isEqualTo(7_000_000L);
      assertThat(fromUsage.revision()).isZero();

      // the raw call, timed 30 s later and telling another user: 1000 × 2.5 + 100 × 10 = 3,500 micro-USD
      String raw = Events.openAi("u1", "2026-06-01T00:00:30Z", "gpt-4o", 1000, 100,
          Map.of("Helicone-User-Id", "bob"));
      f.send(raw);
      CostRecord fromRaw = f.readCosts().get(0);
      assertThat(fromRaw.revision()).isEqualTo(1);
      assertThat(fromRaw.costNanoUsd()).isEqualTo(3_500_000L);
      assertThat(fromRaw.usage().inputTokens()).isEqualTo(1000);
      assertThat(fromRaw.userId()).isEqualTo("bob");
      assertThat(fromRaw.reportedCostNanoUsd()).isNull();
      assertThat(fromRaw.timestamp()).as("the first revision's").isEqualTo(fromUsage.timestamp());
      assertThat(f.counters.get(ChunkMergeStep.USAGE_EVENT_SUPERSEDED)).isEqualTo(1);
      assertThat(f.counters.get("revisions.previous_missing")).isZero();

      // re-deliveries of either: nothing more
      f.send(raw);
      f.send(usage("u1", 2000, 200, null));
      assertThat(f.readCosts()).isEmpty();
      assertThat(f.counters.get("merge.duplicate_request")).isEqualTo(1);
      assertThat(f.counters.get(ChunkMergeStep.USAGE_EVENT_SUPERSEDED)).isEqualTo(2);

      // the aggregates hold the latest revision only: alice's usage event was taken back under her name
      Map<String, JsonNode> latest = TopologyFixture.latestWindows(f.readAggregates());
      assertWindow(latest.get("total/all/1h/2026-06-01T00:00:00Z"), 1, 3_500_000L, 1000);
      assertWindow(latest.get("total/all/1d/2026-06-01T00:00:00Z"), 1, 3_500_000L, 1000);
      assertWindow(latest.get("user/bob/1h/2026-06-01T00:00:00Z"), 1, 3_500_000L, 1000);
      assertWindow(latest.get("user/alice/1h/2026-06-01T00:00:00Z"), 0, 0, 0);
      assertWindow(latest.get("model/openai/gpt-4o/1h/2026-06-01T00:00:00Z"), 1, 3_500_000L, 1000);
    }
  }

  /** With usage events not revisable by raw events: a usage event alone is final at once. */
  private static TopologyFixture usageEventsFinalFixture() {
    Properties p = new Properties();
    p.setProperty("costpipe.merge.usage-events-revisable-by-raw", "false");
    return fixture(p);
  }

  @Test
  void notRevisableByRawAUsageEventAloneIsFinalKeptNowhereAndLaterRawEventsAreDropped() {
    try (TopologyFixture f = usageEventsFinalFixture()) {
      // claude-sonnet-4-5 at $3/M input, $15/M output: 4000 × 3 + 400 × 15 = 18,000 micro-USD
      f.send(usage("s1", "anthropic", "claude-sonnet-4-5-20250929", 4000, 400));
      assertThat(f.readCosts()).singleElement().satisfies(r -> {
        assertThat(r.revision()).isZero();
        assertThat(r.costNanoUsd()).isEqualTo(18_000_000L);
      });
      try (var kept = f.driver.<String, CostRecord>getWindowStore(RevisionStep.STORE)
          .fetch("s1", Instant.EPOCH, Instant.parse("2100-01-01T00:00:00Z"))) {
        assertThat(kept.hasNext()).as("no revision kept for raw events to replace").isFalse();
      }

      List<String> raw = Events.anthropicStream("s1", AT, 1000, 50);
      raw.forEach(f::send);
      advanceStreamTime(f);
      assertThat(costsOf(f, "s1")).isEmpty();
      assertThat(f.counters.get(ChunkMergeStep.RAW_AFTER_USAGE_EVENT_FINAL)).isEqualTo(raw.size());
      assertThat(f.counters.get(ChunkMergeStep.USAGE_EVENT_SUPERSEDED)).isZero();
      assertThat(f.counters.get("merge.duplicate_request")).isZero();
      assertThat(f.driver.getKeyValueStore(ChunkMergeStep.OPEN_STORE).get("s1")).isNull();
    }
  }

  @Test
  void notRevisableByRawRawEventsFirstStillWin() {
    try (TopologyFixture f = usageEventsFinalFixture()) {
      f.send(Events.openAi("r1", AT, "gpt-4o", 1000, 100, Map.of()));
      f.send(usage("r1", 5, 5, "0.5"));
      assertThat(f.readCosts()).singleElement().satisfies(r -> {
        assertThat(r.revision()).isZero();
        assertThat(r.usage().inputTokens()).isEqualTo(1000);
        assertThat(r.reportedCostNanoUsd()).isNull();
      });
      assertThat(f.counters.get(ChunkMergeStep.USAGE_EVENT_SUPERSEDED)).isEqualTo(1);
      assertThat(f.counters.get(ChunkMergeStep.RAW_AFTER_USAGE_EVENT_FINAL)).isZero();
    }
  }

  @Test
  void rawEventsFirstOrLastGiveTheSameCostsAndAggregates() {
    // claude-sonnet-4-5 at $3/M input, $15/M output: 1000 × 3 + 50 × 15 = 3,750 micro-USD
    List<String> raw = Events.anthropicStream("s1", AT, 1000, 50);
    String usageEvent = usage("s1", "anthropic", "claude-sonnet-4-5-20250929", 4000, 400);
    Map<String, JsonNode> rawFirst;
    try (TopologyFixture f = fixture()) {
      raw.forEach(f::send);
      f.send(usageEvent);
      assertThat(f.readCosts()).singleElement().satisfies(r -> {
        assertThat(r.revision()).isZero();
        assertThat(r.costNanoUsd()).isEqualTo(3_750_000L);
      });
      rawFirst = TopologyFixture.latestWindows(f.readAggregates());
    }
    try (TopologyFixture f = fixture()) {
      // 4000 × 3 + 400 × 15 = 18,000 micro-USD first, then the raw events (a chunk twice, out of order)
      f.send(usageEvent);
      f.send(raw.get(2));
      f.send(raw.get(0));
      f.send(raw.get(2));
      f.send(usageEvent);
      assertThat(f.readCosts()).singleElement().satisfies(r -> {
        assertThat(r.revision()).isZero();
        assertThat(r.costNanoUsd()).isEqualTo(18_000_000L);
      });
      raw.forEach(f::send);
      assertThat(f.readCosts()).singleElement().satisfies(r -> {
        assertThat(r.revision()).isEqualTo(1);
        assertThat(r.costNanoUsd()).isEqualTo(3_750_000L);
        assertThat(r.errors()).isEmpty();
      });
      raw.forEach(f::send);
      assertThat(f.readCosts()).as("raw events again: no third revision").isEmpty();
      assertThat(f.counters.get(ChunkMergeStep.USAGE_EVENT_SUPERSEDED)).isEqualTo(1);
      assertThat(f.counters.get("merge.duplicate_request")).as("the usage event again, each raw event again")
          .isEqualTo(1 + raw.size());
      assertThat(f.counters.get("merge.duplicate_event")).isEqualTo(3); // chunk 1 again, then chunk 1 and request
      Map<String, JsonNode> usageFirst = TopologyFixture.latestWindows(f.readAggregates());
      for (String window : List.of("total/all/1h/2026-06-01T00:00:00Z", "provider/anthropic/1d/2026-06-01T00:00:00Z",
          "user/alice/1h/2026-06-01T00:00:00Z")) {
        JsonNode a = rawFirst.get(window);
        JsonNode b = usageFirst.get(window);
        long requests = a == null ? 0 : a.path("requests").asLong();
        long cost = a == null ? 0 : a.path("cost_nano_usd").asLong();
        assertThat(b.path("requests").asLong()).as(window).isEqualTo(requests);
        assertThat(b.path("cost_nano_usd").asLong()).as(window).isEqualTo(cost);
      }
      assertWindow(usageFirst.get("total/all/1h/2026-06-01T00:00:00Z"), 1, 3_750_000L, 1000);
    }
  }

  @Test
  void rawEventsAfterAUsageEventThatNeverCompleteLeaveItsRecordAndAreForgottenAfterTheDedupWindow() {
    try (TopologyFixture f = fixture()) {
      List<String> raw = Events.anthropicStream("s1", AT, 1000, 50);
      f.send(usage("s1", "anthropic", "claude-sonnet-4-5-20250929", 4000, 400));
      assertThat(f.readCosts()).hasSize(1);
      f.send(raw.get(0));
      f.send(raw.get(1));
      advanceStreamTime(f);
      assertThat(costsOf(f, "s1")).as("no incomplete revision over a complete one").isEmpty();
      assertThat(f.counters.get("merge.incomplete_flushed")).isZero();
      f.send(Events.openAi("clock", "2026-06-02T00:11:00Z", "gpt-4o", 1, 1, Map.of()));
      f.send(Events.openAi("clock2", "2026-06-02T00:12:00Z", "gpt-4o", 1, 1, Map.of()));
      assertThat(costsOf(f, "s1")).isEmpty();
      assertThat(f.counters.get(ChunkMergeStep.USAGE_EVENT_OVER_INCOMPLETE)).isEqualTo(1);
      assertThat(f.driver.getKeyValueStore(ChunkMergeStep.OPEN_STORE).get("s1")).isNull();
    }
  }

  @Test
  void rawEventsAfterAUsageEventOverTheEventBoundLeaveItsRecordFinal() {
    Properties p = new Properties();
    p.setProperty("costpipe.merge.max-events-per-request", "5");
    try (TopologyFixture f = new TopologyFixture(p).withBuiltInPrices()) {
      f.send(usage("big", 10, 1, null));
      assertThat(f.readCosts()).hasSize(1);
      for (int seq = 0; seq < 5; seq++) {
        f.send("{\"request_id\":\"big\",\"event_type\":\"chunk\",\"seq\":" + (seq + 1)
            + ",\"chunk\":{\"type\":\"ping\"}}");
      }
      assertThat(f.readCosts()).as("no incomplete revision over a complete one").isEmpty();
      assertThat(f.counters.get("merge.too_many_events")).isEqualTo(1);
      assertThat(f.counters.get(ChunkMergeStep.USAGE_EVENT_OVER_INCOMPLETE)).isEqualTo(1);
      Events.anthropicStream("big", AT, 1000, 50).forEach(f::send);
      assertThat(f.readCosts()).as("the request is final now").isEmpty();
      assertThat(f.counters.get("merge.duplicate_request")).isEqualTo(6);
    }
  }

  @Test
  void rawEventsIdleWithAUsageEventGiveWayToItAndStillWinWhenTheyComplete() {
    try (TopologyFixture f = fixture()) {
      List<String> raw = Events.anthropicStream("s1", AT, 1000, 50);
      f.send(raw.get(0));
      f.send(usage("s1", 10, 1, null));
      advanceStreamTime(f);
      List<CostRecord> costs = costsOf(f, "s1");
      assertThat(costs).singleElement().satisfies(r -> {
        assertThat(r.usage().inputTokens()).isEqualTo(10);
        assertThat(r.errors()).doesNotContain(CostEngine.INCOMPLETE);
        assertThat(r.revision()).isZero();
      });
      assertThat(f.counters.get(ChunkMergeStep.USAGE_EVENT_OVER_INCOMPLETE)).isEqualTo(1);
      assertThat(f.counters.get("merge.incomplete_flushed")).isZero();
      f.send(usage("s1", 10, 1, null));
      raw.subList(1, raw.size() - 1).forEach(f::send);
      assertThat(costsOf(f, "s1")).as("the response is still missing").isEmpty();
      f.send(raw.get(raw.size() - 1));
      assertThat(costsOf(f, "s1")).singleElement().satisfies(r -> {
        assertThat(r.revision()).isEqualTo(1);
        assertThat(r.costNanoUsd()).isEqualTo(3_750_000L); // 1000 × $3/M + 50 × $15/M
        assertThat(r.timestamp()).isEqualTo(costs.get(0).timestamp());
      });
      assertThat(f.counters.get(ChunkMergeStep.USAGE_EVENT_SUPERSEDED)).isEqualTo(1);
      assertThat(f.counters.get("merge.duplicate_request")).as("the usage event again").isEqualTo(1);
    }
  }

  @Test
  void aUsageEventAfterAnIncompleteEmissionIsTheNextRevisionAndTakesItBackExactly() {
    try (TopologyFixture f = fixture()) {
      List<String> raw = Events.anthropicStream("s1", AT, 1000, 50);
      f.send(raw.get(1)); // a chunk alone: emitted incomplete once idle
      advanceStreamTime(f);
      List<CostRecord> first = f.readCosts();
      CostRecord incomplete = first.stream().filter(r -> r.requestId().equals("s1")).findFirst().orElseThrow();
      long clockCost = first.stream().filter(r -> r.requestId().equals("clock")).findFirst().orElseThrow()
          .costNanoUsd();
      assertThat(incomplete.errors()).contains(CostEngine.INCOMPLETE);
      assertThat(incomplete.costNanoUsd()).isPositive();

      f.send(usage("s1", 2000, 300, null));
      List<CostRecord> revised = costsOf(f, "s1");
      assertThat(revised).singleElement().satisfies(r -> {
        assertThat(r.revision()).isEqualTo(1);
        assertThat(r.usage().inputTokens()).isEqualTo(2000);
        assertThat(r.errors()).doesNotContain(CostEngine.INCOMPLETE);
        assertThat(r.timestamp()).isEqualTo(incomplete.timestamp());
      });
      assertThat(f.counters.get(ChunkMergeStep.USAGE_EVENT_OVER_INCOMPLETE)).isEqualTo(1);

      Map<String, JsonNode> latest = TopologyFixture.latestWindows(f.readAggregates());
      JsonNode total = latest.get("total/all/1h/2026-06-01T00:00:00Z");
      // the incomplete revision's contributions are taken back: only the usage event's and the clock's remain
      assertThat(total.path("requests").asLong()).isEqualTo(2);
      assertThat(total.path("cost_nano_usd").asLong()).isEqualTo(revised.get(0).costNanoUsd() + clockCost);
      assertThat(total.path("input_tokens").asLong()).isEqualTo(2001);

      // the rest of the raw events: they complete the request, which they give as revision 2, final
      raw.forEach(f::send);
      assertThat(costsOf(f, "s1")).singleElement().satisfies(r -> {
        assertThat(r.revision()).isEqualTo(2);
        assertThat(r.costNanoUsd()).isEqualTo(3_750_000L); // 1000 × $3/M + 50 × $15/M
        assertThat(r.timestamp()).isEqualTo(incomplete.timestamp());
      });
      assertThat(f.counters.get(ChunkMergeStep.USAGE_EVENT_SUPERSEDED)).isEqualTo(1);
      total = TopologyFixture.latestWindows(f.readAggregates()).get("total/all/1h/2026-06-01T00:00:00Z");
      assertWindow(total, 2, 3_750_000L + clockCost, 1001);
      raw.forEach(f::send);
      assertThat(costsOf(f, "s1")).isEmpty();
      assertThat(f.counters.get("merge.duplicate_request")).isEqualTo(raw.size());
    }
  }

  @Test
  void aUsageEventWithBadFieldsIsADeadLetterWithItsReason() {
    try (TopologyFixture f = fixture()) {
      f.send("{\"event_type\":\"usage\",\"request_id\":\"bad\",\"model\":\"gpt-4o\",\"usage\":{\"input_tokens\":-5}}");
      f.send("{\"event_type\":\"usage\",\"request_id\":\"bad2\",\"model\":\"gpt-4o\",\"usage\":{\"input_tokens\":\"many\"}}");
      assertThat(f.readCosts()).isEmpty();
      var dead = f.deadLetters.readRecordsToList();
      assertThat(dead).hasSize(2);
      assertThat(new String(dead.get(0).headers().lastHeader(DeadLetterHeaders.REASON).value(), StandardCharsets.UTF_8))
          .isEqualTo("invalid_usage");
      assertThat(f.counters.get("dlq.invalid_usage")).isEqualTo(2);
    }
  }

  private static void assertWindow(JsonNode window, long requests, long costNanoUsd, long inputTokens) {
    assertThat(window.path("requests").asLong()).isEqualTo(requests);
    assertThat(window.path("cost_nano_usd").asLong()).isEqualTo(costNanoUsd);
    assertThat(window.path("input_tokens").asLong()).isEqualTo(inputTokens);
  }

}
