package dev.costpipe.engine.testing;

import dev.costpipe.engine.pricing.Endpoint;
import dev.costpipe.engine.pricing.PriceMode;
import dev.costpipe.engine.pricing.PricePeriod;
import dev.costpipe.engine.pricing.PriceTier;
import dev.costpipe.engine.pricing.PricingEntry;
import dev.costpipe.engine.pricing.Rates;
import dev.costpipe.engine.pricing.TimeOfDayPrice;
import java.math.BigDecimal;
import java.util.Collection;
import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;

/**
 * Pricing entries in a form where equal prices are equal objects: rates without trailing zeros (0.30
 * and 0.3 are one price), endpoints grouped by provider (a catalogue lists them provider file by
 * provider file), entries by key. For round-trip tests of the catalogue and the pricing topic.
 */
public final class CanonicalPricing {
  private CanonicalPricing() {}

  public static Map<String, PricingEntry> of(Collection<PricingEntry> entries) {
    Map<String, PricingEntry> out = new TreeMap<>();
    for (PricingEntry e : entries) {
      out.put(e.modelKey(), new PricingEntry(e.modelKey(), e.name(), e.endpoints().stream()
          .sorted(Comparator.comparing(Endpoint::provider))
          .map(CanonicalPricing::endpoint).toList()));
    }
    return out;
  }

  private static Endpoint endpoint(Endpoint ep) {
    return new Endpoint(ep.provider(), ep.deployment(), ep.ids(), ep.source(), ep.checked(),
        ep.periods().stream().map(p -> new PricePeriod(p.effectiveFrom(), p.effectiveUntil(), rates(p.rates()),
            p.tiers().stream().map(t -> new PriceTier(t.inputTokens(), t.atOrAbove(), rates(t.rates()))).toList(),
            modes(p.modes()), p.timeOfDay().stream().map(w -> new TimeOfDayPrice(w.from(), w.until(), w.days(),
                mode(w.prices()))).toList())).toList());
  }

  private static PriceMode mode(PriceMode m) {
    return new PriceMode(s(m.multiplier()), rates(m.rates()));
  }

  private static Map<String, PriceMode> modes(Map<String, PriceMode> modes) {
    Map<String, PriceMode> out = new TreeMap<>();
    modes.forEach((name, m) -> out.put(name, mode(m)));
    return out;
  }

  private static Rates rates(Rates r) {
    return new Rates(s(r.input()), s(r.output()), s(r.cacheRead()), s(r.cacheWrite()), s(r.cacheWrite1h()),
        s(r.reasoning()), s(r.audioInput()), s(r.audioOutput()), s(r.perWebSearch()), s(r.perImage()),
        s(r.perRequest()), s(r.imageOutput()), s(r.cacheReadAudio()), s(r.perSearchSource()),
        s(r.perServerToolCall()));
  }

  private static BigDecimal s(BigDecimal v) {
    return v == null ? null : v.stripTrailingZeros();
  }
}
