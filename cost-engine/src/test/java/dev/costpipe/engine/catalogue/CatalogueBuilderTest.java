package dev.costpipe.engine.catalogue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.costpipe.engine.pricing.Endpoint;
import dev.costpipe.engine.pricing.PricePeriod;
import dev.costpipe.engine.pricing.PricingEntry;
import dev.costpipe.engine.pricing.Rates;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The merge of LiteLLM's billing modes into the models genai-prices wins, on small upstream files. */
class CatalogueBuilderTest {
  // gpt-agree: both upstreams give $1/$4 per Mtok today (genai-prices had $2/$8 before 2026-01-01);
  // gpt-differ: LiteLLM $2/$8, genai-prices $3/$12; gpt-curated: a hand-written entry at LiteLLM's $1/$4
  private static final String LITELLM = """
      {
        "gpt-agree": {"litellm_provider": "openai", "mode": "chat",
          "input_cost_per_token": 1e-06, "output_cost_per_token": 4e-06,
          "input_cost_per_token_flex": 5e-07, "output_cost_per_token_flex": 2e-06,
          "input_cost_per_token_batches": 5e-07, "output_cost_per_token_batches": 2e-06},
        "gpt-differ": {"litellm_provider": "openai", "mode": "chat",
          "input_cost_per_token": 2e-06, "output_cost_per_token": 8e-06,
          "input_cost_per_token_flex": 1e-06, "output_cost_per_token_flex": 4e-06},
        "gpt-curated": {"litellm_provider": "openai", "mode": "chat",
          "input_cost_per_token": 1e-06, "output_cost_per_token": 4e-06,
          "input_cost_per_token_priority": 2e-06, "output_cost_per_token_priority": 8e-06}
      }
      """;
  private static final String GENAI_PRICES = """
      [{"id": "openai", "name": "OpenAI", "pricing_urls": ["https://openai.com/api/pricing/"],
        "api_pattern": "https://api\\\\.openai\\\\.com",
        "models": [
          {"id": "gpt-agree", "match": {"equals": "gpt-agree"},
           "prices": [{"prices": {"input_mtok": 2, "output_mtok": 8}},
                      {"constraint": {"start_date": "2026-01-01"}, "prices": {"input_mtok": 1, "output_mtok": 4}}]},
          {"id": "gpt-differ", "match": {"equals": "gpt-differ"}, "prices": {"input_mtok": 3, "output_mtok": 12}}
        ]}]
      """;

  private static CatalogueBuilder.Result result;

  @BeforeAll
  static void build(@TempDir Path dir) throws IOException {
    Path litellm = Files.writeString(dir.resolve("litellm.json"), LITELLM);
    Path genAi = Files.writeString(dir.resolve("genai.json"), GENAI_PRICES);
    Rates oneAndFour = new Rates(new BigDecimal("0.000001"), new BigDecimal("0.000004"), null, null, null, null,
        null, null, null, null, null);
    PricingEntry curated = new PricingEntry("openai/gpt-curated", "GPT curated", List.of(new Endpoint("openai", null,
        List.of("gpt-curated"), "https://openai.com/api/pricing/", "2026-08-01",
        List.of(new PricePeriod(Instant.EPOCH, oneAndFour, List.of())))));
    result = CatalogueBuilder.build(new CatalogueBuilder.Upstream(litellm, LocalDate.parse("2026-08-01")),
        new CatalogueBuilder.Upstream(genAi, LocalDate.parse("2026-08-21")),
        new Catalogue(List.of(curated), List.of()));
  }

  @Test
  void whereTheBaseRatesAgreeLiteLlmsModesAreKeptOnThePriceInForce() {
    Endpoint agree = endpoint("openai/gpt-agree");
    assertThat(agree.source()).isEqualTo(GenAiPricesImporter.SOURCE);
    assertThat(agree.periods()).hasSize(2);
    // the price before 2026 was another: LiteLLM's flex and batch rates are half of today's, not of that one
    assertThat(agree.periods().get(0).modes()).isEmpty();
    PricePeriod now = agree.periods().get(1);
    assertThat(now.effectiveFrom()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
    assertThat(now.modes()).containsOnlyKeys("batch", "flex");
    assertThat(now.modes().get("flex").over(now.rates()).input()).isEqualByComparingTo("0.0000005");
    assertThat(now.modes().get("batch").over(now.rates()).output()).isEqualByComparingTo("0.000002");
    assertThat(result.genAiModelsWithLitellmModes()).isEqualTo(1);
  }

  @Test
  void whereTheBaseRatesDifferTheModesAreSkippedAndListed() {
    Endpoint differ = endpoint("openai/gpt-differ");
    assertThat(differ.periods().get(0).rates().input()).isEqualByComparingTo("0.000003");
    assertThat(differ.periods().get(0).modes()).isEmpty();
    assertThat(result.modesNotTaken()).containsExactly(
        new LiteLlmModes.Case("openai", "gpt-differ", "gpt-differ", Set.of("flex")));
    String review = GeneratedCatalogueFiles.render(result, "test").get(GeneratedCatalogueFiles.DISAGREEMENTS);
    assertThat(review).contains("## Modes not taken").contains("| openai | gpt-differ | gpt-differ | flex |")
        .contains("not taken for 1 LiteLLM entries (base rates differ)");
  }

  @Test
  void aCuratedEntryIsNotChangedButTheModesItCouldTakeAreListed() {
    assertThat(result.entries()).extracting(PricingEntry::modelKey).doesNotContain("openai/gpt-curated");
    assertThat(result.modesCuratedCouldTake()).containsExactly(
        new LiteLlmModes.Case("openai", "openai/gpt-curated", "gpt-curated", Set.of("priority")));
    String review = GeneratedCatalogueFiles.render(result, "test").get(GeneratedCatalogueFiles.DISAGREEMENTS);
    assertThat(review).contains("## Modes a curated entry could take")
        .contains("| openai | openai/gpt-curated | gpt-curated | priority |");
  }

  private static Endpoint endpoint(String key) {
    return result.entries().stream().filter(e -> e.modelKey().equals(key)).findFirst().orElseThrow()
        .endpoints().get(0);
  }
}
