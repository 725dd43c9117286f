package dev.costpipe.engine.pricing;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/** The prices in force from {@code effectiveFrom} until the next period of the same endpoint. */
public record PricePeriod(Instant effectiveFrom, Rates rates, List<PriceTier> tiers) {

  public PricePeriod {
    tiers = tiers.stream().sorted(Comparator.comparingLong(PriceTier::aboveInputTokens)).toList();
  }
}
