package dev.costpipe.engine.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.costpipe.engine.catalogue.Catalogue;
import dev.costpipe.engine.catalogue.CatalogueLoader;
import dev.costpipe.engine.catalogue.CatalogueWriter;
import dev.costpipe.engine.catalogue.PricingEntryJson;
import dev.costpipe.engine.testing.CanonicalPricing;
import dev.costpipe.engine.usage.Usage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pricing rules of issue 13 §2 with real prices, each loaded from the catalogue's YAML (so the
 * format is tested too) and priced by hand in the comments.
 */
class PricingRulesTest {
  @TempDir
  Path dir;

  private static final String HEADER = """
      provider: %s
      name: %s
      pricing_url: https://example.com/pricing
      api_pattern: example\\\\.invalid
      models:
      """;

  private PriceMatch load(String provider, String models) throws Exception {
    Path file = dir.resolve(provider + ".yml");
    Files.writeString(file, HEADER.formatted(provider, provider) + models);
    Catalogue catalogue = CatalogueLoader.load(file);
    // the writer and the pricing topic's JSON keep every rule
    assertThat(CanonicalPricing.of(List.of(PricingEntryJson.read(PricingEntryJson.write(catalogue.entries().get(0))
        .getBytes(StandardCharsets.UTF_8))))).isEqualTo(CanonicalPricing.of(catalogue.entries()));
    Path written = Files.createDirectories(dir.resolve("written"));
    CatalogueWriter.writeDirectory(CatalogueWriter.files(catalogue.entries(), p -> null), written);
    assertThat(CanonicalPricing.of(CatalogueLoader.load(written).entries()))
        .isEqualTo(CanonicalPricing.of(catalogue.entries()));
    return PricingRegistry.of(catalogue.entries()).resolve(provider, catalogue.entries().get(0).endpoints().get(0)
        .ids().get(0), null).orElseThrow();
  }

  private static long cost(PriceMatch m, String at, Usage usage) {
    Instant t = Instant.parse(at);
    return CostCalculator.compute(m.planAt(t), usage, t).nanoUsd();
  }

  private static Usage usage(long input, long cacheRead, long output) {
    return Usage.builder().inputTokens(input).cacheReadTokens(cacheRead).outputTokens(output).build();
  }

  /**
   * grok-4.5, https://docs.x.ai/docs/models as recorded in ../shared/data/flagship_leads_2026-12.json
   * (genai-prices index, 2026-12-06): $2 / $6 per MTok, $4 / $12 at or above 200,000 input tokens.
   */
  @Test
  void atOrAboveThresholdBillsTheLongContextRateFromExactlyN() throws Exception {
    PriceMatch m = load("xai", """
          - model: xai/grok-4.5
            ids: [grok-4.5]
            source: https://docs.x.ai/docs/models
            checked: 2026-12-06
            prices:
              - effective_from: 2026-01-01
                input_mtok: 2
                output_mtok: 6
                cache_read_mtok: 0.3
                tiers:
                  - from_input_tokens: 200000
                    input_mtok: 4
                    output_mtok: 12
                    cache_read_mtok: 0.6
        """);
    // 199,999 × $2/M = 0.399998 + 1,000 × $6/M = 0.006 → $0.405998
    assertThat(cost(m, "2026-12-01T00:00:00Z", usage(199_999, 0, 1_000))).isEqualTo(405_998_000L);
    // 200,000 × $4/M = 0.8 + 1,000 × $12/M = 0.012 → $0.812
    assertThat(cost(m, "2026-12-01T00:00:00Z", usage(200_000, 0, 1_000))).isEqualTo(812_000_000L);
    assertThat(m.endpoint().periods().get(0).tiers().get(0).aboveInputTokens()).isEqualTo(199_999L);
  }

  /** The default stays "above": the same prices with above_input_tokens bill 200,000 at the base rate. */
  @Test
  void aboveThresholdStaysTheDefault() throws Exception {
    PriceMatch m = load("xai", """
          - model: xai/grok-4.5
            ids: [grok-4.5]
            source: https://docs.x.ai/docs/models
            checked: 2026-12-06
            prices:
              - effective_from: 2026-01-01
                input_mtok: 2
                output_mtok: 6
                tiers:
                  - above_input_tokens: 200000
                    input_mtok: 4
                    output_mtok: 12
        """);
    // 200,000 × $2/M = 0.4 + 0.006 → $0.406; 200,001 × $4/M = 0.800004 + 0.012 → $0.812004
    assertThat(cost(m, "2026-12-01T00:00:00Z", usage(200_000, 0, 1_000))).isEqualTo(406_000_000L);
    assertThat(cost(m, "2026-12-01T00:00:00Z", usage(200_001, 0, 1_000))).isEqualTo(812_004_000L);
  }

  @Test
  void aTierNeedsExactlyOneThreshold() {
    assertThatThrownBy(() -> load("xai", """
          - model: xai/grok-4.5
            ids: [grok-4.5]
            source: https://docs.x.ai/docs/models
            checked: 2026-12-06
            prices:
              - effective_from: 2026-01-01
                input_mtok: 2
                output_mtok: 6
                tiers:
                  - above_input_tokens: 200000
                    from_input_tokens: 200000
                    input_mtok: 4
        """)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exactly one");
  }

  /**
   * claude-sonnet-5, genai-prices data 2026-08-21 (../shared/data/genai_prices_data_2026-08-21.json,
   * from https://platform.claude.com pricing): $2 / $10 per MTok, $3 / $15 from 2026-09-01. Written as an
   * introductory price that ends: the list price from 2026-01-01, the introductory one from 2026-08-01
   * until 2026-09-01, falling back to the list price after it.
   */
  @Test
  void introductoryPriceEndsAndFallsBackToThePeriodInForce() throws Exception {
    PriceMatch m = load("anthropic", """
          - model: anthropic/claude-sonnet-5
            ids: [claude-sonnet-5]
            source: https://platform.claude.com/docs/en/about-claude/pricing
            checked: 2026-08-21
            prices:
              - effective_from: 2026-01-01
                input_mtok: 3
                output_mtok: 15
              - effective_from: 2026-08-01
                effective_until: 2026-09-01
                input_mtok: 2
                output_mtok: 10
        """);
    Usage u = usage(10_000, 0, 1_000);
    // list: 10,000 × $3/M = 0.03 + 1,000 × $15/M = 0.015 → $0.045; introductory: 0.02 + 0.01 → $0.03
    assertThat(cost(m, "2026-07-31T23:59:59Z", u)).isEqualTo(45_000_000L);
    assertThat(cost(m, "2026-08-01T00:00:00Z", u)).isEqualTo(30_000_000L);
    assertThat(cost(m, "2026-08-31T23:59:59.999Z", u)).isEqualTo(30_000_000L);
    assertThat(cost(m, "2026-09-01T00:00:00Z", u)).isEqualTo(45_000_000L);
    assertThat(cost(m, "2025-01-01T00:00:00Z", u)).isEqualTo(45_000_000L); // before every period: the earliest
  }

  @Test
  void aPeriodThatEndsNeedsAnotherInForceThen() {
    assertThatThrownBy(() -> load("anthropic", """
          - model: anthropic/claude-sonnet-5
            ids: [claude-sonnet-5]
            source: https://platform.claude.com/docs/en/about-claude/pricing
            checked: 2026-08-21
            prices:
              - effective_from: 2026-08-01
                effective_until: 2026-09-01
                input_mtok: 2
                output_mtok: 10
        """)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no other period is in force");
  }

  /**
   * deepseek-chat, genai-prices data 2026-08-21 (https://api-docs.deepseek.com/quick_start/pricing):
   * $0.27 input, $0.07 cache hit, $1.10 output per MTok; off-peak UTC 16:30–00:30 $0.135 / $0.035 / $0.55.
   */
  @Test
  void offPeakWindowAcrossMidnightInUtc() throws Exception {
    PriceMatch m = load("deepseek", """
          - model: deepseek/deepseek-chat
            ids: [deepseek-chat]
            source: https://api-docs.deepseek.com/quick_start/pricing
            checked: 2026-08-21
            prices:
              - effective_from: 2025-02-26
                input_mtok: 0.27
                cache_read_mtok: 0.07
                output_mtok: 1.1
                time_of_day:
                  - from: "16:30"
                    until: "00:30"
                    multiplier: 0.5
        """);
    Usage u = usage(10_000, 4_000, 1_000);
    // standard: 6,000 × 0.27 + 4,000 × 0.07 + 1,000 × 1.1 = 1,620 + 280 + 1,100 = 3,000 µUSD → $0.003
    // off-peak: half of it → $0.0015
    assertThat(cost(m, "2025-03-03T16:29:59Z", u)).isEqualTo(3_000_000L);
    assertThat(cost(m, "2025-03-03T16:30:00Z", u)).isEqualTo(1_500_000L);
    assertThat(cost(m, "2025-03-04T00:29:59Z", u)).isEqualTo(1_500_000L);
    assertThat(cost(m, "2025-03-04T00:30:00Z", u)).isEqualTo(3_000_000L);
    // without a timestamp (comparisons): the standard price
    assertThat(CostCalculator.compute(m.planAt(Instant.parse("2025-03-03T17:00:00Z")), u).nanoUsd())
        .isEqualTo(3_000_000L);
  }

  /**
   * deepseek-v4-flash from 2026-08-17, as ../shared/data/flagship_leads_2026-12.json records it (genai-prices
   * index, from api-docs.deepseek.com; compiled 2026-12-06): off-peak $0.22 / $0.007 cache hit / $0.66, peak UTC
   * 01:00–04:00 and 06:00–10:00 $0.44 / $0.014 / $1.32; weekends off-peak all day from 2026-08-23.
   */
  @Test
  void peakWindowsAndOffPeakWeekendsFromADate() throws Exception {
    PriceMatch m = load("deepseek", """
          - model: deepseek/deepseek-v4-flash
            ids: [deepseek-v4-flash]
            source: https://api-docs.deepseek.com/quick_start/pricing
            checked: 2026-12-06
            prices:
              - effective_from: 2026-05-01
                input_mtok: 0.14
                cache_read_mtok: 0.0028
                output_mtok: 0.28
              - effective_from: 2026-08-17
                input_mtok: 0.22
                cache_read_mtok: 0.007
                output_mtok: 0.66
                time_of_day:
                  - {from: "01:00", until: "04:00", input_mtok: 0.44, cache_read_mtok: 0.014, output_mtok: 1.32}
                  - {from: "06:00", until: "10:00", input_mtok: 0.44, cache_read_mtok: 0.014, output_mtok: 1.32}
              - effective_from: 2026-08-23
                input_mtok: 0.22
                cache_read_mtok: 0.007
                output_mtok: 0.66
                time_of_day:
                  - {from: "01:00", until: "04:00", days: [mon, tue, wed, thu, fri], multiplier: 2}
                  - {from: "06:00", until: "10:00", days: [mon, tue, wed, thu, fri], multiplier: 2}
        """);
    Usage u = usage(10_000, 4_000, 1_000);
    // off-peak: 6,000 × 0.22 + 4,000 × 0.007 + 1,000 × 0.66 = 1,320 + 28 + 660 = 2,008 µUSD
    // peak:     6,000 × 0.44 + 4,000 × 0.014 + 1,000 × 1.32 = 2,640 + 56 + 1,320 = 4,016 µUSD
    // before 2026-08-17: 6,000 × 0.14 + 4,000 × 0.0028 + 1,000 × 0.28 = 840 + 11.2 + 280 = 1,131.2 µUSD
    assertThat(cost(m, "2026-08-16T02:00:00Z", u)).isEqualTo(1_131_200L);
    assertThat(cost(m, "2026-08-22T02:00:00Z", u)).isEqualTo(4_016_000L); // Saturday, before weekends were off-peak
    assertThat(cost(m, "2026-08-29T02:00:00Z", u)).isEqualTo(2_008_000L); // Saturday
    assertThat(cost(m, "2026-08-24T00:59:59Z", u)).isEqualTo(2_008_000L); // Monday
    assertThat(cost(m, "2026-08-24T01:00:00Z", u)).isEqualTo(4_016_000L);
    assertThat(cost(m, "2026-08-24T05:00:00Z", u)).isEqualTo(2_008_000L);
    assertThat(cost(m, "2026-08-24T09:59:59Z", u)).isEqualTo(4_016_000L);
    assertThat(cost(m, "2026-08-24T10:00:00Z", u)).isEqualTo(2_008_000L);
  }

  /** A time-of-day price lies under the billing modes: DeepSeek off-peak, then a batch discount over it. */
  @Test
  void billingModesApplyOverTheTimeOfDayPrice() throws Exception {
    PriceMatch m = load("deepseek", """
          - model: deepseek/deepseek-chat
            ids: [deepseek-chat]
            source: https://api-docs.deepseek.com/quick_start/pricing
            checked: 2026-08-21
            prices:
              - effective_from: 2025-02-26
                input_mtok: 0.27
                cache_read_mtok: 0.07
                output_mtok: 1.1
                modes:
                  batch: {multiplier: 0.5}
                time_of_day:
                  - {from: "16:30", until: "00:30", multiplier: 0.5}
        """);
    Usage batch = usage(10_000, 4_000, 1_000).toBuilder().serviceTier("batch").build();
    // $0.003 standard (above) × 0.5 off-peak × 0.5 batch = $0.00075; at peak × 0.5 batch = $0.0015
    assertThat(cost(m, "2025-03-03T20:00:00Z", batch)).isEqualTo(750_000L);
    assertThat(cost(m, "2025-03-03T12:00:00Z", batch)).isEqualTo(1_500_000L);
  }
}
