package dev.costpipe.topology.steps;

import dev.costpipe.engine.event.EventType;
import dev.costpipe.engine.event.RawEvent;
import dev.costpipe.engine.merge.MergeProgress;
import dev.costpipe.engine.merge.MergedRequest;
import dev.costpipe.engine.merge.PartialRequest;
import dev.costpipe.topology.PipelineCounters;
import dev.costpipe.topology.serde.CostpipeSerdes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Step 2: merges each request's events in persistent stores and emits the merged request once, when
 * complete. Each event is stored once, under its own key, beside a constant-size progress record per
 * request: an event costs two small writes whatever the length of its stream (rewriting a request's
 * events on each new one made long streams quadratic). A request idle longer than the inactivity
 * timeout (by stream time or by wall clock), or holding more events than the bound, is emitted as
 * incomplete. State is removed on emission; a completed id is remembered for the dedup window, so a
 * producer's retry is counted ({@code merge.duplicate_request}) and not priced again.
 */
public final class ChunkMergeStep implements Processor<String, RawEvent, String, MergedRequest> {
  public static final String OPEN_STORE = "open-requests";
  public static final String EVENTS_STORE = "open-request-events";
  public static final String COMPLETED_STORE = "completed-request-ids";

  private static final StringSerializer KEYS = new StringSerializer();

  private final Duration inactivityTimeout;
  private final Duration dedupWindow;
  private final Duration punctuateInterval;
  private final int maxEvents;
  private final PipelineCounters counters;
  private ProcessorContext<String, MergedRequest> context;
  private KeyValueStore<String, OpenRequest> open;
  private KeyValueStore<String, RawEvent> events;
  private WindowStore<String, Long> completed;

  public ChunkMergeStep(Duration inactivityTimeout, Duration dedupWindow, Duration punctuateInterval,
      int maxEvents, PipelineCounters counters) {
    this.inactivityTimeout = inactivityTimeout;
    this.dedupWindow = dedupWindow;
    this.punctuateInterval = punctuateInterval;
    this.maxEvents = maxEvents;
    this.counters = counters;
  }

  /** The stores this step needs: open requests' progress, their events, completed ids for the dedup window. */
  public static List<StoreBuilder<?>> stores(Duration dedupWindow) {
    return List.of(
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(OPEN_STORE), Serdes.String(),
            CostpipeSerdes.openRequest()),
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(EVENTS_STORE), Serdes.String(),
            CostpipeSerdes.rawEvent()),
        Stores.windowStoreBuilder(Stores.persistentWindowStore(COMPLETED_STORE, dedupWindow, dedupWindow, false),
            Serdes.String(), Serdes.Long()));
  }

  /** The names of {@link #stores}, for connecting them to the step. */
  public static String[] storeNames() {
    return new String[] {OPEN_STORE, EVENTS_STORE, COMPLETED_STORE};
  }

  @Override
  public void init(ProcessorContext<String, MergedRequest> context) {
    this.context = context;
    this.open = context.getStateStore(OPEN_STORE);
    this.events = context.getStateStore(EVENTS_STORE);
    this.completed = context.getStateStore(COMPLETED_STORE);
    context.schedule(punctuateInterval, PunctuationType.STREAM_TIME, now -> flushIdle(true, now));
    context.schedule(punctuateInterval, PunctuationType.WALL_CLOCK_TIME, now -> flushIdle(false, now));
  }

  @Override
  public void process(Record<String, RawEvent> record) {
    String id = record.key();
    RawEvent event = record.value();
    long streamTime = Math.max(context.currentStreamTimeMs(), record.timestamp());
    if (wasCompleted(id, streamTime)) {
      counters.increment("merge.duplicate_request");
      return;
    }
    OpenRequest state = open.get(id);
    MergeProgress progress = state == null ? MergeProgress.NONE : state.progress();
    String eventKey = eventKey(id, event);
    if (progress.repeats(event) || (event.type() == EventType.CHUNK && events.get(eventKey) != null)) {
      counters.increment("merge.duplicate_event");
    } else {
      events.put(eventKey, event);
      progress = progress.with(event);
    }
    if (progress.isComplete()) {
      emit(id, record.timestamp(), streamTime);
    } else if (progress.chunks() + 2 > maxEvents) {
      // bounds one request's state whatever a producer sends: priced as incomplete from what was seen
      counters.increment("merge.too_many_events");
      emit(id, record.timestamp(), streamTime);
    } else {
      open.put(id, new OpenRequest(progress, streamTime, context.currentSystemTimeMs()));
    }
  }

  private boolean wasCompleted(String id, long streamTime) {
    try (var it = completed.fetch(id, Instant.ofEpochMilli(Math.max(0, streamTime - dedupWindow.toMillis())),
        Instant.ofEpochMilli(streamTime + dedupWindow.toMillis()))) {
      return it.hasNext();
    }
  }

  /** Reads the request's events back (once), removes its state and forwards the merged request. */
  private void emit(String id, long recordTimestamp, long streamTime) {
    PartialRequest partial = new PartialRequest(id);
    List<String> keys = new ArrayList<>();
    try (var it = events.prefixScan(eventPrefix(id), KEYS)) {
      it.forEachRemaining(kv -> {
        keys.add(kv.key);
        partial.add(kv.value);
      });
    }
    keys.forEach(events::delete);
    open.delete(id);
    completed.put(id, streamTime, streamTime);
    MergedRequest merged = partial.toMerged();
    Instant t = merged.timestamp();
    context.forward(new Record<>(id, merged, t != null ? t.toEpochMilli() : recordTimestamp));
  }

  private void flushIdle(boolean byStreamTime, long now) {
    List<Map.Entry<String, OpenRequest>> idle = new ArrayList<>();
    try (var it = open.all()) {
      it.forEachRemaining(kv -> {
        long last = byStreamTime ? kv.value.lastSeenStreamMs() : kv.value.lastSeenWallMs();
        if (now - last >= inactivityTimeout.toMillis()) {
          idle.add(Map.entry(kv.key, kv.value));
        }
      });
    }
    for (var r : idle) {
      counters.increment("merge.incomplete_flushed");
      long lastSeen = r.getValue().lastSeenStreamMs();
      emit(r.getKey(), lastSeen, Math.max(context.currentStreamTimeMs(), lastSeen));
    }
  }

  // the id's length first: no id's prefix can then be another id's (ids are any string)
  private static String eventPrefix(String id) {
    return id.length() + ":" + id + "/";
  }

  private static String eventKey(String id, RawEvent e) {
    return eventPrefix(id) + switch (e.type()) {
      case REQUEST -> "request";
      case RESPONSE -> "response";
      case CHUNK -> "chunk/" + e.seq();
    };
  }
}
