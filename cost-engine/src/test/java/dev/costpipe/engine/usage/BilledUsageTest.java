package dev.costpipe.engine.usage;

import static dev.costpipe.engine.usage.ProviderFixturesTestSupport.assertCost;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.costpipe.engine.CostEngine;
import dev.costpipe.engine.catalogue.CatalogueLoader;
import dev.costpipe.engine.json.Json;
import dev.costpipe.engine.pricing.PricingRegistry;
import dev.costpipe.engine.record.CostRecord;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 §1: usage providers bill that costpipe did not read, priced from real response shapes
 * ({@code fixtures/README.md}) with the test prices of {@code billed-usage-prices/} (each the provider's
 * list price, noted there). Every expected cost is computed by hand in the comment, rates in USD per
 * million tokens.
 */
class BilledUsageTest {
  private static final Path FIXTURES = Path.of("src/test/resources/fixtures");
  private static CostEngine prices;

  @BeforeAll
  static void loadTestPrices() throws IOException {
    prices = ProviderFixturesTestSupport.billedUsagePrices();
  }

  // ---- cache writes in OpenAI-shaped usage ------------------------------------------------------

  @Test
  void chatCacheWritesArePricedAtTheCacheWriteRate() throws IOException {
    CostRecord r = price("openrouter/chat-cache-write.json", prices);
    // claude-sonnet-4.5: in 3, cache read 0.3, cache write 3.75, out 15
    // (14100 - 2000 - 12000) x 3 + 2000 x 0.3 + 12000 x 3.75 + 250 x 15 = 300 + 600 + 45000 + 3750 = 49650
    // -> $0.04965 (read as plain input before: 36300 + 600 + 3750 = $0.04065, 18% under)
    assertCost(r, "0.049650000");
    assertThat(r.costBreakdown()).containsEntry("cache_write", 45_000_000L);
    assertThat(r.errors()).isEmpty();
  }

  @Test
  void responsesCacheWritesArePricedAtTheCacheWriteRate() throws IOException {
    // the same usage as the chat case, in the Responses API's input_tokens_details: $0.04965
    assertCost(price("openrouter/responses-cache-write.json", prices), "0.049650000");
  }

  // ---- Gemini ------------------------------------------------------------------------------------

  @Test
  void geminiCachedAudioLeavesThePromptOnce() throws IOException {
    CostRecord r = price("google/generate-content-cached-audio.json", prices);
    // gemini-2.5-flash: text 0.30, audio 1.00, cached text 0.03, cached audio 0.10, out 2.50
    // uncached text 12000 - 10000 - 8000 + 7000 = 1000 (= TEXT 4000 - cached TEXT 3000) x 0.30 = 300
    // cached text 10000 - 7000 = 3000 x 0.03 = 90; uncached audio 8000 - 7000 = 1000 x 1.00 = 1000
    // cached audio 7000 x 0.10 = 700; output 50 x 2.50 = 125; total 2215 -> $0.002215
    // (before: the cached audio left the prompt twice, uncached text -6000: rejected as invalid usage)
    assertCost(r, "0.002215000");
    assertThat(r.costBreakdown()).containsEntry("cache_read_audio", 700_000L).containsEntry("audio_input", 1_000_000L);
    assertThat(r.errors()).isEmpty();
  }

  @Test
  void geminiCachedImageTokensAreCacheReads() throws IOException {
    // LiteLLM issue #18750: uncached 9660 - 9651 = 9 x 0.30 = 2.7; cached 9651 x 0.03 = 289.53;
    // output 7 x 2.50 = 17.5; total 309.73 -> $0.00030973
    assertCost(price("google/generate-content-cached-image.json", prices), "0.000309730");
  }

  @Test
  void geminiImageOutputIsBilledAtTheImageRate() throws IOException {
    CostRecord r = price("google/generate-content-image-output.json", prices);
    // gemini-3.1-flash-image: in 0.50, text out 3, image out 60: 1000 x 0.50 = 500;
    // text 1420 - 200 - 1120 = 100 x 3 = 300; thoughts 200 x 3 = 600; image 1120 x 60 = 67200;
    // total 68600 -> $0.0686 (all as text before: 500 + 1420 x 3 = $0.00476, a fourteenth)
    assertCost(r, "0.068600000");
    assertThat(r.costBreakdown()).containsEntry("image_output", 67_200_000L);
    // the built-in catalogue has the same prices
    assertCost(price("google/generate-content-image-output.json", CostEngine.builtIn()), "0.068600000");
  }

  @Test
  void groundingWithGoogleSearchIsBilledPerGroundedPrompt() throws IOException {
    CostRecord r = price("google/generate-content-grounding.json", prices);
    // 8 x 0.30 + 5 x 2.50 = 14.9 -> $0.0000149, + 1 grounded prompt x $0.035 = $0.0350149
    assertCost(r, "0.035014900");
    // the built-in catalogue has no grounding fee for gemini-2.5-flash: priced without it, and said so
    CostRecord builtIn = price("google/generate-content-grounding.json", CostEngine.builtIn());
    assertCost(builtIn, "0.000014900");
    assertThat(builtIn.errors()).containsExactly("unpriced usage: web_search_calls=1");
  }

  // ---- xAI ---------------------------------------------------------------------------------------

  @Test
  void xaiServerSideToolCallsArePricedPerCallAndMatchXaisOwnCost() throws IOException {
    CostRecord r = price("xai/responses-x-search.json", prices);
    // grok-4.3: in 1.25, cached 0.20, out 2.50; tools $5 per 1,000 calls
    // (20872 - 9920) x 1.25 = 13690; 9920 x 0.20 = 1984; 4872 x 2.50 = 12180 -> $0.027854
    // + 7 X searches x $0.005 = $0.035 -> $0.062854 = xAI's cost_in_usd_ticks 628540000 x 1e-10
    assertCost(r, "0.062854000");
    assertThat(r.errors()).isEmpty();
    CostRecord builtIn = price("xai/responses-x-search.json", CostEngine.builtIn());
    assertCost(builtIn, "0.027854000");
    assertThat(builtIn.errors()).containsExactly("unpriced usage: server_tool_calls=7");
  }

  @Test
  void xaiLiveSearchSourcesArePricedPerSource() throws IOException {
    // 1000 x 1.25 + 200 x 2.50 = 1750 -> $0.00175, + 5 sources x $0.025 ($25 per 1,000) = $0.12675
    assertCost(price("xai/chat-live-search.json", prices), "0.126750000");
  }

  // ---- service tiers and batch -------------------------------------------------------------------

  @Test
  void openAiFlexTierIsPricedAtTheFlexRates() throws IOException {
    CostRecord r = price("openai/chat-flex.json", prices);
    // gpt-5 flex: in 0.625, cached 0.0625, out 5: (1200 - 1024) x 0.625 = 110; 1024 x 0.0625 = 64;
    // 300 x 5 = 1500 (reasoning at the output rate); total 1674 -> $0.001674 (standard: $0.003348)
    assertThat(r.usage().serviceTier()).isEqualTo("flex");
    assertCost(r, "0.001674000");
  }

  @Test
  void theBatchApiIsPricedWithTheBatchModeOrFlagged() throws IOException {
    JsonNode f = fixture("openai/chat-flex.json");
    ((ObjectNode) f).put("target_url", "https://api.openai.com/v1/batches");
    ((ObjectNode) f.get("response_body")).remove("service_tier");
    CostRecord r = ProviderFixturesTestSupport.price(f, FIXTURES.resolve("openai/chat-flex.json"), prices);
    // gpt-5 standard 176 x 1.25 + 1024 x 0.125 + 300 x 10 = 220 + 128 + 3000 = 3348, batch x 0.5 -> $0.001674
    assertThat(r.usage().serviceTier()).isEqualTo("batch");
    assertCost(r, "0.001674000");

    JsonNode nano = fixture("openai/chat-basic.json");
    ((ObjectNode) nano).put("target_url", "https://api.openai.com/v1/batches");
    CostRecord unpriced = ProviderFixturesTestSupport.price(nano, FIXTURES.resolve("openai/chat-basic.json"), prices);
    // gpt-4.1-nano has no batch mode in these prices: standard 16 x 0.1 + 363 x 0.4 = 146.8 -> $0.0001468, flagged
    assertCost(unpriced, "0.000146800");
    assertThat(unpriced.errors()).containsExactly("unpriced usage: service_tier=batch");
  }

  @Test
  void bedrockBatchInferenceIsHalfPrice() throws IOException {
    // a real Bedrock batch-inference record (its modelOutput is the InvokeModel body), sent to a batch job URL:
    // claude-3-haiku in 0.25, out 1.25: (111 x 0.25 + 73 x 1.25) / 2 = (27.75 + 91.25) / 2 = 59.5 -> $0.0000595
    JsonNode f = fixture("bedrock/invoke-anthropic.json");
    ((ObjectNode) f).put("target_url", "https://bedrock.us-east-1.amazonaws.com/model-invocation-job/job-1");
    CostRecord r = ProviderFixturesTestSupport.price(f, FIXTURES.resolve("bedrock/invoke-anthropic.json"), prices);
    assertThat(r.usage().serviceTier()).isEqualTo("batch");
    assertCost(r, "0.000059500");
  }

  @Test
  void anthropicMessageBatchesAreHalfPrice() throws IOException {
    // claude-sonnet-4-5: 1000 x 3 + 500 x 15 = 10500, batch x 0.5 = 5250 -> $0.00525
    CostRecord r = price("anthropic/messages-batch.json", prices);
    assertThat(r.usage().serviceTier()).isEqualTo("batch");
    assertCost(r, "0.005250000");
  }

  @Test
  void anthropicFastModeInTheUsIsUpliftedAndOtherServerToolsAreFlagged() throws IOException {
    CostRecord r = price("anthropic/messages-fast-us.json", prices);
    // claude-opus-4-6: 2000 x 5 + 1000 x 25 = 35000; fast x 6, US-only x 1.1 -> 231000 -> $0.231;
    // + 1 web search x $0.01 (fees are not multiplied) = $0.241; web fetch costs only its tokens;
    // code execution is billed by container time: flagged
    assertThat(r.usage().serviceTier()).isEqualTo("fast");
    assertThat(r.usage().inferenceGeo()).isEqualTo("us");
    assertCost(r, "0.241000000");
    assertThat(r.errors()).containsExactly("unpriced usage: server_tool_use.code_execution_requests=1");
  }

  // ---- Bedrock base64 stream chunks --------------------------------------------------------------

  @Test
  void bedrockInvokeStreamChunksAreDecoded() throws IOException {
    // claude-sonnet-4 on Bedrock: 25 x 3 + 15 x 15 = 300 -> $0.0003
    CostRecord r = price("bedrock/invoke-stream-anthropic.json", prices);
    assertThat(r.usage().inputTokens()).isEqualTo(25);
    assertCost(r, "0.000300000");
  }

  // ---- fine-tuned ids ----------------------------------------------------------------------------

  @Test
  void fineTunedIdsResolveToTheFineTunedEntryElseToTheBaseWithAnError() throws IOException {
    // chat-basic's usage: 16 prompt, 363 completion tokens
    CostRecord tuned = priceAs("openai/chat-basic.json", "ft:gpt-4.1-mini:acme::AbC123");
    // ft:gpt-4.1-mini-2025-04-14 (found through the base's dated id): 16 x 0.8 + 363 x 3.2 = 1174.4 -> $0.0011744
    assertThat(tuned.modelKey()).isEqualTo("openai/ft:gpt-4.1-mini-2025-04-14");
    assertCost(tuned, "0.001174400");
    assertThat(tuned.errors()).isEmpty();

    CostRecord base = priceAs("openai/chat-basic.json", "ft:gpt-4.1-nano-2025-04-14:acme:triage:XyZ789");
    // no fine-tuned nano price: gpt-4.1-nano's 16 x 0.1 + 363 x 0.4 = 146.8 -> $0.0001468, and said so
    assertThat(base.modelKey()).isEqualTo("openai/gpt-4.1-nano");
    assertCost(base, "0.000146800");
    assertThat(base.errors()).containsExactly(CostEngine.FINE_TUNED_AT_BASE);
  }

  // ---- pricing rules on real bodies: time of day, long-context tier x service tier ----------------

  @Test
  void deepSeekOffPeakIsPricedByTheRequestsTimeOfDay() throws IOException {
    // real deepseek-chat body: 135 prompt (128 cache hit, 7 miss), 21 completion; in 0.28, hit 0.028, out 0.42
    // 12:00 UTC (peak): 7 x 0.28 + 128 x 0.028 + 21 x 0.42 = 1.96 + 3.584 + 8.82 = 14.364 -> $0.000014364
    // 23:00 UTC (off-peak, 16:30-00:30): half, 7.182 -> $0.000007182; 00:30 is peak again
    JsonNode f = fixture("deepseek/chat-cache-hit.json");
    Path file = FIXTURES.resolve("deepseek/chat-cache-hit.json");
    assertCost(ProviderFixturesTestSupport.price(f, file, prices, "2026-06-01T12:00:00Z"), "0.000014364");
    assertCost(ProviderFixturesTestSupport.price(f, file, prices, "2026-06-01T23:00:00Z"), "0.000007182");
    assertCost(ProviderFixturesTestSupport.price(f, file, prices, "2026-06-02T00:30:00Z"), "0.000014364");
  }

  @Test
  void aServiceTierAppliesToTheLongContextTierItFallsIn() throws IOException {
    // the chat-flex body shape with long-context counts (CONSTRUCTED): gpt-5.4, 300,000 prompt (100,000 cached),
    // 1,000 completion; above 272,000 the tier's rates: uncached 200,000 x 5 = 1.0, cached 100,000 x 0.5 = 0.05,
    // out 1,000 x 22.5 = 0.0225: $1.0725; flex half of it -> $0.53625 (flex's base rates would give $0.265)
    assertCost(priceLong("flex", 300_000), "0.536250000");
    // priority at exactly 272,000 (not above): base rates 172,000 x 2.5 = 0.43, 100,000 x 0.25 = 0.025,
    // 1,000 x 15 = 0.015: $0.47, twice -> $0.94
    assertCost(priceLong("priority", 272_000), "0.940000000");
  }

  private CostRecord priceLong(String tier, long prompt) throws IOException {
    JsonNode f = fixture("openai/chat-flex.json");
    ((ObjectNode) f).put("model", "gpt-5.4");
    ((ObjectNode) f.get("request_body")).put("model", "gpt-5.4");
    ObjectNode body = (ObjectNode) f.get("response_body");
    body.put("model", "gpt-5.4").put("service_tier", tier);
    ObjectNode usage = (ObjectNode) body.get("usage");
    usage.put("prompt_tokens", prompt).put("completion_tokens", 1_000).put("total_tokens", prompt + 1_000);
    ((ObjectNode) usage.get("prompt_tokens_details")).put("cached_tokens", 100_000);
    return ProviderFixturesTestSupport.price(f, FIXTURES.resolve("openai/chat-flex.json"), prices);
  }

  // ---- Vertex AI: regional endpoints for Claude Sonnet 4.5 and later --------------------------------

  @Test
  void claudeOnAVertexRegionalEndpointPaysTheRegionalUplift() throws IOException {
    // real rawPredict capture, Claude Opus 4.6 on us-east5 (a regional endpoint): in 5, out 25, regional x1.1
    // (9 x 5 + 24 x 25) x 1.1 = (45 + 600) x 1.1 = 709.5 -> $0.0007095
    CostRecord regional = price("vertex/anthropic-raw-predict.json", prices);
    assertCost(regional, "0.000709500");
    assertThat(regional.usage().inferenceGeo()).isEqualTo("regional");
    assertThat(regional.errors()).isEmpty();

    // the same call on the global endpoint: no uplift, 645 -> $0.000645
    assertCost(priceAt("vertex/anthropic-raw-predict.json", "https://aiplatform.googleapis.com/v1/projects/my-project"
        + "/locations/global/publishers/anthropic/models/claude-opus-4-6:rawPredict", null), "0.000645000");
    // a multi-region endpoint (us) is priced as a regional one: $0.0007095
    assertCost(priceAt("vertex/anthropic-raw-predict.json", "https://aiplatform.googleapis.com/v1/projects/my-project"
        + "/locations/us/publishers/anthropic/models/claude-opus-4-6:rawPredict", null), "0.000709500");
  }

  @Test
  void olderClaudeOnAVertexRegionalEndpointKeepsItsPriceAndAnUnknownUpliftIsFlagged() throws IOException {
    String url = "https://us-east5-aiplatform.googleapis.com/v1/projects/my-project/locations/us-east5/publishers"
        + "/anthropic/models/claude-sonnet-4@20250514:rawPredict";
    // Claude Sonnet 4 (its entry says: no regional uplift): 9 x 3 + 24 x 15 = 27 + 360 = 387 -> $0.000387
    CostRecord older = priceAt("vertex/anthropic-raw-predict.json", url, "claude-sonnet-4@20250514");
    assertCost(older, "0.000387000");
    assertThat(older.errors()).isEmpty();
    // an entry without a regional price (the generic test prices of anthropic.yml have none for Vertex): the
    // standard price, and the region named as unpriced usage, never silently
    CostEngine noRegional = CostEngine.withPrices(PricingRegistry.of(CatalogueLoader.load(
        Path.of("src/test/resources/billed-usage-prices/anthropic.yml")).entries()));
    CostRecord flagged = ProviderFixturesTestSupport.price(fixture("vertex/anthropic-raw-predict.json"),
        FIXTURES.resolve("vertex/anthropic-raw-predict.json"), noRegional);
    assertThat(flagged.errors()).contains(CostRecord.UNPRICED_USAGE + "inference_geo=regional");
  }

  private CostRecord priceAt(String name, String url, String model) throws IOException {
    JsonNode f = fixture(name);
    ((ObjectNode) f).put("target_url", url);
    if (model != null) {
      ((ObjectNode) f).put("model", model);
      ((ObjectNode) f.get("response_body")).put("model", model);
    }
    return ProviderFixturesTestSupport.price(f, FIXTURES.resolve(name), prices);
  }

  private CostRecord priceAs(String name, String model) throws IOException {
    JsonNode f = fixture(name);
    ((ObjectNode) f).put("model", model);
    ((ObjectNode) f.get("request_body")).put("model", model);
    ((ObjectNode) f.get("response_body")).put("model", model);
    return ProviderFixturesTestSupport.price(f, FIXTURES.resolve(name), prices);
  }

  private static JsonNode fixture(String name) throws IOException {
    return Json.MAPPER.readTree(FIXTURES.resolve(name).toFile());
  }

  private static CostRecord price(String name, CostEngine engine) throws IOException {
    return ProviderFixturesTestSupport.price(fixture(name), FIXTURES.resolve(name), engine);
  }

}
