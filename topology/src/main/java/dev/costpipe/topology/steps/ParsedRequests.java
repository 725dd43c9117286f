package dev.costpipe.topology.steps;

import dev.costpipe.engine.merge.PartialRequest;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The open requests' parsed events, kept beside the state store so an event costs one parse, not one per event
 * seen before it. Only a cache: the store is the truth, and an entry counts only while it holds as many events as
 * the store's value (after a rollback the store has fewer, and the request is parsed again from the store).
 * Bounded by the original bytes it stands for, least recently used first out.
 */
final class ParsedRequests {
  private record Entry(PartialRequest partial, int events, long bytes) {}

  private final long maxBytes;
  private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(256, 0.75f, true);
  private long bytes;

  ParsedRequests(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  /** The request's parsed events if they are those of {@code stored}; otherwise parsed from it. */
  PartialRequest of(OpenRequest stored) {
    Entry e = entries.get(stored.requestId());
    if (e != null && e.events == stored.events().size()) {
      return e.partial;
    }
    return stored.toPartial();
  }

  void put(OpenRequest stored, PartialRequest partial) {
    remove(stored.requestId());
    long size = stored.bytes();
    if (size > maxBytes / 4) {
      return;
    }
    entries.put(stored.requestId(), new Entry(partial, stored.events().size(), size));
    bytes += size;
    for (Iterator<Map.Entry<String, Entry>> it = entries.entrySet().iterator(); bytes > maxBytes && it.hasNext(); ) {
      bytes -= it.next().getValue().bytes;
      it.remove();
    }
  }

  void remove(String requestId) {
    Entry e = entries.remove(requestId);
    if (e != null) {
      bytes -= e.bytes;
    }
  }

  void clear() {
    entries.clear();
    bytes = 0;
  }
}
