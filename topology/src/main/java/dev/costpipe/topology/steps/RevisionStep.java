package dev.costpipe.topology.steps;

import dev.costpipe.engine.record.CostRecord;
import dev.costpipe.topology.PipelineCounters;
import dev.costpipe.topology.StateChangelogs;
import dev.costpipe.topology.serde.CostpipeSerdes;
import java.time.Duration;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pairs each cost record with the revision it replaces, so that the aggregates and alerts take back what that one
 * added, under the dimensions it had. Keeps the last revision of each request that a later one may replace
 * (emitted incomplete, or priced from its usage event: {@link MergedRevision#revisable()}) for the retention given,
 * by wall clock when it was kept: not by the request's own time, which may be months old beside current traffic
 * in the same task, and which a window store would then count as expired. A revision whose previous one is no
 * longer kept is counted ({@code revisions.previous_missing}) and added without taking anything back.
 */
public final class RevisionStep implements FixedKeyProcessor<String, PricedRevision, RevisedCost> {
  /** Named when only incomplete revisions could be replaced; the name stays, so an upgrade keeps the state. */
  public static final String STORE = "incomplete-costs";
  private static final Logger LOG = LoggerFactory.getLogger(RevisionStep.class);

  private final Duration retention;
  private final PipelineCounters counters;
  private FixedKeyProcessorContext<String, RevisedCost> context;
  private WindowStore<String, CostRecord> replaceable;

  public RevisionStep(Duration retention, PipelineCounters counters) {
    this.retention = retention;
    this.counters = counters;
  }

  public static StoreBuilder<WindowStore<String, CostRecord>> store(Duration retention) {
    return Stores.windowStoreBuilder(Stores.persistentWindowStore(STORE, retention, Duration.ofMillis(1), false),
        Serdes.String(), CostpipeSerdes.costRecord()).withLoggingEnabled(StateChangelogs.BY_APPEND_TIME);
  }

  @Override
  public void init(FixedKeyProcessorContext<String, RevisedCost> context) {
    this.context = context;
    this.replaceable = context.getStateStore(STORE);
  }

  @Override
  public void process(FixedKeyRecord<String, PricedRevision> record) {
    CostRecord current = record.value().cost();
    long now = context.currentSystemTimeMs();
    KeyValue<Windowed<String>, CostRecord> kept = current.revision() == 0 ? null : lastKept(record.key(), now);
    if (current.revision() > 0 && kept == null) {
      counters.increment("revisions.previous_missing");
      LOG.warn("revision {} of {}: the revision it replaces is no longer kept, its contributions stay",
          current.revision(), record.key());
    }
    if (kept != null) {
      replaceable.put(record.key(), null, kept.key.window().start());
    }
    if (record.value().revisable()) {
      replaceable.put(record.key(), current, now);
    }
    CostRecord previous = kept == null ? null : kept.value;
    counters.spend().count(previous, current);
    context.forward(record.withValue(new RevisedCost(previous, current)));
  }

  /** The last revision kept for {@code requestId}, with when it was kept. */
  private KeyValue<Windowed<String>, CostRecord> lastKept(String requestId, long now) {
    KeyValue<Windowed<String>, CostRecord> last = null;
    try (var it = replaceable.fetch(requestId, requestId, Math.max(0, now - retention.toMillis()), now)) {
      while (it.hasNext()) {
        last = it.next();
      }
    }
    return last;
  }
}
