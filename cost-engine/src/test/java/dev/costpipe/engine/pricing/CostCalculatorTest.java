package dev.costpipe.engine.pricing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.costpipe.engine.usage.Usage;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CostCalculatorTest {

  private static BigDecimal perMtok(String usd) {
    return new BigDecimal(usd).movePointLeft(6);
  }

  private static Rates rates(String in, String out) {
    return new Rates(perMtok(in), perMtok(out), null, null, null, null, null, null, null, null, null);
  }

  private static PricePlan plan(Rates rates, PriceTier... tiers) {
    return PricePlan.of(new PricePeriod(Instant.EPOCH, rates, List.of(tiers)));
  }

  @Test
  void plainInputAndOutput() {
    Cost cost = CostCalculator.compute(plan(rates("2.5", "10")),
        Usage.builder().inputTokens(1000).outputTokens(500).build());
    // 1000 × $2.5/M + 500 × $10/M = $0.0025 + $0.005
    assertThat(cost.nanoUsd()).isEqualTo(7_500_000L);
    assertThat(cost.breakdownNanoUsd()).containsExactly(Map.entry("input", 2_500_000L), Map.entry("output", 5_000_000L));
  }

  @Test
  void billingModesApplyOverTheContextTierAndCombine() {
    // Opus-like: 5/25 base, 10/37.5 above 200k; batch x 0.5, fast x 6, US-only x 1.1, priority own rates
    PricePeriod period = new PricePeriod(Instant.EPOCH, rates("5", "25"),
        List.of(new PriceTier(200_000, rates("10", "37.5"))),
        Map.of("batch", new PriceMode(new BigDecimal("0.5"), null), "geo_us", new PriceMode(new BigDecimal("1.1"), null),
            "priority", new PriceMode(null, rates("7", "35"))));
    PricePlan plan = PricePlan.of(period);
    Usage small = Usage.builder().inputTokens(100_000).outputTokens(1_000).build();
    Usage large = Usage.builder().inputTokens(300_000).outputTokens(1_000).build();
    // standard: 100000 x 5 + 1000 x 25 = 525000 -> $0.525; batch: $0.2625; batch in the US: x 1.1 = $0.28875
    assertThat(CostCalculator.compute(plan, small).nanoUsd()).isEqualTo(525_000_000L);
    assertThat(CostCalculator.compute(plan, small.toBuilder().serviceTier("batch").build()).nanoUsd())
        .isEqualTo(262_500_000L);
    assertThat(CostCalculator.compute(plan, small.toBuilder().serviceTier("batch").inferenceGeo("us").build())
        .nanoUsd()).isEqualTo(288_750_000L);
    // above 200k: 300000 x 10 + 1000 x 37.5 = 3037500 -> $3.0375; batch $1.51875; priority's own rates
    // replace the tier's: 300000 x 7 + 1000 x 35 = $2.135
    assertThat(CostCalculator.compute(plan, large.toBuilder().serviceTier("batch").build()).nanoUsd())
        .isEqualTo(1_518_750_000L);
    assertThat(CostCalculator.compute(plan, large.toBuilder().serviceTier("priority").build()).nanoUsd())
        .isEqualTo(2_135_000_000L);
    // a tier and a region the period does not price: standard rates, both named
    Cost unpriced = CostCalculator.compute(plan, small.toBuilder().serviceTier("flex").inferenceGeo("eu").build());
    assertThat(unpriced.nanoUsd()).isEqualTo(525_000_000L);
    assertThat(unpriced.unpriced()).containsExactly("service_tier=flex", "inference_geo=eu");
  }

  @Test
  void cacheReadAndWriteFallBackToInputRate() {
    Usage u = Usage.builder().inputTokens(1000).cacheReadTokens(300).cacheWriteTokens(200).outputTokens(0).build();
    Cost cost = CostCalculator.compute(plan(rates("3", "15")), u);
    assertThat(cost.nanoUsd()).isEqualTo(3_000_000L);
  }

  @Test
  void cacheWrite1hFallsBackToCacheWriteRate() {
    Rates r = new Rates(perMtok("3"), perMtok("15"), perMtok("0.3"), perMtok("3.75"), null, null, null, null, null,
        null, null);
    Usage u = Usage.builder().inputTokens(1000).cacheWrite1hTokens(1000).build();
    assertThat(CostCalculator.compute(plan(r), u).nanoUsd()).isEqualTo(3_750_000L);
  }

  @Test
  void everyComponentAtItsOwnRate() {
    Rates r = new Rates(perMtok("3"), perMtok("15"), perMtok("0.3"), perMtok("3.75"), perMtok("6"),
        perMtok("20"), perMtok("40"), perMtok("80"), new BigDecimal("0.01"), new BigDecimal("0.04"),
        new BigDecimal("0.001"));
    Usage u = new Usage(10_000, 2_000, 1_000, 2_000, 3_000, 500, 1_000, 100, 2, 1);
    // input 3000×3 + read 1000×0.3 + write 2000×3.75 + 1h 3000×6 + audio in 1000×40 = 9000+300+7500+18000+40000
    // output 1400×15 + reasoning 500×20 + audio out 100×80 = 21000+10000+8000 (all /1e6 USD)
    // + 2 searches × $0.01 + 1 image × $0.04 + $0.001 per request
    BigDecimal expected = new BigDecimal("113800").movePointLeft(6)
        .add(new BigDecimal("0.02")).add(new BigDecimal("0.04")).add(new BigDecimal("0.001"));
    Cost cost = CostCalculator.compute(plan(r), u);
    assertThat(cost.totalUsd()).isEqualByComparingTo(expected);
    assertThat(cost.nanoUsd()).isEqualTo(174_800_000L);
    assertThat(cost.breakdownNanoUsd().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(cost.nanoUsd());
    assertThat(cost.breakdownNanoUsd()).containsEntry("web_search", 20_000_000L).containsEntry("request", 1_000_000L);
  }

  @Test
  void reasoningAndAudioFallBackToOutputAndInput() {
    Usage u = new Usage(100, 100, 0, 0, 0, 40, 50, 30, 0, 0);
    assertThat(CostCalculator.compute(plan(rates("1", "2")), u).nanoUsd()).isEqualTo(100 * 1_000L + 100 * 2_000L);
  }

  @Test
  void tierAppliesToWholeRequestAboveThreshold() {
    Rates tier = rates("6", "22.5");
    PricePlan p = plan(rates("3", "15"), new PriceTier(200_000, tier));
    assertThat(CostCalculator.compute(p, Usage.builder().inputTokens(200_000).outputTokens(1000).build()).nanoUsd())
        .isEqualTo(600_000_000L + 15_000_000L);
    assertThat(CostCalculator.compute(p, Usage.builder().inputTokens(200_001).outputTokens(1000).build()).nanoUsd())
        .isEqualTo(1_200_006_000L + 22_500_000L);
  }

  @Test
  void tierMissingRateKeepsBaseRate() {
    Rates base = new Rates(perMtok("1.25"), perMtok("10"), perMtok("0.125"), null, null, null, null, null, null,
        null, null);
    PricePlan p = plan(base, new PriceTier(200_000, rates("2.5", "15")));
    Usage u = Usage.builder().inputTokens(300_000).cacheReadTokens(100_000).build();
    // 200k uncached × 2.5 + 100k read × 0.125 (base rate kept: the tier does not give one)
    assertThat(CostCalculator.compute(p, u).nanoUsd()).isEqualTo(500_000_000L + 12_500_000L);
  }

  @Test
  void roundsOnceHalfEven() {
    // 1 token × $0.0000000025 = 2.5 nano → 2 (half-even); 3 tokens = 7.5 nano → 8
    Rates r = rates("0.0025", "0");
    assertThat(CostCalculator.compute(plan(r), Usage.builder().inputTokens(1).build()).nanoUsd()).isEqualTo(2);
    assertThat(CostCalculator.compute(plan(r), Usage.builder().inputTokens(3).build()).nanoUsd()).isEqualTo(8);
    // rounding parts first would give 2+2=4 for 1 input + 1 output at 2.5 nano each; rounding once gives 5
    Rates both = rates("0.0025", "0.0025");
    assertThat(CostCalculator.compute(plan(both), Usage.builder().inputTokens(1).outputTokens(1).build()).nanoUsd())
        .isEqualTo(5);
  }

  @Test
  void totalIsExactAtTheRatesScaleWithinAndBeyondALong() {
    PricePlan p = plan(rates("2.5", "10"));
    // the rates' common scale is 18: $2.5/M = 2,500,000,000,000 × 10^-18 USD a token
    assertThat(CostCalculator.compute(p, Usage.builder().inputTokens(1000).outputTokens(500).build()).totalUsd())
        .isEqualTo(new BigDecimal("0.007500000000000000"));
    // 5e9 × 2.5e12 and 3e9 × 1e13 units of 10^-18 USD leave a long: $12,500 + $30,000, summed in BigDecimal
    Cost huge = CostCalculator.compute(p, Usage.builder().inputTokens(5_000_000_000L).outputTokens(3_000_000_000L)
        .build());
    assertThat(huge.totalUsd()).isEqualTo(new BigDecimal("42500.000000000000000000"));
    assertThat(huge.nanoUsd()).isEqualTo(42_500_000_000_000L);
    assertThat(huge.breakdownNanoUsd())
        .containsExactly(Map.entry("input", 12_500_000_000_000L), Map.entry("output", 30_000_000_000_000L));
    // nothing used, nothing charged per request: zero, as the BigDecimal sum of no parts
    assertThat(CostCalculator.compute(p, Usage.ZERO).totalUsd()).isEqualTo(BigDecimal.ZERO);
  }

  @Test
  void breakdownAlwaysAddsUpToTotal() {
    Rates r = new Rates(perMtok("0.0375"), perMtok("0.15"), perMtok("0.01875"), null, null, null, null, null, null,
        null, null);
    for (long in = 1; in < 400; in += 7) {
      Usage u = Usage.builder().inputTokens(in).cacheReadTokens(in / 3).outputTokens(in / 2 + 1).build();
      Cost c = CostCalculator.compute(plan(r), u);
      assertThat(c.breakdownNanoUsd().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(c.nanoUsd());
    }
  }

  @Test
  void priceInForceAtTimestampApplies() {
    Instant cut = Instant.parse("2025-02-09T00:00:00Z");
    Endpoint e = new Endpoint("deepseek", null, List.of("deepseek-chat"), null, null, List.of(
        new PricePeriod(cut, rates("0.27", "1.1"), List.of()),
        new PricePeriod(Instant.parse("2024-12-26T00:00:00Z"), rates("0.14", "0.28"), List.of())));
    PricingRegistry reg = PricingRegistry.of(List.of(new PricingEntry("deepseek/deepseek-chat", "DeepSeek", List.of(e))));
    PriceMatch m = reg.resolve("deepseek", "deepseek-chat", null).orElseThrow();
    Usage u = Usage.builder().inputTokens(1_000_000).build();
    assertThat(CostCalculator.compute(m.planAt(cut.minusMillis(1)), u).nanoUsd()).isEqualTo(140_000_000L);
    assertThat(CostCalculator.compute(m.planAt(cut), u).nanoUsd()).isEqualTo(270_000_000L);
    assertThat(CostCalculator.compute(m.planAt(Instant.parse("2020-01-01T00:00:00Z")), u).nanoUsd())
        .as("before the first period, the earliest prices apply").isEqualTo(140_000_000L);
  }
}
