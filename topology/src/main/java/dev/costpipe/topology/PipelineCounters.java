package dev.costpipe.topology;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The application's own counters (dead letters by reason, duplicates, unknown models, …), shared by
 * every task of one instance. Named like {@code dlq.invalid_json}; exported by the metrics endpoint.
 */
public final class PipelineCounters {
  private final Map<String, LongAdder> counters = new ConcurrentHashMap<>();
  private final LongAdder lagCount = new LongAdder();
  private final LongAdder lagTotalMillis = new LongAdder();
  private final AtomicLong lastLagMillis = new AtomicLong(-1);
  private final SpendCounters spend = new SpendCounters();

  public void increment(String name) {
    counters.computeIfAbsent(name, n -> new LongAdder()).increment();
  }

  public void add(String name, long n) {
    counters.computeIfAbsent(name, k -> new LongAdder()).add(n);
  }

  /** Spend, requests and tokens by provider, catalogue model and pricing status. */
  public SpendCounters spend() {
    return spend;
  }

  public long get(String name) {
    LongAdder a = counters.get(name);
    return a == null ? 0 : a.sum();
  }

  /**
   * A cost record left the pricing step {@code millis} after its request's timestamp: the end-to-end lag of
   * live traffic (replayed history shows its age; an incomplete request includes the inactivity timeout).
   */
  public void recordLag(long millis) {
    lagCount.increment();
    lagTotalMillis.add(millis);
    lastLagMillis.set(millis);
  }

  public long lagCount() {
    return lagCount.sum();
  }

  public long lagTotalMillis() {
    return lagTotalMillis.sum();
  }

  /** The lag of the latest cost record, -1 before the first. */
  public long lastLagMillis() {
    return lastLagMillis.get();
  }

  public Map<String, Long> snapshot() {
    Map<String, Long> out = new TreeMap<>();
    counters.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }
}
