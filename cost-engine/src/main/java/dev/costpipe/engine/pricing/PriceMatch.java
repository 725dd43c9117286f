package dev.costpipe.engine.pricing;

import java.time.Instant;

/** The pricing entry and endpoint a called model resolved to. */
public record PriceMatch(PricingEntry entry, Endpoint endpoint, PricePlan[] plans) {

  /** The compiled plan of the price period in force at {@code at}. */
  public PricePlan planAt(Instant at) {
    PricePlan found = plans[0];
    for (PricePlan p : plans) {
      if (p.period().effectiveFrom().isAfter(at)) {
        break;
      }
      found = p;
    }
    return found;
  }

  public String modelKey() {
    return entry.modelKey();
  }
}
