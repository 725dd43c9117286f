package dev.costpipe.topology;

import dev.costpipe.engine.catalogue.CatalogueLoader;
import dev.costpipe.engine.catalogue.ProviderInfo;
import dev.costpipe.engine.record.CostRecord;
import dev.costpipe.engine.record.PricingStatus;
import dev.costpipe.topology.steps.PriceStep;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;

/**
 * Spend, requests and tokens of the cost records, by provider, catalogue model and pricing status: what the
 * metrics endpoint exports as Prometheus counters. The labels are bounded by the catalogue, never by the traffic:
 * the model is the pricing entry's {@code model_key} (a model no entry prices is {@link #OTHER}), the provider one
 * of the built-in providers (any other is {@link #OTHER}); users, sessions and properties are never labels.
 *
 * <p>A request counts once, under its first record's labels. A revision adds what it raises over the record it
 * replaces (cost, tokens) under its own labels: the sums over label sets stay exact, the split of a revised request
 * between label sets does not (its first record, emitted incomplete, may lack the provider or model). Counters do
 * not go down, so a revision lowering a request's cost (rare) leaves them above the exact totals. They count when a record is processed, not when its transaction
 * commits: re-processing after a crash counts again. Approximate, then; the cost topic and ClickHouse are exact.
 */
public final class SpendCounters {
  /** The label value of a provider outside the built-in ones, or of a model no pricing entry matched. */
  public static final String OTHER = "other";
  /** The pricing status label of a priced record whose response carried billed usage its price leaves out. */
  public static final String UNPRICED_USAGE = "unpriced_usage";
  /** The pricing status label of a request the engine failed on (priced as nothing, told in its errors). */
  public static final String ERROR = "error";

  /** One label set. */
  public record Labels(String provider, String model, String pricingStatus) {}

  /** The counts of one label set. */
  public static final class Tally {
    private final LongAdder requests = new LongAdder();
    private final LongAdder costNanoUsd = new LongAdder();
    private final LongAdder inputTokens = new LongAdder();
    private final LongAdder outputTokens = new LongAdder();

    public long requests() {
      return requests.sum();
    }

    public long costNanoUsd() {
      return costNanoUsd.sum();
    }

    public long inputTokens() {
      return inputTokens.sum();
    }

    public long outputTokens() {
      return outputTokens.sum();
    }
  }

  private static final Set<String> PROVIDERS = CatalogueLoader.builtIn().providers().stream().map(ProviderInfo::id)
      .collect(Collectors.toUnmodifiableSet());

  private final Map<Labels, Tally> tallies = new ConcurrentHashMap<>();

  /** Counts {@code current}, the revision of {@code previous} (null for a request's first record, or unknown). */
  public void count(CostRecord previous, CostRecord current) {
    Tally t = tallies.computeIfAbsent(labels(current), l -> new Tally());
    if (current.revision() == 0) {
      t.requests.increment();
    }
    t.costNanoUsd.add(raise(cost(previous), cost(current)));
    t.inputTokens.add(raise(previous == null ? 0 : previous.usage().inputTokens(), current.usage().inputTokens()));
    t.outputTokens.add(raise(previous == null ? 0 : previous.usage().outputTokens(), current.usage().outputTokens()));
  }

  public static Labels labels(CostRecord r) {
    String provider = r.provider() != null && PROVIDERS.contains(r.provider()) ? r.provider() : OTHER;
    String model = r.modelKey() != null ? r.modelKey() : OTHER;
    return new Labels(provider, model, status(r));
  }

  private static String status(CostRecord r) {
    if (r.errors().stream().anyMatch(e -> e.startsWith(PriceStep.INTERNAL_ERROR))) {
      return ERROR;
    }
    if (r.pricingStatus() == PricingStatus.PRICED && r.hasUnpricedUsage()) {
      return UNPRICED_USAGE;
    }
    return r.pricingStatus().wire();
  }

  private static long cost(CostRecord r) {
    return r == null || r.costNanoUsd() == null ? 0 : r.costNanoUsd();
  }

  private static long raise(long before, long after) {
    return Math.max(0, after - before);
  }

  /** The label sets counted so far, with their counts (live: they go on counting). */
  public Map<Labels, Tally> snapshot() {
    return Map.copyOf(tallies);
  }
}
