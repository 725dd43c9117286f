package dev.costpipe.topology.steps;

import dev.costpipe.engine.merge.MergedRequest;
import dev.costpipe.engine.merge.PartialRequest;
import dev.costpipe.topology.PipelineCounters;
import dev.costpipe.topology.StateChangelogs;
import dev.costpipe.topology.serde.CostpipeSerdes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Step 2: merges each request's events in a persistent store and emits the merged request once, when
 * complete. A request idle longer than the inactivity timeout (by stream time or by wall clock), or holding
 * more events than the bound, is emitted as incomplete. State is removed on emission; a completed id is
 * remembered for the dedup window, so a producer's retry is counted ({@code merge.duplicate_request}) and
 * not priced again.
 *
 * <p>The store keeps events as their original bytes and, behind Kafka Streams' record cache, reaches its
 * changelog once per commit, not once per event. What was last stored is also held in memory with the
 * events parsed ({@link ParsedRequests}): an event is parsed once, and an open request's store is written,
 * not read.
 */
public final class ChunkMergeStep implements Processor<String, ParsedEvent, String, MergedRequest> {
  public static final String OPEN_STORE = "open-requests";
  public static final String COMPLETED_STORE = "completed-request-ids";
  /** Original bytes of open requests whose parsed events are kept in memory. */
  private static final long PARSED_CACHE_BYTES = 16L << 20;

  private final Duration inactivityTimeout;
  private final Duration dedupWindow;
  private final Duration punctuateInterval;
  private final int maxEvents;
  private final PipelineCounters counters;
  private final ParsedRequests parsed = new ParsedRequests(PARSED_CACHE_BYTES);
  private ProcessorContext<String, MergedRequest> context;
  private KeyValueStore<String, OpenRequest> open;
  private WindowStore<String, Long> completed;

  public ChunkMergeStep(Duration inactivityTimeout, Duration dedupWindow, Duration punctuateInterval,
      int maxEvents, PipelineCounters counters) {
    this.inactivityTimeout = inactivityTimeout;
    this.dedupWindow = dedupWindow;
    this.punctuateInterval = punctuateInterval;
    this.maxEvents = maxEvents;
    this.counters = counters;
  }

  /** The stores this step needs: open requests, and completed ids kept for the dedup window. */
  public static List<StoreBuilder<?>> stores(Duration dedupWindow) {
    return List.of(
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(OPEN_STORE), Serdes.String(),
            CostpipeSerdes.openRequest()).withCachingEnabled().withLoggingEnabled(StateChangelogs.BY_APPEND_TIME),
        Stores.windowStoreBuilder(Stores.persistentWindowStore(COMPLETED_STORE, dedupWindow, dedupWindow, false),
            Serdes.String(), Serdes.Long()).withCachingEnabled().withLoggingEnabled(StateChangelogs.BY_APPEND_TIME));
  }

  @Override
  public void init(ProcessorContext<String, MergedRequest> context) {
    this.context = context;
    // a task (re)initialised, e.g. after a failure, restarts from its stores as of the last commit
    parsed.clear();
    this.open = context.getStateStore(OPEN_STORE);
    this.completed = context.getStateStore(COMPLETED_STORE);
    context.schedule(punctuateInterval, PunctuationType.STREAM_TIME, now -> flushIdle(true, now));
    context.schedule(punctuateInterval, PunctuationType.WALL_CLOCK_TIME, now -> flushIdle(false, now));
  }

  @Override
  public void process(Record<String, ParsedEvent> record) {
    String id = record.key();
    long streamTime = Math.max(context.currentStreamTimeMs(), record.timestamp());
    ParsedRequests.Held held = parsed.get(id);
    OpenRequest state;
    PartialRequest partial;
    if (held != null) {
      state = held.stored();
      partial = held.partial();
    } else {
      state = open.get(id);
      // an open request cannot have completed (its id would have no state): only a request's first event
      // pays for the lookup in the dedup window
      if (state == null && wasCompleted(id, streamTime)) {
        counters.increment("merge.duplicate_request");
        return;
      }
      if (state == null) {
        state = OpenRequest.empty(id);
      }
      partial = state.toPartial();
    }
    boolean added = partial.add(record.value().event()) == PartialRequest.Added.NEW;
    if (!added) {
      counters.increment("merge.duplicate_event");
    }
    if (partial.isComplete()) {
      emit(partial.toMerged(), record.timestamp(), streamTime);
    } else if (partial.chunkCount() + 2 > maxEvents) {
      // bounds one request's state whatever a producer sends: priced as incomplete from what was seen
      counters.increment("merge.too_many_events");
      emit(partial.toMerged(), record.timestamp(), streamTime);
    } else {
      OpenRequest next = state.seen(added ? record.value().original() : null, streamTime,
          context.currentSystemTimeMs());
      open.put(id, next);
      parsed.put(next, partial);
    }
  }

  @Override
  public void close() {
    parsed.clear();
  }

  private boolean wasCompleted(String id, long streamTime) {
    try (var it = completed.fetch(id, Instant.ofEpochMilli(Math.max(0, streamTime - dedupWindow.toMillis())),
        Instant.ofEpochMilli(streamTime + dedupWindow.toMillis()))) {
      return it.hasNext();
    }
  }

  private void emit(MergedRequest merged, long recordTimestamp, long streamTime) {
    open.delete(merged.requestId());
    parsed.remove(merged.requestId());
    completed.put(merged.requestId(), streamTime, streamTime);
    Instant t = merged.timestamp();
    context.forward(new Record<>(merged.requestId(), merged, t != null ? t.toEpochMilli() : recordTimestamp));
  }

  private void flushIdle(boolean byStreamTime, long now) {
    List<OpenRequest> idle = new ArrayList<>();
    try (var it = open.all()) {
      it.forEachRemaining(kv -> {
        long last = byStreamTime ? kv.value.lastSeenStreamMs() : kv.value.lastSeenWallMs();
        if (now - last >= inactivityTimeout.toMillis()) {
          idle.add(kv.value);
        }
      });
    }
    for (OpenRequest r : idle) {
      counters.increment("merge.incomplete_flushed");
      ParsedRequests.Held held = parsed.get(r.requestId());
      emit((held != null ? held.partial() : r.toPartial()).toMerged(), r.lastSeenStreamMs(),
          Math.max(context.currentStreamTimeMs(), r.lastSeenStreamMs()));
    }
  }
}
