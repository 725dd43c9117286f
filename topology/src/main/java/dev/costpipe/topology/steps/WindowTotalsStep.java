package dev.costpipe.topology.steps;

import dev.costpipe.topology.LateContributions;
import dev.costpipe.topology.PipelineCounters;
import dev.costpipe.topology.StateChangelogs;
import dev.costpipe.topology.aggregate.AggregateUpdate;
import dev.costpipe.topology.aggregate.CostTotals;
import dev.costpipe.topology.serde.CostpipeSerdes;
import java.time.Duration;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Step 5b: sums each dimension value's contributions (sums of them: {@link CombineStep}) in tumbling windows of
 * one size, open for late records
 * during the grace period, and passes on every update of a window's totals. Its window store, named as the step
 * ({@code aggregates-1h}), holds the totals in their binary form; its changelog is kept by append time
 * ({@link StateChangelogs}). Contributions to windows already closed are counted and dropped
 * ({@link ClosedWindowFilter}).
 */
public final class WindowTotalsStep {
  private WindowTotalsStep() {}

  /** {@code byDimension} keyed by {@link dev.costpipe.topology.aggregate.DimensionSplit#key}. */
  public static KStream<String, AggregateUpdate> sum(KStream<String, CostTotals> byDimension, Duration size,
      Duration grace, PipelineCounters counters) {
    String name = name(size);
    String window = label(size);
    TimeWindows windows = TimeWindows.ofSizeAndGrace(size, grace);
    LateContributions late = new LateContributions(name, counters);
    return byDimension
        .processValues(() -> new ClosedWindowFilter(windows, late), Named.as(name + "-open-windows"))
        .groupByKey(Grouped.<String, CostTotals>as(name + "-grouped")
            .withKeySerde(Serdes.String()).withValueSerde(CostpipeSerdes.contributionSum()))
        .windowedBy(windows)
        .aggregate(CostTotals::new, (k, sum, totals) -> totals.merge(sum), Named.as(name),
            Materialized.<String, CostTotals, WindowStore<Bytes, byte[]>>as(name)
                .withKeySerde(Serdes.String()).withValueSerde(CostpipeSerdes.costTotals())
                .withLoggingEnabled(StateChangelogs.BY_APPEND_TIME))
        .toStream(Named.as(name + "-updates"))
        .map((w, totals) -> {
          AggregateUpdate update = new AggregateUpdate(window, w.window().startTime(), w.window().endTime(), totals);
          return KeyValue.pair(update.key(), update);
        }, Named.as(name + "-records"));
  }

  /** The step's and its store's name: aggregates-1h. */
  public static String name(Duration size) {
    return "aggregates-" + label(size);
  }

  /** 1h, 1d, 15m: how a window size is named in store names and records. */
  static String label(Duration d) {
    if (d.toDays() > 0 && d.equals(Duration.ofDays(d.toDays()))) {
      return d.toDays() + "d";
    }
    if (d.toHours() > 0 && d.equals(Duration.ofHours(d.toHours()))) {
      return d.toHours() + "h";
    }
    if (d.toMinutes() > 0 && d.equals(Duration.ofMinutes(d.toMinutes()))) {
      return d.toMinutes() + "m";
    }
    return d.toSeconds() + "s";
  }
}
