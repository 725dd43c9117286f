package dev.costpipe.clickhouse.sink;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The sink's counters, safe to read from any thread while it runs. {@link #snapshot()} names them like
 * {@code rows.request_costs}, {@code batches}, {@code retries}, {@code dead_letters},
 * {@code dead_letters.invalid_json}, {@code commits}, {@code last_batch.latency_ms}, {@code last_batch.rows}.
 */
public final class ClickHouseSinkMetrics {
  private final Map<String, LongAdder> rows = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> deadLettersByReason = new ConcurrentHashMap<>();
  private final LongAdder batches = new LongAdder();
  private final LongAdder retries = new LongAdder();
  private final LongAdder deadLetters = new LongAdder();
  private final LongAdder commits = new LongAdder();
  private final AtomicLong lastBatchLatencyMillis = new AtomicLong(-1);
  private final LongAdder batchLatencyNanos = new LongAdder();
  private final AtomicLong lastBatchRows = new AtomicLong(0);

  void batchWritten(SinkTable table, int rowCount, long latencyNanos) {
    rows.computeIfAbsent(table.tableName(), t -> new LongAdder()).add(rowCount);
    batches.increment();
    batchLatencyNanos.add(latencyNanos);
    lastBatchLatencyMillis.set(latencyNanos / 1_000_000);
    lastBatchRows.set(rowCount);
  }

  void retried() {
    retries.increment();
  }

  void deadLettered(String reason) {
    deadLetters.increment();
    deadLettersByReason.computeIfAbsent(reason, r -> new LongAdder()).increment();
  }

  void committed() {
    commits.increment();
  }

  /** Rows ClickHouse acknowledged for a table (re-deliveries included). */
  public long rowsWritten(SinkTable table) {
    LongAdder a = rows.get(table.tableName());
    return a == null ? 0 : a.sum();
  }

  /** Insert requests ClickHouse acknowledged. */
  public long batches() {
    return batches.sum();
  }

  /** Waits after ClickHouse (or the dead-letter topic) was unavailable. */
  public long retries() {
    return retries.sum();
  }

  /** Records sent to the dead-letter topic. */
  public long deadLetters() {
    return deadLetters.sum();
  }

  public long deadLetters(String reason) {
    LongAdder a = deadLettersByReason.get(reason);
    return a == null ? 0 : a.sum();
  }

  /** Offset commits that succeeded. */
  public long commits() {
    return commits.sum();
  }

  /** Duration of the last acknowledged insert request, -1 before the first. */
  public long lastBatchLatencyMillis() {
    return lastBatchLatencyMillis.get();
  }

  /** Sum of the durations of all acknowledged insert requests. */
  public long batchLatencyTotalNanos() {
    return batchLatencyNanos.sum();
  }

  public Map<String, Long> snapshot() {
    Map<String, Long> out = new TreeMap<>();
    rows.forEach((t, a) -> out.put("rows." + t, a.sum()));
    out.put("batches", batches.sum());
    out.put("retries", retries.sum());
    out.put("dead_letters", deadLetters.sum());
    deadLettersByReason.forEach((r, a) -> out.put("dead_letters." + r, a.sum()));
    out.put("commits", commits.sum());
    out.put("last_batch.latency_ms", lastBatchLatencyMillis.get());
    out.put("last_batch.rows", lastBatchRows.get());
    return out;
  }

  @Override
  public String toString() {
    return snapshot().toString();
  }
}
