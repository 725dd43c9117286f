package dev.costpipe.engine.catalogue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.costpipe.engine.pricing.CostCalculator;
import dev.costpipe.engine.pricing.Endpoint;
import dev.costpipe.engine.pricing.PricePeriod;
import dev.costpipe.engine.pricing.PricePlan;
import dev.costpipe.engine.pricing.PriceTier;
import dev.costpipe.engine.pricing.PricingEntry;
import dev.costpipe.engine.pricing.Rates;
import com.fasterxml.jackson.databind.JsonNode;
import dev.costpipe.engine.CostEngine;
import dev.costpipe.engine.json.Json;
import dev.costpipe.engine.pricing.PricingRegistry;
import dev.costpipe.engine.record.CostRecord;
import dev.costpipe.engine.usage.ProviderFixturesTestSupport;
import dev.costpipe.engine.usage.Usage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LiteLlmImporterTest {
  private static final String REAL_FILE = "shared/data/litellm_model_prices.json";

  private static ImportResult sample;
  private static Map<String, PricingEntry> byKey;

  @BeforeAll
  static void importSample() throws Exception {
    try (InputStream in = LiteLlmImporterTest.class.getResourceAsStream("/litellm/sample_prices.json")) {
      assertThat(in).as("test resource litellm/sample_prices.json").isNotNull();
      sample = LiteLlmImporter.importFrom(in);
    }
    byKey = sample.entries().stream().collect(Collectors.toMap(PricingEntry::modelKey, Function.identity()));
  }

  // ---- the hand-written sample (12 entries copied in shape from the real catalogue) ----

  @Test
  void sampleTotalsAndSkipReasons() {
    assertThat(sample.imported()).isEqualTo(8);
    assertThat(sample.entries()).hasSize(8);
    assertThat(sample.skippedByReason()).containsExactly(
        Map.entry("not a model", 1),
        Map.entry("priced per character", 1),
        Map.entry("priced per image", 1),
        Map.entry("priced per second", 1));
    assertThat(sample.summary()).isEqualTo("imported 8 entries, skipped 4 (not a model: 1, "
        + "priced per character: 1, priced per image: 1, priced per second: 1)");
    assertThat(byKey).containsOnlyKeys(
        "openai/gpt-4o",
        "anthropic/claude-sonnet-4-5",
        "google/gemini-2.5-pro",
        "bedrock/us.anthropic.claude-sonnet-4-5-20250929-v1:0",
        "bedrock/us-west-2/mistral.mistral-large-2402-v1:0",
        "openai/gpt-4o-audio-preview",
        "dashscope/qwen-plus-2025-07-28",
        "mistral/mistral-embed");
  }

  @Test
  void plainOpenAiModelStandardRatesOnly() {
    PricingEntry e = byKey.get("openai/gpt-4o");
    assertThat(e.name()).isEqualTo("gpt-4o");
    Endpoint ep = single(e);
    assertThat(ep.provider()).isEqualTo("openai");
    assertThat(ep.deployment()).isNull();
    assertThat(ep.ids()).containsExactly("gpt-4o");
    assertThat(ep.source()).isEqualTo("litellm:model_prices_and_context_window.json");
    assertThat(ep.checked()).isNull();
    PricePeriod p = period(e);
    assertThat(p.effectiveFrom()).isEqualTo(Instant.EPOCH);
    assertThat(p.tiers()).isEmpty();
    // batches/priority variants (1.25e-06, 4.25e-06, …) are ignored
    assertRates(p.rates(), "0.0000025", "0.00001", "0.00000125", null, null, null, null, null, null, null, null);
  }

  @Test
  void anthropicCacheOneHourCacheWebSearchAndTier() {
    PricingEntry e = byKey.get("anthropic/claude-sonnet-4-5");
    assertThat(e.name()).isEqualTo("claude-sonnet-4-5");
    assertThat(single(e).provider()).isEqualTo("anthropic");
    assertThat(single(e).ids()).containsExactly("claude-sonnet-4-5");
    PricePeriod p = period(e);
    // search_context_cost_per_query: medium size
    assertRates(p.rates(), "0.000003", "0.000015", "0.0000003", "0.00000375", "0.000006", null, null, null,
        "0.01", null, null);
    assertThat(p.tiers()).hasSize(1);
    PriceTier t = p.tiers().get(0);
    assertThat(t.aboveInputTokens()).isEqualTo(200_000L);
    // cache_creation_input_token_cost_above_1hr_above_200k_tokens → the tier's 1h cache write
    assertRates(t.rates(), "0.000006", "0.0000225", "0.0000006", "0.0000075", "0.000012", null, null, null,
        null, null, null);
  }

  @Test
  void geminiTierWithReasoningIgnoresPriorityVariants() {
    PricingEntry e = byKey.get("google/gemini-2.5-pro");
    assertThat(e.name()).isEqualTo("gemini/gemini-2.5-pro");
    Endpoint ep = single(e);
    assertThat(ep.provider()).isEqualTo("google");
    assertThat(ep.deployment()).isNull();
    assertThat(ep.ids()).containsExactly("gemini-2.5-pro", "gemini/gemini-2.5-pro");
    PricePeriod p = period(e);
    assertRates(p.rates(), "0.00000125", "0.00001", "0.000000125", null, null, "0.00001", null, null,
        "0.035", null, null);
    assertThat(p.tiers()).hasSize(1);
    PriceTier t = p.tiers().get(0);
    assertThat(t.aboveInputTokens()).isEqualTo(200_000L);
    assertRates(t.rates(), "0.0000025", "0.000015", "0.00000025", null, null, "0.000015", null, null,
        null, null, null);
  }

  @Test
  void bedrockConverseIdKeepsItsDots() {
    PricingEntry e = byKey.get("bedrock/us.anthropic.claude-sonnet-4-5-20250929-v1:0");
    assertThat(e.name()).isEqualTo("us.anthropic.claude-sonnet-4-5-20250929-v1:0");
    Endpoint ep = single(e);
    assertThat(ep.provider()).isEqualTo("bedrock");
    assertThat(ep.deployment()).isNull();
    assertThat(ep.ids()).containsExactly("us.anthropic.claude-sonnet-4-5-20250929-v1:0");
    PricePeriod p = period(e);
    assertRates(p.rates(), "0.0000033", "0.0000165", "0.00000033", "0.000004125", "0.0000066", null, null,
        null, "0.01", null, null);
    assertThat(p.tiers()).singleElement().satisfies(t -> {
      assertThat(t.aboveInputTokens()).isEqualTo(200_000L);
      assertRates(t.rates(), "0.0000066", "0.00002475", "0.00000066", "0.00000825", "0.0000132", null, null,
          null, null, null, null);
    });
  }

  @Test
  void bedrockRegionKeyBecomesDeployment() {
    PricingEntry e = byKey.get("bedrock/us-west-2/mistral.mistral-large-2402-v1:0");
    Endpoint ep = single(e);
    assertThat(ep.provider()).isEqualTo("bedrock");
    assertThat(ep.deployment()).isEqualTo("us-west-2");
    assertThat(ep.ids()).containsExactly("us-west-2/mistral.mistral-large-2402-v1:0",
        "mistral.mistral-large-2402-v1:0", "bedrock/us-west-2/mistral.mistral-large-2402-v1:0");
    assertRates(period(e).rates(), "0.000008", "0.000024", null, null, null, null, null, null, null, null, null);
  }

  @Test
  void audioRates() {
    PricingEntry e = byKey.get("openai/gpt-4o-audio-preview");
    assertRates(period(e).rates(), "0.0000025", "0.00001", null, null, null, null, "0.00004", "0.00008", null,
        null, null);
  }

  @Test
  void tieredPricingTableBecomesWholeRequestTiers() {
    PricingEntry e = byKey.get("dashscope/qwen-plus-2025-07-28");
    Endpoint ep = single(e);
    assertThat(ep.provider()).isEqualTo("dashscope");
    assertThat(ep.ids()).containsExactly("qwen-plus-2025-07-28", "dashscope/qwen-plus-2025-07-28");
    PricePeriod p = period(e);
    // the row starting at 0 is the base
    assertRates(p.rates(), "0.0000004", "0.0000012", null, null, null, "0.000004", null, null, null, null, null);
    assertThat(p.tiers()).singleElement().satisfies(t -> {
      assertThat(t.aboveInputTokens()).isEqualTo(256_000L);
      assertRates(t.rates(), "0.0000012", "0.0000036", null, null, null, "0.000012", null, null, null, null, null);
    });
  }

  @Test
  void embeddingWithOnlyInputPriceHasZeroOutput() {
    PricingEntry e = byKey.get("mistral/mistral-embed");
    assertThat(single(e).ids()).containsExactly("mistral-embed", "mistral/mistral-embed");
    assertRates(period(e).rates(), "0.0000001", "0", null, null, null, null, null, null, null, null, null);
  }

  // ---- edge cases, inline ----

  @Test
  void numbersAreExactlyAsWritten() {
    ImportResult r = importJson("""
        {"databricks/x": {"litellm_provider": "databricks", "mode": "chat",
          "input_cost_per_token": 2.9999900000000002e-06, "output_cost_per_token": 1.5000020000000002e-05}}""");
    Rates rates = period(r.entries().get(0)).rates();
    assertThat(rates.input().toPlainString()).isEqualTo("0.0000029999900000000002");
    assertThat(rates.output().toPlainString()).isEqualTo("0.000015000020000000002");
  }

  @Test
  void flexPriorityAndBatchRatesBecomeBillingModes() {
    // gpt-5 and gpt-4.1-mini's price keys verbatim from LiteLLM's catalogue (2026-08-01)
    ImportResult r = importJson("""
        {"gpt-5": {"litellm_provider": "openai", "mode": "chat",
           "cache_read_input_token_cost": 1.25e-07, "cache_read_input_token_cost_flex": 6.25e-08,
           "cache_read_input_token_cost_priority": 2.5e-07, "input_cost_per_token": 1.25e-06,
           "input_cost_per_token_flex": 6.25e-07, "input_cost_per_token_priority": 2.5e-06,
           "output_cost_per_token": 1e-05, "output_cost_per_token_flex": 5e-06, "output_cost_per_token_priority": 2e-05},
         "gpt-4.1-mini": {"litellm_provider": "openai", "mode": "chat",
           "cache_read_input_token_cost": 1e-07, "cache_read_input_token_cost_priority": 1.75e-07,
           "input_cost_per_token": 4e-07, "input_cost_per_token_batches": 2e-07, "input_cost_per_token_priority": 7e-07,
           "output_cost_per_token": 1.6e-06, "output_cost_per_token_batches": 8e-07,
           "output_cost_per_token_priority": 2.8e-06}}""");
    PricePeriod gpt5 = period(r.entries().get(0));
    assertThat(gpt5.rates().input()).isEqualByComparingTo("0.00000125");
    assertThat(gpt5.modes()).containsOnlyKeys("flex", "priority");
    assertRates(gpt5.modes().get("flex").rates(), "6.25e-07", "5e-06", "6.25e-08", null, null, null, null, null,
        null, null, null);
    assertThat(gpt5.modes().get("flex").multiplier()).isEqualByComparingTo("1");
    PricePeriod mini = period(r.entries().get(1));
    assertThat(mini.modes()).containsOnlyKeys("batch", "priority");
    // the batch rates LiteLLM gives; its cache read stays the standard one
    assertRates(mini.modes().get("batch").rates(), "2e-07", "8e-07", null, null, null, null, null, null, null, null,
        null);
    assertRates(mini.modes().get("priority").rates(), "7e-07", "2.8e-06", "1.75e-07", null, null, null, null, null,
        null, null, null);
  }

  @Test
  void duplicateModelKeyKeepsTheFirst() {
    ImportResult r = importJson("""
        {"gemini-flash-latest": {"litellm_provider": "gemini", "input_cost_per_token": 3e-07,
            "output_cost_per_token": 2.5e-06},
         "gemini/gemini-flash-latest": {"litellm_provider": "gemini", "input_cost_per_token": 9e-07,
            "output_cost_per_token": 2.5e-06}}""");
    assertThat(r.imported()).isEqualTo(1);
    assertThat(r.entries().get(0).name()).isEqualTo("gemini-flash-latest");
    assertThat(r.entries().get(0).modelKey()).isEqualTo("google/gemini-flash-latest");
    assertThat(period(r.entries().get(0)).rates().input()).isEqualByComparingTo("0.0000003");
    assertThat(r.skippedByReason()).containsExactly(Map.entry("duplicate key", 1));
  }

  @Test
  void nonTokenAndNonModelEntriesAreSkippedWithTheirUnit() {
    ImportResult r = importJson("""
        {"not-an-object": 1,
         "fallback_generalizations": {"rules": []},
         "no-provider": {"input_cost_per_token": 1e-06, "output_cost_per_token": 1e-06},
         "azure/hd/1024-x-1024/dall-e-3": {"input_cost_per_pixel": 7.629e-08, "litellm_provider": "azure",
            "mode": "image_generation", "output_cost_per_token": 0.0},
         "twelvelabs.pegasus-1-2-v1:0": {"input_cost_per_video_per_second": 0.00049,
            "output_cost_per_token": 7.5e-06, "litellm_provider": "bedrock", "mode": "chat"},
         "serper/search": {"input_cost_per_query": 0.001, "litellm_provider": "serper", "mode": "search"},
         "exa_ai/search": {"litellm_provider": "exa_ai", "mode": "search", "tiered_pricing": [
            {"input_cost_per_query": 0.005, "max_results_range": [0, 25]},
            {"input_cost_per_query": 0.025, "max_results_range": [26, 100]}]},
         "mystery/model": {"litellm_provider": "mystery", "mode": "chat"},
         "negative/model": {"litellm_provider": "negative", "input_cost_per_token": -1e-06,
            "output_cost_per_token": 1e-06}}""");
    assertThat(r.imported()).isZero();
    assertThat(r.skippedByReason()).containsExactly(
        Map.entry("invalid price value", 1),
        Map.entry("no litellm_provider", 1),
        Map.entry("no token prices", 1),
        Map.entry("not a model", 1),
        Map.entry("not an object", 1),
        Map.entry("priced per pixel", 1),
        Map.entry("priced per query", 1),
        Map.entry("priced per second", 1),
        Map.entry("tiered_pricing not by input tokens", 1));
  }

  @Test
  void perRequestFeesCacheHitAliasAndImageTokenOutput() {
    ImportResult r = importJson("""
        {"rerank-v3.5": {"input_cost_per_query": 0.002, "input_cost_per_token": 0.0,
            "litellm_provider": "cohere", "mode": "rerank", "output_cost_per_token": 0.0},
         "perplexity/sonar-small-online": {"input_cost_per_request": 0.005, "input_cost_per_token": 0,
            "litellm_provider": "perplexity", "mode": "chat", "output_cost_per_token": 2.8e-07},
         "deepseek/deepseek-r1": {"input_cost_per_token": 5.5e-07, "input_cost_per_token_cache_hit": 1.4e-07,
            "litellm_provider": "deepseek", "mode": "chat", "output_cost_per_token": 2.19e-06},
         "gpt-image-1": {"cache_read_input_token_cost": 1.25e-06, "input_cost_per_image_token": 1e-05,
            "input_cost_per_token": 5e-06, "litellm_provider": "openai", "mode": "image_generation",
            "output_cost_per_image_token": 4e-05},
         "gpt-image-1-same-rates": {"cache_read_input_token_cost": 1.25e-06, "input_cost_per_image_token": 5e-06,
            "input_cost_per_token": 5e-06, "litellm_provider": "openai", "mode": "image_generation",
            "output_cost_per_image_token": 4e-05}}""");
    Map<String, PricingEntry> m = r.entries().stream()
        .collect(Collectors.toMap(PricingEntry::modelKey, Function.identity()));
    // gpt-image-1 bills image input tokens at $10/M, text at $5/M: the image rate is its own (issue 13); the
    // output rate is the image-output one
    assertThat(m).containsOnlyKeys("cohere/rerank-v3.5", "perplexity/sonar-small-online",
        "deepseek/deepseek-r1", "openai/gpt-image-1", "openai/gpt-image-1-same-rates");
    assertThat(r.skippedByReason()).isEmpty();
    Rates gptImage = period(m.get("openai/gpt-image-1")).rates();
    assertRates(gptImage, "0.000005", "0.00004", "0.00000125", null, null, null, null, null, null, null, null);
    assertThat(gptImage.imageInput()).isEqualByComparingTo("0.00001");
    assertThat(gptImage.videoInput()).isNull();
    assertRates(period(m.get("cohere/rerank-v3.5")).rates(), "0", "0", null, null, null, null, null, null, null,
        null, "0.002");
    assertRates(period(m.get("perplexity/sonar-small-online")).rates(), "0", "0.00000028", null, null, null,
        null, null, null, null, null, "0.005");
    assertRates(period(m.get("deepseek/deepseek-r1")).rates(), "0.00000055", "0.00000219", "0.00000014", null,
        null, null, null, null, null, null, null);
    assertRates(period(m.get("openai/gpt-image-1-same-rates")).rates(), "0.000005", "0.00004", "0.00000125", null, null,
        null, null, null, null, null, null);
  }

  /**
   * dashscope/qwen-flash's table verbatim from LiteLLM's catalogue (2026-08-01), with top-level input and
   * cache-read rates added that disagree: the row the request falls in sets every rate, its missing cache-read
   * rate is its own input rate (LiteLLM's select_tier_for_input / tier_rate). 256,000 input (in [0, 256000])
   * and 1,000 output: 256,000 × $0.05/M = 0.0128 + 1,000 × $0.4/M = 0.0004 → $0.0132 (with 100,000 of
   * them cached: the same, cache reads at $0.05/M too); 256,001 input: 256,001 × $0.25/M = 0.06400025
   * + 1,000 × $2/M = 0.002 → $0.06600025.
   */
  @Test
  void tieredPricingRowSetsTheRatesOverTopLevelOnes() {
    ImportResult r = importJson("""
        {"dashscope/qwen-flash": {"litellm_provider": "dashscope", "mode": "chat", "input_cost_per_token": 1e-06,
           "cache_read_input_token_cost": 1e-07, "tiered_pricing": [
            {"input_cost_per_token": 5e-08, "output_cost_per_token": 4e-07, "range": [0, 256000.0]},
            {"input_cost_per_token": 2.5e-07, "output_cost_per_token": 2e-06, "range": [256000.0, 1000000.0]}]}}""");
    PricePlan plan = PricePlan.of(period(r.entries().get(0)));
    assertThat(CostCalculator.compute(plan, Usage.builder().inputTokens(256_000).outputTokens(1_000).build())
        .nanoUsd()).isEqualTo(13_200_000L);
    assertThat(CostCalculator.compute(plan, Usage.builder().inputTokens(256_000).cacheReadTokens(100_000)
        .outputTokens(1_000).build()).nanoUsd()).isEqualTo(13_200_000L);
    assertThat(CostCalculator.compute(plan, Usage.builder().inputTokens(256_001).outputTokens(1_000).build())
        .nanoUsd()).isEqualTo(66_000_250L);
  }

  /**
   * gpt-5.6's keys verbatim from LiteLLM's catalogue (2026-08-01): flex is also priced above 272k input
   * ({@code *_above_272k_tokens_flex}), at half the tier's rates as below it, so flex is a 0.5 multiplier over
   * whichever rates apply; priority has base rates only and stays absolute. Rates per million: standard
   * in 5 / cache read 0.5 / out 30, above 272k in 10 / 1 / 45.
   * Flex, 100,000 in + 1,000 out: (100,000 × 5 + 1,000 × 30) / 2 = (0.5 + 0.03) / 2 = $0.265.
   * Flex, 300,000 in (100,000 cached) + 1,000 out: (200,000 × 10 + 100,000 × 1 + 1,000 × 45) / 2
   * = (2 + 0.1 + 0.045) / 2 = $1.0725 (with flex's base rates laid over the tier: 200,000 × 2.5 + 100,000 × 0.25
   * + 1,000 × 15 = $0.54, half the bill). Priority below 272k: 100,000 × 10 + 1,000 × 60 = $1.06.
   */
  @Test
  void aModeAlsoPricedPerTierIsAMultiplierOverTheTier() {
    ImportResult r = importJson("""
        {"gpt-5.6": {"litellm_provider": "openai", "mode": "chat",
          "cache_creation_input_token_cost": 6.25e-06, "cache_creation_input_token_cost_above_272k_tokens": 1.25e-05,
          "cache_creation_input_token_cost_above_272k_tokens_flex": 6.25e-06,
          "cache_creation_input_token_cost_flex": 3.125e-06, "cache_creation_input_token_cost_priority": 1.25e-05,
          "cache_read_input_token_cost": 5e-07, "cache_read_input_token_cost_above_272k_tokens": 1e-06,
          "cache_read_input_token_cost_above_272k_tokens_flex": 5e-07, "cache_read_input_token_cost_flex": 2.5e-07,
          "cache_read_input_token_cost_priority": 1e-06, "input_cost_per_token": 5e-06,
          "input_cost_per_token_above_272k_tokens": 1e-05, "input_cost_per_token_above_272k_tokens_flex": 5e-06,
          "input_cost_per_token_batches": 2.5e-06, "input_cost_per_token_flex": 2.5e-06,
          "input_cost_per_token_priority": 1e-05, "output_cost_per_token": 3e-05,
          "output_cost_per_token_above_272k_tokens": 4.5e-05, "output_cost_per_token_above_272k_tokens_flex": 2.25e-05,
          "output_cost_per_token_batches": 1.5e-05, "output_cost_per_token_flex": 1.5e-05,
          "output_cost_per_token_priority": 6e-05}}""");
    PricePeriod period = period(r.entries().get(0));
    assertThat(period.modes().get("flex").multiplier()).isEqualByComparingTo("0.5");
    assertThat(period.modes().get("flex").rates()).isEqualTo(Rates.EMPTY);
    assertThat(period.modes().get("priority").multiplier()).isEqualByComparingTo("1");
    PricePlan plan = PricePlan.of(period);
    assertThat(CostCalculator.compute(plan, Usage.builder().inputTokens(100_000).outputTokens(1_000)
        .serviceTier("flex").build()).nanoUsd()).isEqualTo(265_000_000L);
    assertThat(CostCalculator.compute(plan, Usage.builder().inputTokens(300_000).cacheReadTokens(100_000)
        .outputTokens(1_000).serviceTier("flex").build()).nanoUsd()).isEqualTo(1_072_500_000L);
    assertThat(CostCalculator.compute(plan, Usage.builder().inputTokens(100_000).outputTokens(1_000)
        .serviceTier("priority").build()).nanoUsd()).isEqualTo(1_060_000_000L);
  }

  @Test
  void aModeWhoseTierRatesAreNotOneMultipleKeepsItsBaseRates() {
    ImportResult r = importJson("""
        {"acme-model": {"litellm_provider": "openai", "mode": "chat", "input_cost_per_token": 4e-06,
          "output_cost_per_token": 8e-06, "input_cost_per_token_flex": 2e-06, "output_cost_per_token_flex": 4e-06,
          "input_cost_per_token_above_200k_tokens": 8e-06, "input_cost_per_token_above_200k_tokens_flex": 5e-06}}""");
    PricePeriod period = period(r.entries().get(0));
    assertThat(period.modes().get("flex").multiplier()).isEqualByComparingTo("1");
    assertThat(period.modes().get("flex").rates().input()).isEqualByComparingTo("0.000002");
  }

  @Test
  void tieredPricingMissingTierRatesFallBackWithinTheTier() {
    ImportResult r = importJson("""
        {"dashscope/qwen3-coder-flash": {"litellm_provider": "dashscope", "mode": "chat", "tiered_pricing": [
            {"cache_read_input_token_cost": 8e-08, "input_cost_per_token": 3e-07,
             "output_cost_per_token": 1.5e-06, "range": [0, 32000.0]},
            {"input_cost_per_token": 5e-07, "output_cost_per_token": 2.5e-06, "range": [32000.0, 128000.0]},
            {"cache_read_input_token_cost": 2e-07, "input_cost_per_token": 8e-07,
             "output_cost_per_token": 4e-06, "range": [128000.0, 256000.0]}]},
         "minimax/MiniMax-M3": {"input_cost_per_token": 3e-07, "input_cost_per_token_above_512k_tokens": 6e-07,
            "output_cost_per_token": 1.2e-06, "output_cost_per_token_above_512k_tokens": 2.4e-06,
            "litellm_provider": "minimax", "mode": "chat"}}""");
    PricePeriod qwen = period(r.entries().get(0));
    assertRates(qwen.rates(), "0.0000003", "0.0000015", "0.00000008", null, null, null, null, null, null, null,
        null);
    assertThat(qwen.tiers()).extracting(PriceTier::aboveInputTokens).containsExactly(32_000L, 128_000L);
    // LiteLLM bills a tier's missing cache-read rate at that tier's input rate, not the base's cache rate
    assertRates(qwen.tiers().get(0).rates(), "0.0000005", "0.0000025", "0.0000005", null, null, null, null, null,
        null, null, null);
    assertRates(qwen.tiers().get(1).rates(), "0.0000008", "0.000004", "0.0000002", null, null, null, null, null,
        null, null, null);
    PricePeriod minimax = period(r.entries().get(1));
    assertThat(minimax.tiers()).singleElement().satisfies(t -> {
      assertThat(t.aboveInputTokens()).isEqualTo(512_000L);
      assertRates(t.rates(), "0.0000006", "0.0000024", null, null, null, null, null, null, null, null, null);
    });
  }

  // ---- the real catalogue ----

  @Test
  void importsTheRealLiteLlmCatalogue() {
    Path file = realFile();
    ImportResult r = LiteLlmImporter.importFrom(file);
    System.out.println("LiteLLM import of " + file + ": " + r.summary());

    assertThat(r.imported()).isGreaterThan(2000).isEqualTo(r.entries().size());
    assertThat(r.skippedByReason()).isNotEmpty()
        .containsKeys("not a model", "priced per second", "priced per character", "priced per image");
    assertThat(r.skippedByReason().get("not a model")).isEqualTo(2);
    assertThat(r.imported() + r.skipped()).isEqualTo(2984);
    assertThat(r.entries()).extracting(PricingEntry::modelKey).doesNotHaveDuplicates();

    for (PricingEntry e : r.entries()) {
      assertThat(e.endpoints()).as(e.name()).hasSize(1);
      PricePeriod p = period(e);
      assertThat(p.rates().input() != null || p.rates().output() != null)
          .as("%s has an input or output rate", e.name()).isTrue();
      List<Rates> all = new ArrayList<>();
      all.add(p.rates());
      p.tiers().forEach(t -> all.add(t.rates()));
      for (Rates rates : all) {
        for (BigDecimal d : values(rates)) {
          if (d != null) {
            assertThat(d.signum()).as("%s has no negative rate", e.name()).isNotNegative();
          }
        }
      }
      for (PriceTier t : p.tiers()) {
        assertThat(t.aboveInputTokens()).as(e.name()).isPositive();
      }
    }

    Map<String, PricingEntry> m = r.entries().stream()
        .collect(Collectors.toMap(PricingEntry::modelKey, Function.identity()));
    Rates gpt4o = period(m.get("openai/gpt-4o")).rates();
    assertThat(gpt4o.input()).isEqualByComparingTo("0.0000025");
    assertThat(gpt4o.input().toPlainString()).isEqualTo("0.0000025");
    assertThat(gpt4o.output()).isEqualByComparingTo("0.00001");

    PricePeriod gemini = period(m.get("google/gemini-2.5-pro"));
    assertThat(gemini.tiers()).extracting(PriceTier::aboveInputTokens).containsExactly(200_000L);
    assertThat(gemini.tiers().get(0).rates().input()).isEqualByComparingTo("0.0000025");

    assertThat(single(m.get("bedrock/us-west-2/mistral.mistral-large-2402-v1:0")).deployment())
        .isEqualTo("us-west-2");
    assertThat(period(m.get("dashscope/qwen3-coder-plus")).tiers()).hasSize(3);
  }

  /** The real catalogue prices the provider fixtures; prints how many, and where it disagrees with ours. */
  @Test
  void realCataloguePricesTheProviderFixtures() throws IOException {
    ImportResult r = LiteLlmImporter.importFrom(realFile());
    CostEngine litellm = CostEngine.withPrices(PricingRegistry.of(r.entries()));
    List<String> unpriced = new ArrayList<>();
    List<String> differing = new ArrayList<>();
    int priced = 0;
    List<Path> fixtures;
    try (var files = Files.walk(Path.of("src/test/resources/fixtures"))) {
      fixtures = files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
    }
    for (Path f : fixtures) {
      JsonNode fixture = Json.MAPPER.readTree(f.toFile());
      CostRecord theirs = ProviderFixturesTestSupport.price(fixture, f, litellm);
      CostRecord ours = ProviderFixturesTestSupport.price(fixture, f);
      if (theirs.costNanoUsd() == null) {
        unpriced.add(f.getFileName() + " " + theirs.errors());
        continue;
      }
      priced++;
      if (!theirs.costNanoUsd().equals(ours.costNanoUsd())) {
        differing.add(f.getParent().getFileName() + "/" + f.getFileName() + ": litellm " + theirs.costNanoUsd()
            + " (" + theirs.modelKey() + ") vs built-in " + ours.costNanoUsd() + " (" + ours.modelKey() + ")");
      }
    }
    System.out.println("LiteLLM catalogue priced " + priced + " of " + fixtures.size() + " fixtures; unpriced: "
        + unpriced + "; differing from the built-in catalogue: " + differing.size());
    differing.forEach(d -> System.out.println("  " + d));
    assertThat(priced).as("fixtures priced with LiteLLM's catalogue").isGreaterThanOrEqualTo(fixtures.size() * 3 / 4);
  }

  private static Path realFile() {
    Path cwd = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    List<Path> candidates = List.of(cwd.resolve("../../" + REAL_FILE).normalize(),
        cwd.resolve("../" + REAL_FILE).normalize());
    for (Path c : candidates) {
      if (Files.isRegularFile(c)) {
        return c;
      }
    }
    return fail("the real LiteLLM catalogue was not found; looked for " + candidates
        + " (user.dir=" + cwd + "). It lives outside the repository at <repo root>/../" + REAL_FILE);
  }

  // ---- helpers ----

  private static ImportResult importJson(String json) {
    return LiteLlmImporter.importFrom(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
  }

  private static Endpoint single(PricingEntry e) {
    assertThat(e).isNotNull();
    assertThat(e.endpoints()).hasSize(1);
    return e.endpoints().get(0);
  }

  private static PricePeriod period(PricingEntry e) {
    Endpoint ep = single(e);
    assertThat(ep.periods()).hasSize(1);
    return ep.periods().get(0);
  }

  private static BigDecimal[] values(Rates r) {
    return new BigDecimal[] {r.input(), r.output(), r.cacheRead(), r.cacheWrite(), r.cacheWrite1h(),
        r.reasoning(), r.audioInput(), r.audioOutput(), r.perWebSearch(), r.perImage(), r.perRequest()};
  }

  /** Every rate, in Rates component order; null = not given; values compared exactly (compareTo). */
  private static void assertRates(Rates r, String input, String output, String cacheRead, String cacheWrite,
      String cacheWrite1h, String reasoning, String audioInput, String audioOutput, String perWebSearch,
      String perImage, String perRequest) {
    String[] expected = {input, output, cacheRead, cacheWrite, cacheWrite1h, reasoning, audioInput,
        audioOutput, perWebSearch, perImage, perRequest};
    String[] names = {"input", "output", "cacheRead", "cacheWrite", "cacheWrite1h", "reasoning", "audioInput",
        "audioOutput", "perWebSearch", "perImage", "perRequest"};
    BigDecimal[] actual = values(r);
    for (int i = 0; i < expected.length; i++) {
      if (expected[i] == null) {
        assertThat(actual[i]).as(names[i]).isNull();
      } else {
        assertThat(actual[i]).as(names[i]).isNotNull().isEqualByComparingTo(expected[i]);
      }
    }
  }
}
