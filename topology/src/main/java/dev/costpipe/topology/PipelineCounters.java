package dev.costpipe.topology;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The application's own counters (dead letters by reason, duplicates, unknown models, …), shared by
 * every task of one instance. Named like {@code dlq.invalid_json}; exported by the metrics endpoint.
 */
public final class PipelineCounters {
  private final Map<String, LongAdder> counters = new ConcurrentHashMap<>();

  public void increment(String name) {
    counters.computeIfAbsent(name, n -> new LongAdder()).increment();
  }

  public long get(String name) {
    LongAdder a = counters.get(name);
    return a == null ? 0 : a.sum();
  }

  public Map<String, Long> snapshot() {
    Map<String, Long> out = new TreeMap<>();
    counters.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }
}
