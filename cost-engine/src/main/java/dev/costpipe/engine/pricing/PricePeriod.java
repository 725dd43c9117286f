package dev.costpipe.engine.pricing;

import java.time.Instant;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The prices in force from {@code effectiveFrom} until the next period of the same endpoint, with the
 * billing modes (service tiers, batch, fast, inference regions) it prices, by name.
 */
public record PricePeriod(Instant effectiveFrom, Rates rates, List<PriceTier> tiers, Map<String, PriceMode> modes) {

  public PricePeriod {
    tiers = tiers.stream().sorted(Comparator.comparingLong(PriceTier::aboveInputTokens)).toList();
    modes = modes == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(modes));
  }

  public PricePeriod(Instant effectiveFrom, Rates rates, List<PriceTier> tiers) {
    this(effectiveFrom, rates, tiers, Map.of());
  }
}
