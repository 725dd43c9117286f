package dev.costpipe.engine.usage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.costpipe.engine.CostEngine;
import dev.costpipe.engine.json.Json;
import dev.costpipe.engine.pricing.CostCalculator;
import dev.costpipe.engine.pricing.PricingRegistry;
import dev.costpipe.engine.record.CostRecord;
import dev.costpipe.engine.record.PricingStatus;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The curated entries' billing modes, taken from LiteLLM where it prices the same id at the curated base
 * rates (catalogue README): the built-in catalogue, real response shapes, expected costs by hand (USD per
 * million tokens).
 */
class CuratedModesTest {
  private static final Path FIXTURES = Path.of("src/test/resources/fixtures");
  private static final CostEngine BUILT_IN = CostEngine.builtIn();

  @Test
  void openAiBatchOnGpt4oMiniIsHalfPrice() throws IOException {
    CostRecord r = price("gpt-4o-mini", "https://api.openai.com/v1/batches", null);
    // gpt-4o-mini batch: in 0.075, out 0.30: 16 x 0.075 + 363 x 0.30 = 1.2 + 108.9 = 110.1 -> $0.0001101
    // (standard 16 x 0.15 + 363 x 0.60 = 220.2: exactly half; flagged "service_tier=batch" before)
    assertThat(r.usage().serviceTier()).isEqualTo("batch");
    assertCost(r, "0.000110100");
    assertThat(r.errors()).isEmpty();
  }

  @Test
  void openAiPriorityOnGpt4oMiniPaysThePriorityRates() throws IOException {
    // priority: in 0.25, out 1.00: 16 x 0.25 + 363 x 1 = 4 + 363 = 367 -> $0.000367
    CostRecord r = price("gpt-4o-mini", "https://api.openai.com/v1/chat/completions", "priority");
    assertCost(r, "0.000367000");
    assertThat(r.errors()).isEmpty();
  }

  @Test
  void aModeLiteLlmGetsWrongIsNotTakenAndStaysFlagged() throws IOException {
    // gpt-5-nano: LiteLLM's priority input rate is 50 x the standard one; standard 16 x 0.05 + 363 x 0.40
    // = 0.8 + 145.2 = 146 -> $0.000146, flagged
    CostRecord r = price("gpt-5-nano", "https://api.openai.com/v1/chat/completions", "priority");
    assertCost(r, "0.000146000");
    assertThat(r.errors()).containsExactly("unpriced usage: service_tier=priority");
  }

  @Test
  void vertexClaudeBatchHalvesTheLongContextRatesToo() {
    PricingRegistry registry = BUILT_IN.registry();
    Instant at = Instant.parse("2026-12-01T00:00:00Z");
    Usage usage = Usage.builder().inputTokens(250_000).outputTokens(1_000).serviceTier("batch").build();
    // claude-sonnet-4-5 on Vertex above 200k input: 6 / 22.5, batch x 0.5 = 3 / 11.25:
    // 250000 x 3 + 1000 x 11.25 = 750000 + 11250 = 761250 -> $0.76125
    BigDecimal usd = CostCalculator.compute(
        registry.resolve("vertex", "claude-sonnet-4-5@20250929", null).orElseThrow().planAt(at), usage, at).totalUsd();
    assertThat(usd).isEqualByComparingTo("0.76125");
  }

  private static CostRecord price(String model, String url, String serviceTier) throws IOException {
    Path file = FIXTURES.resolve("openai/chat-basic.json");
    JsonNode f = Json.MAPPER.readTree(file.toFile());
    ((ObjectNode) f).put("target_url", url);
    ((ObjectNode) f.get("request_body")).put("model", model);
    ObjectNode body = (ObjectNode) f.get("response_body");
    body.put("model", model);
    if (serviceTier == null) {
      body.remove("service_tier");
    } else {
      body.put("service_tier", serviceTier);
    }
    return ProviderFixturesTestSupport.price(f, file, BUILT_IN);
  }

  private static void assertCost(CostRecord r, String usd) {
    assertThat(r.pricingStatus()).as("%s", r.errors()).isEqualTo(PricingStatus.PRICED);
    assertThat(BigDecimal.valueOf(r.costNanoUsd(), 9)).isEqualByComparingTo(usd);
  }
}
