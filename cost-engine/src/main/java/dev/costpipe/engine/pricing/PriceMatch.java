package dev.costpipe.engine.pricing;

import java.time.Instant;

/** The pricing entry and endpoint a called model resolved to. */
public record PriceMatch(PricingEntry entry, Endpoint endpoint, PricePlan[] plans) {

  /** The compiled plan of the price period in force at {@code at}. */
  public PricePlan planAt(Instant at) {
    return plans[Endpoint.indexAt(endpoint.periods(), at)];
  }

  public String modelKey() {
    return entry.modelKey();
  }
}
