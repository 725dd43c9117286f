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
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
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
    Properties p = new Properties();
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
  void rawEventsAfterAUsageEventWasPricedAreDroppedAndCounted() {
    try (TopologyFixture f = fixture()) {
      f.send(usage("u1", 10, 1, null));
      Events.anthropicStream("u1", AT, 1000, 50).forEach(f::send);
      assertThat(f.readCosts()).singleElement().satisfies(r -> assertThat(r.usage().inputTokens()).isEqualTo(10));
      assertThat(f.counters.get(ChunkMergeStep.RAW_AFTER_USAGE_EVENT)).isEqualTo(5);
      assertThat(f.counters.get("merge.duplicate_request")).isZero();
    }
  }

  @Test
  void rawEventsThatNeverCompleteGiveWayToTheUsageEventWhenIdle() {
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
      raw.subList(1, raw.size()).forEach(f::send);
      assertThat(costsOf(f, "s1")).isEmpty();
      assertThat(f.counters.get(ChunkMergeStep.RAW_AFTER_USAGE_EVENT)).isEqualTo(4);
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

      Map<String, JsonNode> latest = latest(f.readAggregates());
      JsonNode total = latest.get("total/all/1h/2026-06-01T00:00:00Z");
      // the incomplete revision's contributions are taken back: only the usage event's and the clock's remain
      assertThat(total.path("requests").asLong()).isEqualTo(2);
      assertThat(total.path("cost_nano_usd").asLong()).isEqualTo(revised.get(0).costNanoUsd() + clockCost);
      assertThat(total.path("input_tokens").asLong()).isEqualTo(2001);

      raw.forEach(f::send); // the rest of the raw events: the request is final
      assertThat(costsOf(f, "s1")).isEmpty();
      assertThat(f.counters.get(ChunkMergeStep.RAW_AFTER_USAGE_EVENT)).isEqualTo(5);
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

  /** The last update of each window. */
  private static Map<String, JsonNode> latest(List<JsonNode> updates) {
    Map<String, JsonNode> latest = new HashMap<>();
    for (JsonNode u : updates) {
      latest.put(u.path("dimension").asText() + "/" + u.path("dimension_value").asText() + "/"
          + u.path("window").asText() + "/" + u.path("window_start").asText(), u);
    }
    return latest;
  }
}
