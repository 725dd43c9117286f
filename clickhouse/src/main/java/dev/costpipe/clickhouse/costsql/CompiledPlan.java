package dev.costpipe.clickhouse.costsql;

import dev.costpipe.engine.pricing.Endpoint;
import dev.costpipe.engine.pricing.PricePeriod;
import dev.costpipe.engine.pricing.PriceTier;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One price period as the SQL needs it, mirroring {@code PricePlan}: the first whole second at which
 * it is in force, the base coefficients, and the tiers (ascending thresholds, each with its rates laid
 * over the base ones) as {@link CostCoefficients}.
 */
record CompiledPlan(long fromSecond, List<BigDecimal> base, List<Tier> tiers) {

  /** {@code DateTime} holds whole seconds from 0 to this. */
  static final long MAX_DATETIME = 4_294_967_295L;

  /** Rates for the whole request once input_tokens exceeds {@code aboveInputTokens}. */
  record Tier(long aboveInputTokens, List<BigDecimal> coefficients) {}

  /** The endpoint's periods, oldest first (as {@link Endpoint#periods()} keeps them). */
  static List<CompiledPlan> of(Endpoint endpoint) {
    List<CompiledPlan> plans = new ArrayList<>();
    for (PricePeriod period : endpoint.periods()) {
      List<Tier> tiers = new ArrayList<>();
      for (PriceTier tier : period.tiers()) {
        tiers.add(new Tier(tier.aboveInputTokens(), CostCoefficients.of(tier.rates().over(period.rates()))));
      }
      plans.add(new CompiledPlan(ceilSecond(period.effectiveFrom()), CostCoefficients.of(period.rates()),
          List.copyOf(tiers)));
    }
    return plans;
  }

  /** Every coefficient list of this plan: base first, then the tiers'. */
  List<List<BigDecimal>> rateSets() {
    List<List<BigDecimal>> all = new ArrayList<>();
    all.add(base);
    tiers.forEach(t -> all.add(t.coefficients()));
    return all;
  }

  /**
   * A whole-second timestamp {@code t} satisfies {@code effectiveFrom <= t} iff {@code t >= ceil(effectiveFrom)}.
   */
  private static long ceilSecond(Instant at) {
    return at.getNano() == 0 ? at.getEpochSecond() : at.getEpochSecond() + 1;
  }
}
