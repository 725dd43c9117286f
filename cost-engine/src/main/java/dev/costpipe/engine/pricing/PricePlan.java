package dev.costpipe.engine.pricing;

import dev.costpipe.engine.usage.Usage;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link PricePeriod} compiled for the hot path: base and tier rates, each time-of-day price over
 * them, and each billing mode's rates over those, with fallbacks applied.
 */
public final class PricePlan {
  private final PricePeriod period;
  private final long[] tierThresholds;
  /** The rates a request pays before billing modes: [time-of-day price + 1 (0: none)][context]. */
  private final Rates[][] contexts;
  private final EffectiveRates[][] contextRates;
  /** mode → rates over the base (index 0) and over each tier (index i + 1), outside time-of-day prices. */
  private final Map<String, EffectiveRates[]> modeRates = new HashMap<>();

  PricePlan(PricePeriod period) {
    this.period = period;
    List<PriceTier> tiers = period.tiers();
    this.tierThresholds = new long[tiers.size()];
    Rates[] standard = new Rates[tiers.size() + 1];
    standard[0] = period.rates();
    for (int i = 0; i < tiers.size(); i++) {
      tierThresholds[i] = tiers.get(i).aboveInputTokens();
      standard[i + 1] = tiers.get(i).rates().over(period.rates());
    }
    List<TimeOfDayPrice> clock = period.timeOfDay();
    this.contexts = new Rates[clock.size() + 1][];
    this.contextRates = new EffectiveRates[clock.size() + 1][];
    for (int w = 0; w <= clock.size(); w++) {
      contexts[w] = new Rates[standard.length];
      contextRates[w] = new EffectiveRates[standard.length];
      for (int i = 0; i < standard.length; i++) {
        contexts[w][i] = w == 0 ? standard[i] : clock.get(w - 1).prices().over(standard[i]);
        contextRates[w][i] = EffectiveRates.of(contexts[w][i]);
      }
    }
    period.modes().forEach((name, mode) -> {
      EffectiveRates[] byContext = new EffectiveRates[standard.length];
      for (int i = 0; i < standard.length; i++) {
        byContext[i] = EffectiveRates.of(mode.over(standard[i]));
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
   * The rates for this request: the highest tier whose threshold input_tokens passes, else base; the
   * first time-of-day price that applies at {@code at} (none when null) laid over them; then the
   * request's service tier and inference region where this period prices them (both: the region's mode
   * laid over the tier's).
   */
  EffectiveRates ratesFor(Usage usage, Instant at) {
    int context = 0;
    for (int i = tierThresholds.length - 1; i >= 0; i--) {
      if (usage.inputTokens() > tierThresholds[i]) {
        context = i + 1;
        break;
      }
    }
    int clock = 0;
    List<TimeOfDayPrice> windows = period.timeOfDay();
    for (int w = 0; w < windows.size() && at != null; w++) {
      if (windows.get(w).appliesAt(at)) {
        clock = w + 1;
        break;
      }
    }
    EffectiveRates[] tier = usage.serviceTier().isEmpty() ? null : modeRates.get(usage.serviceTier());
    String geoKey = usage.inferenceGeo().isEmpty() ? null : PriceMode.geoKey(usage.inferenceGeo());
    EffectiveRates[] geo = geoKey == null ? null : modeRates.get(geoKey);
    if (tier == null && geo == null) {
      return contextRates[clock][context];
    }
    if (clock == 0 && (tier == null || geo == null)) {
      return (tier != null ? tier : geo)[context];
    }
    Rates rates = contexts[clock][context];
    if (tier != null) {
      rates = period.modes().get(usage.serviceTier()).over(rates);
    }
    if (geo != null) {
      rates = period.modes().get(geoKey).over(rates);
    }
    return EffectiveRates.of(rates);
  }
}
