package dev.costpipe.topology.steps;

import dev.costpipe.engine.event.EventType;
import dev.costpipe.engine.event.RawEvent;
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
 * more events than the bound, is emitted as incomplete. A complete request's state is removed on emission and
 * its id remembered for the dedup window, so a producer's retry is counted ({@code merge.duplicate_request}) and
 * not priced again.
 *
 * <p>A request emitted incomplete by inactivity keeps its state for the dedup window: a late event with a new
 * {@code seq} merges with its events into the next revision ({@code merge.late_event_revised}), emitted at the
 * first revision's time; an event already seen is still a duplicate. The wall-clock flush, there for partitions
 * whose stream time stands still, waits until the task itself had no record for the timeout (while records come,
 * stream time flushes) and counts idleness from the task's start at the earliest: after a stop or a lag longer
 * than the timeout, the events still to be read are not all late. Both clocks are the records' and the
 * machine's, never the request's own time, which may be months old.
 *
 * <p>A usage event is a whole request: alone, it is emitted at once as a revision that only the request's raw
 * events may replace. The raw events win whenever they complete within the dedup window: before the usage event
 * (it is then dropped), while it waits with them, open, or after its record came out, as the next revision
 * (replacing it), all counted {@code merge.usage_event_superseded}. Raw events that never complete give way to
 * it ({@code merge.usage_event_over_incomplete}): when the request idles it is emitted from its usage event, and
 * when it was emitted incomplete its usage event makes the next revision. The completed-ids store says which way
 * a request completed, and for one priced from its usage event alone, that revision's time: raw events of it
 * coming later merge, as any request's, into the revision after it. With {@code usageEventsRevisableByRaw} off, that
 * revision is final instead and raw events coming later are dropped ({@code merge.raw_after_usage_event_final}).
 *
 * <p>The store keeps events as their original bytes and, behind Kafka Streams' record cache, reaches its
 * changelog once per commit, not once per event, and a request opened and completed between two commits not at
 * all ({@link UnloggedKeyTombstones}); it is serialized once per commit too ({@link WriteBehindStore}). What was
 * last stored is also held in memory with the events parsed ({@link ParsedRequests}): an event is parsed once,
 * and an open request's store is written, not read.
 */
public final class ChunkMergeStep implements Processor<String, ParsedEvent, String, MergedRevision> {
  public static final String OPEN_STORE = "open-requests";
  public static final String COMPLETED_STORE = "completed-request-ids";
  /** Usage events dropped, or their revision replaced, because the request's raw events gave it. */
  public static final String USAGE_EVENT_SUPERSEDED = "merge.usage_event_superseded";
  /** Requests priced from their usage event although raw events of them came, incomplete. */
  public static final String USAGE_EVENT_OVER_INCOMPLETE = "merge.usage_event_over_incomplete";
  /** Raw events dropped because their request's usage event pricing was final at once (not revisable by raw). */
  public static final String RAW_AFTER_USAGE_EVENT_FINAL = "merge.raw_after_usage_event_final";
  /**
   * The completed-ids store's value for a request priced from its usage event for good: raw events of it are
   * duplicates. A request its raw events gave has the stream time (≥ 0); one priced from its usage event alone,
   * which raw events may still replace, {@link #byUsageEventAlone}.
   */
  private static final long COMPLETED_BY_USAGE_EVENT = -1;
  /** Original bytes of open requests whose parsed events are kept in memory. */
  private static final long PARSED_CACHE_BYTES = 16L << 20;

  private final Duration inactivityTimeout;
  private final Duration dedupWindow;
  private final Duration punctuateInterval;
  private final int maxEvents;
  /** Whether a request priced from its usage event alone stays revisable by its raw events (else final at once). */
  private final boolean usageEventsRevisableByRaw;
  private final PipelineCounters counters;
  private final ParsedRequests parsed = new ParsedRequests(PARSED_CACHE_BYTES);
  private ProcessorContext<String, MergedRevision> context;
  private KeyValueStore<String, OpenRequest> open;
  private WindowStore<String, Long> completed;
  /** Wall-clock time the task was initialised: no request is idle by wall clock for longer than since then. */
  private long initWallMs;
  /** Wall-clock time this task last processed a record. */
  private long lastRecordWallMs;

  public ChunkMergeStep(Duration inactivityTimeout, Duration dedupWindow, Duration punctuateInterval,
      int maxEvents, boolean usageEventsRevisableByRaw, PipelineCounters counters) {
    this.inactivityTimeout = inactivityTimeout;
    this.dedupWindow = dedupWindow;
    this.punctuateInterval = punctuateInterval;
    this.maxEvents = maxEvents;
    this.usageEventsRevisableByRaw = usageEventsRevisableByRaw;
    this.counters = counters;
  }

  /** The stores this step needs: open requests, and completed ids kept for the dedup window. */
  public static List<StoreBuilder<?>> stores(Duration dedupWindow) {
    return List.of(
        WriteBehindStore.of(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(OPEN_STORE), Serdes.String(),
            CostpipeSerdes.openRequest()).withCachingEnabled().withLoggingEnabled(StateChangelogs.BY_APPEND_TIME)),
        Stores.windowStoreBuilder(Stores.persistentWindowStore(COMPLETED_STORE, dedupWindow, dedupWindow, false),
            Serdes.String(), Serdes.Long()).withCachingEnabled().withLoggingEnabled(StateChangelogs.BY_APPEND_TIME));
  }

  @Override
  public void init(ProcessorContext<String, MergedRevision> context) {
    this.context = context;
    this.initWallMs = context.currentSystemTimeMs();
    this.lastRecordWallMs = initWallMs;
    // a task (re)initialised, e.g. after a failure, restarts from its stores as of the last commit
    parsed.clear();
    this.open = context.getStateStore(OPEN_STORE);
    UnloggedKeyTombstones.skip(open, context.appConfigs());
    this.completed = context.getStateStore(COMPLETED_STORE);
    context.schedule(punctuateInterval, PunctuationType.STREAM_TIME, now -> flushIdle(true, now));
    context.schedule(punctuateInterval, PunctuationType.WALL_CLOCK_TIME, now -> flushIdle(false, now));
  }

  @Override
  public void process(Record<String, ParsedEvent> record) {
    String id = record.key();
    RawEvent event = record.value().event();
    boolean usageEvent = event.type() == EventType.USAGE;
    lastRecordWallMs = context.currentSystemTimeMs();
    long streamTime = Math.max(context.currentStreamTimeMs(), record.timestamp());
    ParsedRequests.Held held = parsed.get(id);
    OpenRequest state;
    PartialRequest partial;
    if (held != null) {
      state = held.stored();
      partial = held.partial();
    } else {
      state = open.get(id);
      // a request with state has not completed since (its state goes when it does): only a request's first
      // event pays for the lookup in the dedup window
      Long completedAs = state == null ? completedAs(id, streamTime) : null;
      if (completedAs != null && (usageEvent || completedAs >= COMPLETED_BY_USAGE_EVENT)) {
        counters.increment(usageEvent && completedAs >= 0 ? USAGE_EVENT_SUPERSEDED
            : !usageEvent && !usageEventsRevisableByRaw && completedAs == COMPLETED_BY_USAGE_EVENT
                ? RAW_AFTER_USAGE_EVENT_FINAL : "merge.duplicate_request");
        return;
      }
      if (completedAs != null) {
        // raw events of a request priced from its usage event alone: complete, they make its next revision
        state = OpenRequest.afterUsageEvent(id, usageEventRevisionMs(completedAs));
      } else if (state == null) {
        state = OpenRequest.empty(id);
      }
      partial = state.toPartial();
    }
    if (usageEvent && state.pricedFromUsageEvent()) {
      counters.increment("merge.duplicate_request"); // its request came out from a usage event already
      return;
    }
    boolean added = partial.add(event) == PartialRequest.Added.NEW;
    // an emitted request's next event makes its next revision, unless only its raw events completing may
    boolean revising = state.emitted() && !state.pricedFromUsageEvent();
    if (!added) {
      counters.increment("merge.duplicate_event");
      if (state.emitted()) {
        return; // nothing new for a request already out
      }
    } else if (revising) {
      counters.increment("merge.late_event_revised");
    }
    OpenRequest next = state.seen(added ? record.value().original() : null, streamTime,
        context.currentSystemTimeMs());
    if (partial.isComplete()) {
      if (partial.rawComplete() && (partial.hasUsageEvent() || state.pricedFromUsageEvent())) {
        counters.increment(USAGE_EVENT_SUPERSEDED);
      }
      emitFinal(next, partial, record.timestamp(), streamTime);
    } else if (partial.chunkCount() + 2 > maxEvents) {
      // bounds one request's state whatever a producer sends: priced as incomplete from what was seen, unless
      // its usage event's revision is out, which then stays
      counters.increment("merge.too_many_events");
      if (state.pricedFromUsageEvent()) {
        giveWayToUsageEvent(next, partial, streamTime);
      } else {
        emitFinal(next, partial, record.timestamp(), streamTime);
      }
    } else if (revising) {
      emitRevisable(next, partial, record.timestamp());
    } else {
      open.put(id, next);
      parsed.put(next, partial);
    }
  }

  @Override
  public void close() {
    parsed.clear();
  }

  /** How the request last completed within the dedup window (see {@link #COMPLETED_BY_USAGE_EVENT}), null if not. */
  private Long completedAs(String id, long streamTime) {
    Long last = null;
    // by millis: the Instant form formats its error message's prefix on every call
    try (var it = completed.fetch(id, Math.max(0, streamTime - dedupWindow.toMillis()),
        streamTime + dedupWindow.toMillis())) {
      // a request priced from its usage event, then from its raw events, has both: the later one says
      while (it.hasNext()) {
        last = it.next().value;
      }
    }
    return last;
  }

  /** The completed-ids store's value for a request priced from its usage event alone, as revision 0 at this time. */
  private static long byUsageEventAlone(long revisionMs) {
    return COMPLETED_BY_USAGE_EVENT - 1 - revisionMs; // Kafka refuses records timed before the epoch: ≥ 0
  }

  private static long usageEventRevisionMs(long completedAs) {
    return COMPLETED_BY_USAGE_EVENT - 1 - completedAs;
  }

  /**
   * Emits a request's last revision, or one priced from its usage event alone, which only its raw events may
   * replace: its state goes, its id is kept for the dedup window with which of the two it was.
   */
  private void emitFinal(OpenRequest state, PartialRequest partial, long recordTimestamp, long streamTime) {
    MergedRequest merged = partial.toMerged();
    // unless so configured, a usage event alone is final at once: nothing is kept for raw events to replace it
    boolean usageEventAlone = usageEventsRevisableByRaw && merged.usageEvent() != null && !partial.hasRawEvents();
    open.delete(merged.requestId());
    parsed.remove(merged.requestId());
    long timestamp = forward(state, merged, recordTimestamp, usageEventAlone);
    completed.put(merged.requestId(), usageEventAlone ? byUsageEventAlone(timestamp)
        : merged.usageEvent() != null ? COMPLETED_BY_USAGE_EVENT : streamTime, streamTime);
  }

  /**
   * Emits a revision a later one may replace: incomplete, or the usage event's over raw events still incomplete
   * (they may complete yet, and then win). The state stays, with the events seen.
   */
  private void emitRevisable(OpenRequest state, PartialRequest partial, long recordTimestamp) {
    MergedRequest merged = partial.toMerged();
    boolean fromUsageEvent = merged.usageEvent() != null;
    if (fromUsageEvent) {
      counters.increment(USAGE_EVENT_OVER_INCOMPLETE);
    }
    parsed.remove(merged.requestId());
    open.put(merged.requestId(),
        state.emittedRevisable(forward(state, merged, recordTimestamp, true), fromUsageEvent));
  }

  /** Raw events that came after the usage event's revision and will not complete: it stays, final; they go. */
  private void giveWayToUsageEvent(OpenRequest state, PartialRequest partial, long streamTime) {
    countUsageEventOverIncomplete(partial);
    open.delete(state.requestId());
    parsed.remove(state.requestId());
    completed.put(state.requestId(), COMPLETED_BY_USAGE_EVENT, streamTime);
  }

  /**
   * Counts a request whose usage event's revision stays over the raw events that came after it: unless the usage
   * event was with them when it was priced, which counted it then.
   */
  private void countUsageEventOverIncomplete(PartialRequest partial) {
    if (!partial.hasUsageEvent()) {
      counters.increment(USAGE_EVENT_OVER_INCOMPLETE);
    }
  }

  /** Forwards the next revision of {@code state}'s request, at the first revision's time; returns that time. */
  private long forward(OpenRequest state, MergedRequest merged, long recordTimestamp, boolean revisable) {
    Instant t = merged.timestamp();
    long timestamp = state.emitted() ? state.firstEmittedMs() : t != null ? t.toEpochMilli() : recordTimestamp;
    context.forward(new Record<>(merged.requestId(), new MergedRevision(merged, state.emissions(), revisable),
        timestamp));
    return timestamp;
  }

  private void flushIdle(boolean byStreamTime, long now) {
    // by wall clock only once the task's input stood still for the timeout (no record since, nor since the task
    // started): records still coming, a backlog being read after a stop, are the ones idle requests wait for, and
    // while they come stream time flushes
    if (!byStreamTime && now - Math.max(lastRecordWallMs, initWallMs) < inactivityTimeout.toMillis()) {
      return;
    }
    List<OpenRequest> idle = new ArrayList<>();
    List<OpenRequest> expired = new ArrayList<>();
    try (var it = open.all()) {
      it.forEachRemaining(kv -> {
        OpenRequest r = kv.value;
        if (r.emitted()) {
          // by stream time since its last event, the records' own clock: the request's time may be months old
          if (byStreamTime && now - r.lastSeenStreamMs() >= dedupWindow.toMillis()) {
            expired.add(r);
          }
          return;
        }
        long last = byStreamTime ? r.lastSeenStreamMs() : Math.max(r.lastSeenWallMs(), initWallMs);
        if (now - last >= inactivityTimeout.toMillis()) {
          idle.add(r);
        }
      });
    }
    for (OpenRequest r : expired) {
      if (r.pricedFromUsageEvent()) {
        countUsageEventOverIncomplete(r.toPartial());
      }
      open.delete(r.requestId());
      parsed.remove(r.requestId());
    }
    for (OpenRequest r : idle) {
      ParsedRequests.Held held = parsed.get(r.requestId());
      PartialRequest partial = held != null ? held.partial() : r.toPartial();
      if (!partial.hasUsageEvent()) {
        counters.increment("merge.incomplete_flushed");
      }
      emitRevisable(r, partial, r.lastSeenStreamMs());
    }
  }
}
