package dev.costpipe.engine.merge;

import dev.costpipe.engine.event.EventType;
import dev.costpipe.engine.event.RawEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Merges a sequence of raw events into complete requests in memory: the offline counterpart of the
 * streaming merge step, built on the same {@link PartialRequest}. A request is emitted once, when it
 * completes; later events of an emitted request are duplicates, except a usage event of a request its raw events
 * gave, which is superseded by them (as it is when it came while they were open).
 */
public final class RequestMerger {
  private final Map<String, PartialRequest> open = new LinkedHashMap<>();
  /** Emitted request ids, each with whether its raw events gave it (they supersede its usage event). */
  private final Map<String, Boolean> emitted = new HashMap<>();
  private long duplicates;
  private long usageEventsSuperseded;

  /** Adds an event; returns the request if this event completed it. */
  public Optional<MergedRequest> accept(RawEvent e) {
    Boolean byRawEvents = emitted.get(e.requestId());
    if (byRawEvents != null) {
      if (byRawEvents && e.type() == EventType.USAGE) {
        usageEventsSuperseded++;
      } else {
        duplicates++;
      }
      return Optional.empty();
    }
    PartialRequest partial = open.computeIfAbsent(e.requestId(), PartialRequest::new);
    if (partial.add(e) == PartialRequest.Added.DUPLICATE) {
      duplicates++;
    }
    if (!partial.isComplete()) {
      return Optional.empty();
    }
    open.remove(e.requestId());
    return Optional.of(emit(partial));
  }

  /** Every request still open, as incomplete merged requests, in order of first arrival; clears them. */
  public List<MergedRequest> flushIncomplete() {
    List<MergedRequest> out = new ArrayList<>();
    for (PartialRequest p : open.values()) {
      out.add(emit(p));
    }
    open.clear();
    return out;
  }

  private MergedRequest emit(PartialRequest p) {
    emitted.put(p.requestId(), p.rawComplete());
    if (p.rawComplete() && p.hasUsageEvent()) {
      usageEventsSuperseded++;
    }
    return p.toMerged();
  }

  public int openRequests() {
    return open.size();
  }

  public long duplicates() {
    return duplicates;
  }

  /** Usage events dropped because their request's raw events gave it. */
  public long usageEventsSuperseded() {
    return usageEventsSuperseded;
  }
}
