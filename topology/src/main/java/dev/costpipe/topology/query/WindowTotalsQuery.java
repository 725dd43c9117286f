package dev.costpipe.topology.query;

import dev.costpipe.topology.aggregate.CostTotals;
import dev.costpipe.topology.aggregate.Dimension;
import dev.costpipe.topology.aggregate.DimensionSplit;
import dev.costpipe.topology.steps.WindowTotalsStep;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.kstream.Window;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;

/**
 * A window's totals for one dimension value, read from the windowed aggregate stores ({@code aggregates-1h},
 * {@code aggregates-1d}: {@link WindowTotalsStep}), where they are keyed and partitioned as the topology groups
 * them ({@link DimensionSplit#key}).
 */
public final class WindowTotalsQuery {
  /** What {@link WindowTotalsStep#name} puts before a window's label. */
  private static final String STORE_PREFIX = "aggregates-";

  private final StoreAccess access;
  private final Map<String, Duration> byLabel = new LinkedHashMap<>();

  /** @param windows the window sizes the topology aggregates ({@code costpipe.aggregate.windows}) */
  public WindowTotalsQuery(StoreAccess access, List<Duration> windows) {
    this.access = access;
    windows.forEach(size -> byLabel.put(WindowTotalsStep.name(size).substring(STORE_PREFIX.length()), size));
  }

  /** A window's totals; {@code totals} is empty (all zero) when nothing was counted in it. */
  public record WindowTotals(Dimension dimension, String value, String window, Instant start, Instant end,
      CostTotals totals) {}

  /** The aggregated window size named {@code label} (1h, 1d as in records), if the topology keeps it. */
  public Optional<Duration> window(String label) {
    return Optional.ofNullable(byLabel.get(label));
  }

  /** The window sizes' labels, for telling a caller what exists. */
  public Set<String> labels() {
    return byLabel.keySet();
  }

  public KeyOwner owner(Dimension dimension, String value, Duration size) {
    return access.owner(WindowTotalsStep.name(size), DimensionSplit.key(dimension, value));
  }

  /** The window of {@code size} holding {@code at}, from this instance's active store of {@code partition}. */
  public WindowTotals local(Dimension dimension, String value, Duration size, Instant at, int partition) {
    String store = WindowTotalsStep.name(size);
    Window w = TimeWindows.ofSizeWithNoGrace(size).windowsFor(at.toEpochMilli()).values()
        .iterator().next();
    CostTotals t = access.local(store, QueryableStoreTypes.<String, CostTotals>windowStore(), partition,
        (ReadOnlyWindowStore<String, CostTotals> totals) -> totals.fetch(DimensionSplit.key(dimension, value),
            w.start()));
    return new WindowTotals(dimension, value, store.substring(STORE_PREFIX.length()), w.startTime(), w.endTime(),
        t == null ? new CostTotals() : t);
  }
}
