package dev.costpipe.ingest;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Everything the endpoint counts, per endpoint ({@code traces}, {@code litellm}, {@code events}): requests by
 * status, events produced, items rejected with a reason, spans ignored (not model calls), events flagged (an
 * unmapped provider). The metrics endpoint exposes them; tests read {@link #get}.
 */
public final class IngestCounters {
  /** One counter: {@code what} (requests, events, rejected, ignored, flagged), its endpoint, a status for requests. */
  public record Key(String what, String endpoint, String status) implements Comparable<Key> {
    @Override
    public int compareTo(Key o) {
      return toString().compareTo(o.toString());
    }
  }

  private final Map<Key, LongAdder> counters = new ConcurrentHashMap<>();

  void add(String what, String endpoint, String status, long n) {
    if (n != 0) {
      counters.computeIfAbsent(new Key(what, endpoint, status), k -> new LongAdder()).add(n);
    }
  }

  void request(String endpoint, int status) {
    add("requests", endpoint, Integer.toString(status), 1);
  }

  public long get(String what, String endpoint, String status) {
    LongAdder a = counters.get(new Key(what, endpoint, status));
    return a == null ? 0 : a.sum();
  }

  /** Every counter so far, sorted. */
  public Map<Key, Long> snapshot() {
    Map<Key, Long> out = new TreeMap<>();
    counters.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }
}
