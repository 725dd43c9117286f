package dev.costpipe.topology.steps;

import dev.costpipe.engine.merge.PartialRequest;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Open requests as last written to the state store, with their events parsed, kept in memory so that an event
 * costs neither a store read (a copy of every byte seen so far) nor a parse of the events before it. Only a cache:
 * the merge step clears it whenever its task is initialised or closed, the only times the store can change behind
 * it (a restore after a failure rolls the store back to its last commit). Bounded by the original bytes it holds,
 * least recently used out first.
 */
final class ParsedRequests {
  /** A request as stored, and its events parsed. */
  record Held(OpenRequest stored, PartialRequest partial) {}

  private record Entry(Held held, long bytes) {}

  private final long maxBytes;
  private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(256, 0.75f, true);
  private long bytes;

  ParsedRequests(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  /** The request as last put, or null when not held. */
  Held get(String requestId) {
    Entry e = entries.get(requestId);
    return e == null ? null : e.held;
  }

  void put(OpenRequest stored, PartialRequest partial) {
    remove(stored.requestId());
    long size = stored.bytes();
    if (size > maxBytes / 4) {
      return;
    }
    entries.put(stored.requestId(), new Entry(new Held(stored, partial), size));
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
