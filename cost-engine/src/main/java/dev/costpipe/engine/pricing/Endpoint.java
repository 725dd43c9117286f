package dev.costpipe.engine.pricing;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * One place a model is sold: a provider, optionally a deployment/region, the model ids that provider
 * uses for it, and its price history.
 */
public record Endpoint(
    String provider,
    String deployment,
    List<String> ids,
    String source,
    String checked,
    List<PricePeriod> periods) {

  public Endpoint {
    ids = List.copyOf(ids);
    periods = periods.stream().sorted(Comparator.comparing(PricePeriod::effectiveFrom)).toList();
  }

  /** The period in force at {@code at}: the latest that started at or before it, else the earliest. */
  public PricePeriod periodAt(Instant at) {
    PricePeriod found = periods.get(0);
    for (PricePeriod p : periods) {
      if (p.effectiveFrom().isAfter(at)) {
        break;
      }
      found = p;
    }
    return found;
  }
}
