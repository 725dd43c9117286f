package dev.costpipe.topology;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Contributions to windows older than a store keeps (ended before stream time minus the grace): they are
 * dropped before they reach the store, counted ({@code late_contributions_dropped.<store>}) and told in the
 * log at most once a minute per store. Their requests' cost records are emitted like any other. Kafka Streams
 * would drop most of them itself, with a warning per record; after a restart its window step forgets the
 * stream time, and one of them would then start the expired window again from zero.
 */
public final class LateContributions {
  public static final String COUNTER = "late_contributions_dropped";
  private static final Logger LOG = LoggerFactory.getLogger(LateContributions.class);
  private static final long LOG_EVERY_MS = 60_000;
  /** Per store, shared by every task of the JVM: when the next line may be logged, and what it will count. */
  private static final Map<String, AtomicLong> NEXT_LINE_MS = new ConcurrentHashMap<>();
  private static final Map<String, LongAdder> SINCE_LAST_LINE = new ConcurrentHashMap<>();

  private final String store;
  private final PipelineCounters counters;

  public LateContributions(String store, PipelineCounters counters) {
    this.store = store;
    this.counters = counters;
  }

  /** The counter of one store: {@code late_contributions_dropped.aggregates-1h}. */
  public static String counter(String store) {
    return COUNTER + "." + store;
  }

  /** One contribution (to {@code key}'s window starting at {@code windowStartMs}) was dropped. */
  public void dropped(String key, long windowStartMs, long streamTimeMs) {
    dropped(key, windowStartMs, streamTimeMs, 1);
  }

  /** {@code contributions} contributions (summed, to {@code key}'s window from {@code windowStartMs}) were dropped. */
  public void dropped(String key, long windowStartMs, long streamTimeMs, long contributions) {
    counters.add(counter(store), contributions);
    LongAdder since = SINCE_LAST_LINE.computeIfAbsent(store, s -> new LongAdder());
    since.add(contributions);
    AtomicLong next = NEXT_LINE_MS.computeIfAbsent(store, s -> new AtomicLong());
    long now = System.currentTimeMillis();
    long due = next.get();
    if (now >= due && next.compareAndSet(due, now + LOG_EVERY_MS)) {
      LOG.warn("{}: dropped {} contribution(s) to windows older than the store keeps (latest: {}, window from {}, "
          + "stream time {}); their cost records were emitted", store, since.sumThenReset(),
          key.replace('\u001f', '/'), Instant.ofEpochMilli(windowStartMs), Instant.ofEpochMilli(streamTimeMs));
    }
  }
}
