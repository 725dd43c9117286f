package dev.costpipe.engine.merge;

import dev.costpipe.engine.event.RawEvent;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Merges a sequence of raw events into complete requests in memory: the offline counterpart of the
 * streaming merge step, built on the same {@link PartialRequest}. A request is emitted once, when it
 * completes; later events of an emitted request are duplicates.
 */
public final class RequestMerger {
  private final Map<String, PartialRequest> open = new LinkedHashMap<>();
  private final Set<String> emitted = new HashSet<>();
  private long duplicates;

  /** Adds an event; returns the request if this event completed it. */
  public Optional<MergedRequest> accept(RawEvent e) {
    if (emitted.contains(e.requestId())) {
      duplicates++;
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
    emitted.add(e.requestId());
    return Optional.of(partial.toMerged());
  }

  /** Every request still open, as incomplete merged requests, in order of first arrival; clears them. */
  public List<MergedRequest> flushIncomplete() {
    List<MergedRequest> out = new ArrayList<>();
    for (PartialRequest p : open.values()) {
      out.add(p.toMerged());
      emitted.add(p.requestId());
    }
    open.clear();
    return out;
  }

  public int openRequests() {
    return open.size();
  }

  public long duplicates() {
    return duplicates;
  }
}
