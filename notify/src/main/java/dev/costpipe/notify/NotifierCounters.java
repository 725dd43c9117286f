package dev.costpipe.notify;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The notifier's counters, thread-safe:
 * <ul>
 *   <li>{@code alerts.seen}: alert records read; {@code alerts.invalid}: records that are not alert events;
 *       {@code alerts.registry_retries}: waits because the schema registry could not read an alert</li>
 *   <li>{@code delivered.<channel>}: deliveries made</li>
 *   <li>{@code retries.<channel>}: attempts repeated after a failure</li>
 *   <li>{@code failed.<channel>}: deliveries given up (reported on the failed topic)</li>
 *   <li>{@code skipped.<channel>}: deliveries already made before (found in the delivered topic)</li>
 * </ul>
 */
public final class NotifierCounters {
  public static final String ALERTS_SEEN = "alerts.seen";
  public static final String ALERTS_INVALID = "alerts.invalid";
  public static final String REGISTRY_RETRIES = "alerts.registry_retries";

  private final Map<String, LongAdder> counters = new ConcurrentHashMap<>();

  public void increment(String name) {
    counters.computeIfAbsent(name, n -> new LongAdder()).increment();
  }

  public long get(String name) {
    LongAdder a = counters.get(name);
    return a == null ? 0 : a.sum();
  }

  public long delivered(String channel) {
    return get("delivered." + channel);
  }

  public long retries(String channel) {
    return get("retries." + channel);
  }

  public long failed(String channel) {
    return get("failed." + channel);
  }

  public long skipped(String channel) {
    return get("skipped." + channel);
  }

  /** Every counter, sorted by name. */
  public Map<String, Long> snapshot() {
    Map<String, Long> out = new TreeMap<>();
    counters.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  @Override
  public String toString() {
    return snapshot().toString();
  }
}
