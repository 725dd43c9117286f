package dev.costpipe.engine.catalogue;

import dev.costpipe.engine.pricing.PricingEntry;
import java.util.List;

/** A loaded price catalogue: the pricing entries and the providers they came from. */
public record Catalogue(List<PricingEntry> entries, List<ProviderInfo> providers) {

  public Catalogue {
    entries = List.copyOf(entries);
    providers = List.copyOf(providers);
  }
}
