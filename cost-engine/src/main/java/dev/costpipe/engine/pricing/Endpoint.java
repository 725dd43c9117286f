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
    for (PricePeriod p : periods) {
      if (p.effectiveUntil() != null && periods.stream().noneMatch(q -> q.inForceAt(p.effectiveUntil()))) {
        throw new IllegalArgumentException(provider + " " + ids + ": the price period from " + p.effectiveFrom()
            + " ends at " + p.effectiveUntil() + " but no other period is in force then");
      }
    }
  }

  /** The period in force at {@code at}. */
  public PricePeriod periodAt(Instant at) {
    return periods.get(indexAt(periods, at));
  }

  /**
   * The index of the period in force at {@code at} among {@code periods} (sorted by start): the latest
   * started that has not ended, else (before every start) the earliest. An ended period falls back to
   * the one in force when it ends, which the constructor checks exists.
   */
  static int indexAt(List<PricePeriod> periods, Instant at) {
    for (int i = periods.size() - 1; i > 0; i--) {
      if (periods.get(i).inForceAt(at)) {
        return i;
      }
    }
    return 0;
  }
}
