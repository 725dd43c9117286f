package dev.costpipe.engine.catalogue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.costpipe.engine.json.Json;
import dev.costpipe.engine.pricing.Endpoint;
import dev.costpipe.engine.pricing.PricePeriod;
import dev.costpipe.engine.pricing.PriceTier;
import dev.costpipe.engine.pricing.PricingEntry;
import dev.costpipe.engine.pricing.Rates;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class GenAiPricesImporterTest {
  private static GenAiPricesImporter.Bundle bundle;
  private static Map<String, PricingEntry> byKey;

  @BeforeAll
  static void importSample() throws Exception {
    // 12 models written by hand in the shapes of genai-prices' data.json (2026-08-21)
    try (InputStream in = GenAiPricesImporterTest.class.getResourceAsStream("/genai_prices/sample_data.json")) {
      assertThat(in).as("test resource genai_prices/sample_data.json").isNotNull();
      bundle = GenAiPricesImporter.read(in);
    }
    byKey = bundle.result().entries().stream().collect(Collectors.toMap(PricingEntry::modelKey, Function.identity()));
  }

  @Test
  void sampleTotalsAndSkipReasons() {
    ImportResult r = bundle.result();
    assertThat(r.summary()).isEqualTo("imported 10 entries, skipped 2 (no token prices: 1, time-of-day prices: 1)");
    assertThat(byKey).containsOnlyKeys("anthropic/claude-2", "anthropic/claude-sonnet-4-6",
        "bedrock/global.anthropic.claude-sonnet-5-v1:0", "google/gemini-2.5-flash", "google/gemini-2.5-flash-image",
        "google/gemini-2.5-pro",
        "openai/gpt-4o-mini-realtime-preview", "openai/text-embedding-3-small", "perplexity/sonar",
        "xai/grok-4-0709");
  }

  @Test
  void providersMapToCostpipeIdsAndKeepTheirHeaders() {
    assertThat(bundle.providers()).extracting(GenAiPricesImporter.Provider::id)
        .containsExactly("anthropic", "bedrock", "deepseek", "google", "openai", "perplexity", "xai");
    GenAiPricesImporter.Provider xai = bundle.providers().get(6);
    assertThat(xai.genAiId()).isEqualTo("x-ai");
    assertThat(xai.pricingUrl()).isEqualTo("https://docs.x.ai/docs/models");
    assertThat(xai.apiPattern()).isEqualTo("https://api\\.x\\.ai");
  }

  @Test
  void flatPricesAreExactPerTokenAndIdsAreTheModelIdAndItsEqualsClauses() {
    Endpoint grok = endpoint("xai/grok-4-0709");
    assertThat(grok.provider()).isEqualTo("xai");
    assertThat(grok.ids()).containsExactly("grok-4-0709", "grok-4", "grok-4-latest");
    assertThat(grok.source()).isEqualTo(GenAiPricesImporter.SOURCE);
    PricePeriod p = only(grok);
    assertThat(p.effectiveFrom()).isEqualTo(Instant.EPOCH);
    assertRates(p.rates(), "0.000003", "0.000015", "0.00000075", null, null);
    assertThat(byKey.get("xai/grok-4-0709").name()).isEqualTo("Grok 4");
    // a starts_with rule names no id of its own: only the model id is listed
    assertThat(endpoint("anthropic/claude-2").ids()).containsExactly("claude-2");
  }

  @Test
  void inputOnlyModelsCostNothingOnOutput() {
    PricePeriod p = only(endpoint("openai/text-embedding-3-small"));
    assertRates(p.rates(), "0.00000002", "0", null, null, null);
  }

  @Test
  void perThousandFeesBecomePerCall() {
    // sonar: $12 per 1,000 requests = $0.012 per request
    assertThat(only(endpoint("perplexity/sonar")).rates().perRequest()).isEqualByComparingTo("0.012");
    // claude-sonnet-4-6: $10 per 1,000 web searches = $0.01 per search
    assertThat(endpoint("anthropic/claude-sonnet-4-6").periods().get(0).rates().perWebSearch())
        .isEqualByComparingTo("0.01");
  }

  @Test
  void tieredPricesBecomeOneTierPerThresholdWithEveryRateOfThatTier() {
    PricePeriod p = only(endpoint("google/gemini-2.5-pro"));
    assertRates(p.rates(), "0.00000125", "0.00001", "0.000000125", null, null);
    assertThat(p.tiers()).extracting(PriceTier::aboveInputTokens).containsExactly(200_000L);
    // above 200k input tokens genai-prices bills every token at the tier price: $2.50 in, $15 out, $0.25 cached
    assertRates(p.tiers().get(0).rates(), "0.0000025", "0.000015", "0.00000025", null, null);
  }

  @Test
  void datedPriceChangesBecomePricePeriods() {
    Endpoint sonnet = endpoint("anthropic/claude-sonnet-4-6");
    assertThat(sonnet.periods()).extracting(PricePeriod::effectiveFrom)
        .containsExactly(Instant.EPOCH, Instant.parse("2026-03-13T00:00:00Z"));
    PricePeriod before = sonnet.periods().get(0);
    assertRates(before.rates(), "0.000003", "0.000015", "0.0000003", "0.00000375", "0.000006");
    assertRates(before.tiers().get(0).rates(), "0.000006", "0.0000225", "0.0000006", "0.0000075", "0.000012");
    // from 2026-03-13 the 1M context costs the same as the base: no tier
    PricePeriod after = sonnet.periods().get(1);
    assertThat(after.tiers()).isEmpty();
    assertThat(sonnet.periodAt(Instant.parse("2026-03-12T23:59:59Z"))).isSameAs(before);
    assertThat(sonnet.periodAt(Instant.parse("2026-03-13T00:00:00Z"))).isSameAs(after);

    Endpoint bedrock = endpoint("bedrock/global.anthropic.claude-sonnet-5-v1:0");
    assertThat(bedrock.provider()).isEqualTo("bedrock");
    assertRates(bedrock.periodAt(Instant.parse("2026-09-01T00:00:00Z")).rates(), "0.000003", "0.000015",
        "0.0000003", "0.00000375", null);
  }

  @Test
  void aCachedAudioPriceEqualToTheCacheReadPriceIsExact() {
    Rates r = only(endpoint("openai/gpt-4o-mini-realtime-preview")).rates();
    assertThat(r.audioInput()).isEqualByComparingTo("0.00001");
    assertThat(r.audioOutput()).isEqualByComparingTo("0.00002");
    assertThat(r.cacheRead()).isEqualByComparingTo("0.0000003");
  }

  @Test
  void matchRulesFollowGenAiPricesClauses() {
    GenAiPricesImporter.Model sonnet = model("claude-sonnet-4-6");
    assertThat(sonnet.match().matches("claude-sonnet-4-6-20260201")).isTrue();
    assertThat(sonnet.match().matches("Claude-Sonnet-4.6")).isTrue();
    assertThat(sonnet.match().matches("claude-sonnet-4-5")).isFalse();
    assertThat(model("claude-2").match().matches("anthropic.claude-v2:1")).isTrue();
    // skipped models keep their rule, so that the catalogue builder still recognises them
    GenAiPricesImporter.Model deepseek = model("deepseek-chat");
    assertThat(deepseek.entry()).isNull();
    assertThat(deepseek.skipReason()).isEqualTo("time-of-day prices");
    assertThat(deepseek.match().exactIds()).containsExactly("deepseek-chat-v3-0324");

    GenAiModelMatch and = GenAiModelMatch.parse(json("{\"and\": [{\"contains\": \"huggingface\"}, "
        + "{\"regex\": \"^hug.*nov\"}, {\"ends_with\": \"ita\"}]}"));
    assertThat(and.matches("huggingface-novita")).isTrue();
    assertThat(and.matches("huggingface-nebius")).isFalse();
    assertThat(and.exactIds()).isEmpty();
    assertThatThrownBy(() -> GenAiModelMatch.parse(json("{\"glob\": \"gpt-*\"}")))
        .hasMessageContaining("unknown match clause 'glob'");
  }

  @Test
  void imageOutputAndCachedAudioHaveRatesOfTheirOwn() {
    // gemini-2.5-flash-image: $30 per million image-output tokens; gemini-2.5-flash: cached audio $0.10 per million
    assertThat(endpoint("google/gemini-2.5-flash-image").periods().get(0).rates().imageOutput())
        .isEqualByComparingTo("0.00003");
    assertThat(endpoint("google/gemini-2.5-flash").periods().get(0).rates().cacheReadAudio())
        .isEqualByComparingTo("0.0000001");
  }

  @Test
  void imageAndVideoInputHaveRatesOfTheirOwn() {
    // gemini-3.1-flash-live-preview in the 2026-08-21 data: text $0.75, image and video $1 per million prompt tokens
    String data = "[{\"id\": \"google\", \"api_pattern\": \"x\", \"models\": [{\"id\": \"gemini-3.1-flash-live-preview\", "
        + "\"match\": {\"equals\": \"gemini-3.1-flash-live-preview\"}, \"prices\": {\"input_mtok\": 0.75, "
        + "\"output_mtok\": 4.5, \"input_image_mtok\": 1, \"input_video_mtok\": 1}}]}]";
    Rates rates = GenAiPricesImporter.read(stream(data)).models().get(0).entry().endpoints().get(0).periods().get(0)
        .rates();
    assertThat(rates.input()).isEqualByComparingTo("0.00000075");
    assertThat(rates.imageInput()).isEqualByComparingTo("0.000001");
    assertThat(rates.videoInput()).isEqualByComparingTo("0.000001");
    // gpt-image-1 stays out: its cached images ($2.50) are billed apart from its cache reads ($1.25), and
    // image_input_tokens are the uncached image tokens only
    assertThat(reasons("{\"input_mtok\": 5, \"cache_read_mtok\": 1.25, \"output_mtok\": 40, \"input_image_mtok\": 10, "
        + "\"cache_image_read_mtok\": 2.5}")).isEqualTo("cache_image_read price");
  }

  @Test
  void whatCannotBeExpressedIsSkippedWithItsReason() {
    assertThat(reasons("{\"input_mtok\": 1, \"output_mtok\": 2, \"output_video_mtok\": 3}"))
        .isEqualTo("output_video price");
    assertThat(reasons("{\"input_mtok\": 1, \"output_mtok\": 2, \"input_image_mtok\": 1}")).isNull();
    assertThat(reasons("{\"input_mtok\": 1, \"output_mtok\": 2, \"input_kchars\": 3}"))
        .isEqualTo("price field input_kchars");
    assertThat(reasons("{\"input_mtok\": -1, \"output_mtok\": 2}")).isEqualTo("invalid price value");
    assertThat(reasons("[{\"constraint\": {\"start_date\": \"2026-02-01\"}, \"prices\": {\"input_mtok\": 1}}, "
        + "{\"constraint\": {\"start_date\": \"2026-01-01\"}, \"prices\": {\"input_mtok\": 2}}]"))
        .isEqualTo("price start dates out of order");
  }

  @Test
  void somethingElseIsNotGenAiPricesData() {
    assertThatThrownBy(() -> GenAiPricesImporter.read(stream("{\"gpt-4o\": {}}")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a JSON array of providers");
    assertThatThrownBy(() -> GenAiPricesImporter.read(stream("[{\"name\": \"x\"}]")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("a provider without id or models");
  }

  // ---- helpers ----

  private static String reasons(String prices) {
    String data = "[{\"id\": \"acme\", \"api_pattern\": \"x\", \"models\": [{\"id\": \"m\", "
        + "\"match\": {\"equals\": \"m\"}, \"prices\": " + prices + "}]}]";
    return GenAiPricesImporter.read(stream(data)).models().get(0).skipReason();
  }

  private static GenAiPricesImporter.Model model(String id) {
    return bundle.models().stream().filter(m -> m.id().equals(id)).findFirst().orElseThrow();
  }

  private static Endpoint endpoint(String key) {
    assertThat(byKey).containsKey(key);
    return byKey.get(key).endpoints().get(0);
  }

  private static PricePeriod only(Endpoint e) {
    assertThat(e.periods()).hasSize(1);
    return e.periods().get(0);
  }

  private static void assertRates(Rates r, String input, String output, String cacheRead, String cacheWrite,
      String cacheWrite1h) {
    assertEqual(r.input(), input);
    assertEqual(r.output(), output);
    assertEqual(r.cacheRead(), cacheRead);
    assertEqual(r.cacheWrite(), cacheWrite);
    assertEqual(r.cacheWrite1h(), cacheWrite1h);
  }

  private static void assertEqual(BigDecimal actual, String expected) {
    if (expected == null) {
      assertThat(actual).isNull();
    } else {
      assertThat(actual).isEqualByComparingTo(expected);
    }
  }

  private static com.fasterxml.jackson.databind.JsonNode json(String s) {
    try {
      return Json.MAPPER.readTree(s);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static InputStream stream(String s) {
    return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
  }
}
