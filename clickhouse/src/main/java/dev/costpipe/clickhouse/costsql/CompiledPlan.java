package dev.costpipe.clickhouse.costsql;

import dev.costpipe.engine.pricing.Endpoint;
import dev.costpipe.engine.pricing.PriceMode;
import dev.costpipe.engine.pricing.PricePeriod;
import dev.costpipe.engine.pricing.PriceTier;
import dev.costpipe.engine.pricing.Rates;
import dev.costpipe.engine.pricing.TimeOfDayPrice;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One price period as the SQL needs it, mirroring {@code PricePlan}: the first whole second at which
 * it is in force and the first at which it no longer is, the base coefficients, and the tiers
 * (ascending thresholds, each with its rates laid over the base ones) as {@link CostCoefficients}; for
 * the base and each tier, the time-of-day prices' and billing modes' cases.
 */
record CompiledPlan(long fromSecond, long untilSecond, List<BigDecimal> base, List<ModeCase> baseModes,
    List<WindowCase> baseWindows, List<Tier> tiers) {

  /** {@code DateTime} holds whole seconds from 0 to this. */
  static final long MAX_DATETIME = 4_294_967_295L;
  /** The {@link #untilSecond} of a period without end: no {@code DateTime} reaches it. */
  static final long NEVER = MAX_DATETIME + 1;

  /**
   * Rates for the whole request once input_tokens exceeds {@code aboveInputTokens} (an "at or above N"
   * tier is "above N − 1").
   */
  record Tier(long aboveInputTokens, List<BigDecimal> coefficients, List<ModeCase> modes,
      List<WindowCase> windows) {}

  /** A time-of-day price over a context: its coefficients and its billing modes' cases over it. */
  record WindowCase(TimeOfDayPrice when, List<BigDecimal> coefficients, List<ModeCase> modes) {}

  /**
   * The coefficients of rows whose {@code service_tier} and {@code inference_geo} columns equal these
   * (null: any value), in the order {@code PricePlan.ratesFor} decides: both, the tier, the region.
   */
  record ModeCase(String serviceTier, String inferenceGeo, List<BigDecimal> coefficients) {}

  /** The endpoint's periods, oldest first (as {@link Endpoint#periods()} keeps them). */
  static List<CompiledPlan> of(Endpoint endpoint) {
    List<CompiledPlan> plans = new ArrayList<>();
    for (PricePeriod period : endpoint.periods()) {
      List<Tier> tiers = new ArrayList<>();
      for (PriceTier tier : period.tiers()) {
        Rates context = tier.rates().over(period.rates());
        tiers.add(new Tier(tier.aboveInputTokens(), CostCoefficients.of(context), modeCases(period, context),
            windowCases(period, context)));
      }
      long until = period.effectiveUntil() == null ? NEVER : Math.min(NEVER, ceilSecond(period.effectiveUntil()));
      plans.add(new CompiledPlan(ceilSecond(period.effectiveFrom()), until, CostCoefficients.of(period.rates()),
          modeCases(period, period.rates()), windowCases(period, period.rates()), List.copyOf(tiers)));
    }
    return plans;
  }

  /** The time-of-day prices over {@code context}, in the period's order (the first that applies wins). */
  private static List<WindowCase> windowCases(PricePeriod period, Rates context) {
    List<WindowCase> cases = new ArrayList<>();
    for (TimeOfDayPrice w : period.timeOfDay()) {
      Rates windowRates = w.prices().over(context);
      cases.add(new WindowCase(w, CostCoefficients.of(windowRates), modeCases(period, windowRates)));
    }
    return List.copyOf(cases);
  }

  private static List<ModeCase> modeCases(PricePeriod period, Rates context) {
    Map<String, PriceMode> modes = period.modes();
    List<String> geos = modes.keySet().stream().filter(k -> k.startsWith(PriceMode.geoKey(""))).toList();
    List<ModeCase> cases = new ArrayList<>();
    for (var tier : modes.entrySet()) {
      for (String geo : geos) {
        cases.add(new ModeCase(tier.getKey(), region(geo),
            CostCoefficients.of(modes.get(geo).over(tier.getValue().over(context)))));
      }
    }
    modes.forEach((name, mode) -> cases.add(new ModeCase(name, null, CostCoefficients.of(mode.over(context)))));
    for (String geo : geos) {
      cases.add(new ModeCase(null, region(geo), CostCoefficients.of(modes.get(geo).over(context))));
    }
    return List.copyOf(cases);
  }

  private static String region(String geoKey) {
    return geoKey.substring(PriceMode.geoKey("").length());
  }

  /** Every coefficient list of this plan: base first, then the tiers', then the modes' and time-of-day prices'. */
  List<List<BigDecimal>> rateSets() {
    List<List<BigDecimal>> all = new ArrayList<>();
    all.add(base);
    tiers.forEach(t -> all.add(t.coefficients()));
    baseModes.forEach(m -> all.add(m.coefficients()));
    tiers.forEach(t -> t.modes().forEach(m -> all.add(m.coefficients())));
    addWindows(all, baseWindows);
    tiers.forEach(t -> addWindows(all, t.windows()));
    return all;
  }

  private static void addWindows(List<List<BigDecimal>> all, List<WindowCase> windows) {
    for (WindowCase w : windows) {
      all.add(w.coefficients());
      w.modes().forEach(m -> all.add(m.coefficients()));
    }
  }

  /**
   * A whole-second timestamp {@code t} satisfies {@code effectiveFrom <= t} iff {@code t >= ceil(effectiveFrom)}.
   */
  private static long ceilSecond(Instant at) {
    return at.getNano() == 0 ? at.getEpochSecond() : at.getEpochSecond() + 1;
  }
}
