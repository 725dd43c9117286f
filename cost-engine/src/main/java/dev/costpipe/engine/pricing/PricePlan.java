package dev.costpipe.engine.pricing;

import dev.costpipe.engine.usage.Usage;
import java.util.List;

/** A {@link PricePeriod} compiled for the hot path: base and tier rates with fallbacks applied. */
public final class PricePlan {
  private final PricePeriod period;
  private final EffectiveRates base;
  private final long[] tierThresholds;
  private final EffectiveRates[] tierRates;

  PricePlan(PricePeriod period) {
    this.period = period;
    this.base = EffectiveRates.of(period.rates());
    List<PriceTier> tiers = period.tiers();
    this.tierThresholds = new long[tiers.size()];
    this.tierRates = new EffectiveRates[tiers.size()];
    for (int i = 0; i < tiers.size(); i++) {
      tierThresholds[i] = tiers.get(i).aboveInputTokens();
      tierRates[i] = EffectiveRates.of(tiers.get(i).rates().over(period.rates()));
    }
  }

  public static PricePlan of(PricePeriod period) {
    return new PricePlan(period);
  }

  public PricePeriod period() {
    return period;
  }

  /** The rates for this request: the highest tier whose threshold input_tokens exceeds, else base. */
  EffectiveRates ratesFor(Usage usage) {
    for (int i = tierThresholds.length - 1; i >= 0; i--) {
      if (usage.inputTokens() > tierThresholds[i]) {
        return tierRates[i];
      }
    }
    return base;
  }
}
