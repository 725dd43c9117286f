package dev.costpipe.engine.catalogue;

import dev.costpipe.engine.pricing.PriceMode;
import dev.costpipe.engine.pricing.PricePeriod;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * LiteLLM's billing modes (flex, priority, batch) for a model whose price comes from elsewhere
 * (genai-prices, a curated entry), which has none. LiteLLM gives a mode as absolute rates set beside its
 * base rates, so a mode is only carried over where LiteLLM's base rates are the other source's: where
 * they differ, the mode's rates may belong to another price (a cut one of the two has not seen yet).
 */
final class LiteLlmModes {

  /** LiteLLM modes of one model, by name, that were not taken (or a curated entry could take). */
  record Case(String provider, String model, String litellmKey, Set<String> modes) {

    Case {
      modes = new TreeSet<>(modes);
    }
  }

  private LiteLlmModes() {}

  /** Whether the two periods bill every base rate alike (fallbacks applied; context tiers aside). */
  static boolean sameBaseRates(PricePeriod litellm, PricePeriod other) {
    return Disagreement.billAlike(litellm.rates(), other.rates());
  }

  /** LiteLLM's modes that {@code other} does not name. */
  static Map<String, PriceMode> missing(PricePeriod litellm, PricePeriod other) {
    Map<String, PriceMode> out = new TreeMap<>(litellm.modes());
    out.keySet().removeAll(other.modes().keySet());
    return out;
  }

  /** {@code period} with {@code modes} added; a mode it already names keeps its own rates. */
  private static PricePeriod with(PricePeriod period, Map<String, PriceMode> modes) {
    Map<String, PriceMode> all = new TreeMap<>(modes);
    all.putAll(period.modes());
    return new PricePeriod(period.effectiveFrom(), period.effectiveUntil(), period.rates(), period.tiers(), all,
        period.timeOfDay());
  }

  /** Replaces, in {@code periods}, the one spanning the same time as {@code target} with it plus {@code modes}. */
  static void addTo(List<PricePeriod> periods, PricePeriod target, Map<String, PriceMode> modes) {
    periods.replaceAll(p -> p.effectiveFrom().equals(target.effectiveFrom())
        && Objects.equals(p.effectiveUntil(), target.effectiveUntil()) ? with(p, modes) : p);
  }
}
