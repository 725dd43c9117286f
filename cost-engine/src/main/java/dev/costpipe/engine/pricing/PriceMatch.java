package dev.costpipe.engine.pricing;

import java.time.Instant;

/**
 * The pricing entry and endpoint a called model resolved to. Its periods are compiled into plans on
 * first use: a registry of thousands of entries is built at every start and prices only a few of them.
 */
public final class PriceMatch {
  private final PricingEntry entry;
  private final Endpoint endpoint;
  /** Racy but safe: a plan is immutable (final fields only), so another thread sees it whole or compiles its own. */
  private final PricePlan[] plans;

  public PriceMatch(PricingEntry entry, Endpoint endpoint) {
    this.entry = entry;
    this.endpoint = endpoint;
    this.plans = new PricePlan[endpoint.periods().size()];
  }

  public PricingEntry entry() {
    return entry;
  }

  public Endpoint endpoint() {
    return endpoint;
  }

  /** The compiled plan of the price period in force at {@code at}. */
  public PricePlan planAt(Instant at) {
    int i = Endpoint.indexAt(endpoint.periods(), at);
    PricePlan plan = plans[i];
    if (plan == null) {
      plan = new PricePlan(endpoint.periods().get(i));
      plans[i] = plan;
    }
    return plan;
  }

  public String modelKey() {
    return entry.modelKey();
  }
}
