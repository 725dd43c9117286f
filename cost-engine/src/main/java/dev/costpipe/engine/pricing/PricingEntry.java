package dev.costpipe.engine.pricing;

import java.util.List;

/** One model, keyed {@code author/model}, with every endpoint it is sold on. */
public record PricingEntry(String modelKey, String name, List<Endpoint> endpoints) {

  public PricingEntry {
    endpoints = List.copyOf(endpoints);
  }
}
