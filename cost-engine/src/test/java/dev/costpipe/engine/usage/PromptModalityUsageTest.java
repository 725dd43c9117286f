package dev.costpipe.engine.usage;

import static dev.costpipe.engine.usage.ProviderFixturesTestSupport.assertCost;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.costpipe.engine.CostEngine;
import dev.costpipe.engine.json.Json;
import dev.costpipe.engine.record.CostRecord;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 13: image and video prompt tokens at a rate of their own where the model has one, else at the
 * rate the provider bills them (Google: the text input rate), flagged where that rate is unknown. Real
 * response shapes ({@code fixtures/README.md}), the test prices of {@code billed-usage-prices/}; every
 * expected cost computed by hand in the comment, rates in USD per million tokens.
 */
class PromptModalityUsageTest {
  private static final Path FIXTURES = Path.of("src/test/resources/fixtures");
  private static CostEngine prices;

  @BeforeAll
  static void loadTestPrices() throws IOException {
    prices = ProviderFixturesTestSupport.billedUsagePrices();
  }

  @Test
  void geminiImagePromptTokensAreBilledAtTheTextRate() throws IOException {
    CostRecord r = price("google/generate-content-image-input.json");
    // gemini-3.1-pro: one input price for text, image and video, $2; out $12:
    // text 310 x 2 = 620; image 1806 x 2 = 3612; output 240 x 12 = 2880; total 7112 -> $0.007112
    assertThat(r.usage().imageInputTokens()).isEqualTo(1806);
    assertCost(r, "0.007112000");
    assertThat(r.costBreakdown()).containsEntry("image_input", 3_612_000L).containsEntry("input", 620_000L);
    assertThat(r.errors()).isEmpty();
  }

  @Test
  void geminiVideoPromptTokensAreBilledAtTheTextRate() throws IOException {
    CostRecord r = price("google/generate-content-video-input.json");
    // text 140 x 2 = 280; video 7920 x 2 = 15840; output 300 x 12 = 3600; total 19720 -> $0.01972
    assertThat(r.usage().videoInputTokens()).isEqualTo(7920);
    assertCost(r, "0.019720000");
    assertThat(r.costBreakdown()).containsEntry("video_input", 15_840_000L);
    assertThat(r.errors()).isEmpty();
  }

  @Test
  void geminiCachedImageTokensStayCacheReads() throws IOException {
    // LiteLLM issue #18750: IMAGE 258 prompt tokens, all of them cached: no uncached image tokens
    assertThat(price("google/generate-content-cached-image.json").usage().imageInputTokens()).isZero();
  }

  @Test
  void gptImageInputImagesArePricedAtTheImageRate() throws IOException {
    CostRecord r = price("openai/images-edit.json");
    // gpt-image-1: text in 5, image in 10, out 40: 10 x 5 = 50; 40 x 10 = 400; 50 x 40 = 2000 (45 image and
    // 5 text output tokens, both at the model's one output rate); total 2450 -> $0.00245
    // (before: the entry was skipped, "input image tokens priced apart", and the request unknown_model)
    assertCost(r, "0.002450000");
    assertThat(r.costBreakdown()).containsEntry("image_input", 400_000L).containsEntry("input", 50_000L);
    assertThat(r.errors()).isEmpty();
  }

  @Test
  void imageTokensOfAModelWithoutAnImageRateAreFlaggedWhereTheProviderPricesThemApart() throws IOException {
    JsonNode f = fixture("openai/images-edit.json");
    ((ObjectNode) f.get("request_body")).put("model", "gpt-4.1-nano");
    CostRecord r = ProviderFixturesTestSupport.price(f, FIXTURES.resolve("openai/images-edit.json"), prices);
    // gpt-4.1-nano has no image-input rate and OpenAI prices reported image tokens apart: at the input rate
    // 50 x 0.1 = 5 and 50 x 0.4 = 20, total 25 -> $0.000025, and flagged
    assertCost(r, "0.000025000");
    assertThat(r.errors()).containsExactly("unpriced usage: image_input_tokens=40");
  }

  private static JsonNode fixture(String name) throws IOException {
    return Json.MAPPER.readTree(FIXTURES.resolve(name).toFile());
  }

  private static CostRecord price(String name) throws IOException {
    return ProviderFixturesTestSupport.price(fixture(name), FIXTURES.resolve(name), prices);
  }

}
