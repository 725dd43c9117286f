package dev.costpipe.engine.pricing;

import dev.costpipe.engine.usage.Usage;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link PricePeriod} compiled for the hot path: base and tier rates, and each billing mode's rates
 * over them, with fallbacks applied.
 */
public final class PricePlan {
  private final PricePeriod period;
  private final EffectiveRates base;
  private final long[] tierThresholds;
  private final EffectiveRates[] tierRates;
  /** mode → rates over the base (index 0) and over each tier (index i + 1). */
  private final Map<String, EffectiveRates[]> modeRates = new HashMap<>();

  PricePlan(PricePeriod period) {
    this.period = period;
    this.base = EffectiveRates.of(period.rates());
    List<PriceTier> tiers = period.tiers();
    this.tierThresholds = new long[tiers.size()];
    this.tierRates = new EffectiveRates[tiers.size()];
    Rates[] contexts = new Rates[tiers.size() + 1];
    contexts[0] = period.rates();
    for (int i = 0; i < tiers.size(); i++) {
      tierThresholds[i] = tiers.get(i).aboveInputTokens();
      contexts[i + 1] = tiers.get(i).rates().over(period.rates());
      tierRates[i] = EffectiveRates.of(contexts[i + 1]);
    }
    period.modes().forEach((name, mode) -> {
      EffectiveRates[] byContext = new EffectiveRates[contexts.length];
      for (int i = 0; i < contexts.length; i++) {
        byContext[i] = EffectiveRates.of(mode.over(contexts[i]));
      }
      modeRates.put(name, byContext);
    });
  }

  public static PricePlan of(PricePeriod period) {
    return new PricePlan(period);
  }

  public PricePeriod period() {
    return period;
  }

  /** Whether this period prices the billing mode {@code name} (a service tier or {@code geo_<region>}). */
  public boolean hasMode(String name) {
    return modeRates.containsKey(name);
  }

  /**
   * The rates for this request: the highest tier whose threshold input_tokens exceeds, else base; then
   * the request's service tier and inference region where this period prices them (both: the region's
   * mode laid over the tier's).
   */
  EffectiveRates ratesFor(Usage usage) {
    int context = 0;
    for (int i = tierThresholds.length - 1; i >= 0; i--) {
      if (usage.inputTokens() > tierThresholds[i]) {
        context = i + 1;
        break;
      }
    }
    EffectiveRates[] tier = usage.serviceTier().isEmpty() ? null : modeRates.get(usage.serviceTier());
    EffectiveRates[] geo = usage.inferenceGeo().isEmpty() ? null
        : modeRates.get(PriceMode.geoKey(usage.inferenceGeo()));
    if (tier != null && geo != null) {
      Rates contextRates = context == 0 ? period.rates() : period.tiers().get(context - 1).rates().over(period.rates());
      return EffectiveRates.of(period.modes().get(PriceMode.geoKey(usage.inferenceGeo()))
          .over(period.modes().get(usage.serviceTier()).over(contextRates)));
    }
    if (tier != null) {
      return tier[context];
    }
    if (geo != null) {
      return geo[context];
    }
    return context == 0 ? base : tierRates[context - 1];
  }
}
