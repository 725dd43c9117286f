package dev.costpipe.engine.pricing;

import java.time.Instant;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The prices in force from {@code effectiveFrom} until the next period of the same endpoint starts or
 * {@code effectiveUntil} (exclusive; null: open-ended) passes, whichever is first (an introductory price,
 * a promotion), with the billing modes (service tiers, batch, fast, inference regions) it prices, by
 * name, and its time-of-day prices (the first that applies wins).
 */
public record PricePeriod(Instant effectiveFrom, Instant effectiveUntil, Rates rates, List<PriceTier> tiers,
    Map<String, PriceMode> modes, List<TimeOfDayPrice> timeOfDay) {

  public PricePeriod {
    tiers = tiers.stream().sorted(Comparator.comparingLong(PriceTier::aboveInputTokens)).toList();
    modes = modes == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(modes));
    timeOfDay = timeOfDay == null ? List.of() : List.copyOf(timeOfDay);
    if (effectiveUntil != null && !effectiveUntil.isAfter(effectiveFrom)) {
      throw new IllegalArgumentException("a price period's effective_until " + effectiveUntil
          + " must be after its effective_from " + effectiveFrom);
    }
  }

  public PricePeriod(Instant effectiveFrom, Rates rates, List<PriceTier> tiers, Map<String, PriceMode> modes) {
    this(effectiveFrom, null, rates, tiers, modes, List.of());
  }

  public PricePeriod(Instant effectiveFrom, Rates rates, List<PriceTier> tiers) {
    this(effectiveFrom, rates, tiers, Map.of());
  }

  /** Whether this period is in force at {@code at}: started, and not ended. */
  public boolean inForceAt(Instant at) {
    return !effectiveFrom.isAfter(at) && (effectiveUntil == null || at.isBefore(effectiveUntil));
  }
}
