package dev.costpipe.topology.steps;

import dev.costpipe.engine.CostEngine;
import dev.costpipe.engine.record.CostRecord;
import dev.costpipe.topology.StateChangelogs;
import dev.costpipe.topology.serde.CostpipeSerdes;
import java.time.Duration;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Pairs each cost record with the revision it replaces, so that the aggregates and alerts take back what that one
 * added, under the dimensions it had. Keeps the last revision of each request emitted incomplete (the only ones a
 * later revision can follow), at the request's time, which its revisions keep: for the dedup window plus the
 * inactivity timeout, by the time of the records, as the merge step keeps their events.
 */
public final class RevisionStep implements FixedKeyProcessor<String, CostRecord, RevisedCost> {
  public static final String STORE = "incomplete-costs";

  private FixedKeyProcessorContext<String, RevisedCost> context;
  private WindowStore<String, CostRecord> incomplete;

  public static StoreBuilder<WindowStore<String, CostRecord>> store(Duration retention) {
    return Stores.windowStoreBuilder(Stores.persistentWindowStore(STORE, retention, Duration.ofMillis(1), false),
        Serdes.String(), CostpipeSerdes.costRecord()).withLoggingEnabled(StateChangelogs.BY_APPEND_TIME);
  }

  @Override
  public void init(FixedKeyProcessorContext<String, RevisedCost> context) {
    this.context = context;
    this.incomplete = context.getStateStore(STORE);
  }

  @Override
  public void process(FixedKeyRecord<String, CostRecord> record) {
    CostRecord current = record.value();
    long at = record.timestamp();
    CostRecord previous = current.revision() == 0 ? null : incomplete.fetch(record.key(), at);
    if (current.errors().contains(CostEngine.INCOMPLETE)) {
      incomplete.put(record.key(), current, at);
    } else if (previous != null) {
      incomplete.put(record.key(), null, at);
    }
    context.forward(record.withValue(new RevisedCost(previous, current)));
  }
}
