package dev.costpipe.clickhouse.sink;

import dev.costpipe.clickhouse.sink.RowInserter.InsertFailure;
import dev.costpipe.contracts.Backoff;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the sink's rows: each table's rows in batches of {@code batch-rows}, one insert request each, through
 * a {@link RowInserter}. Outages are retried with the sink's {@link Backoff} until the rows are in. When
 * ClickHouse refuses a batch, {@link #diagnose} tells bad rows (isolated by bisection, returned as dead letters
 * with reason {@link ClickHouseSink#REJECTED}, the rest written) from a table or server at fault (retried like
 * an outage). Waits go through the {@link Backoff.Sleeper} of each call; a wait cut short throws
 * {@link StopRequested}. Several flushes may be written at once, each by one thread. Every batch carries its
 * {@link DeduplicationToken} (the re-sent known-good row of a diagnosis does not: it must reach the table).
 */
final class BatchWriter {
  /** A table at fault is diagnosed again every this many retries; between, the batch is only sent again. */
  static final int DIAGNOSE_EVERY = 10;
  private static final Logger LOG = LoggerFactory.getLogger(BatchWriter.class);

  private final RowInserter inserter;
  private final ClickHouseSinkConfig config;
  private final Backoff backoff;
  private final ClickHouseSinkMetrics metrics;
  private final AtomicBoolean clickHouseDown;
  /** Per table, the last row ClickHouse accepted: sent again to tell a bad row from a broken table. */
  private final Map<SinkTable, SinkRow> lastAccepted = new ConcurrentHashMap<>();

  /** A refusal by the server and what it said; {@code row} is set when one row was sent. */
  private record Refusal(SinkRow row, String message) {}

  /** {@code clickHouseDown} is set while an outage is being retried, and cleared by an acknowledged insert. */
  BatchWriter(RowInserter inserter, ClickHouseSinkConfig config, Backoff backoff, ClickHouseSinkMetrics metrics,
      AtomicBoolean clickHouseDown) {
    this.inserter = inserter;
    this.config = config;
    this.backoff = backoff;
    this.metrics = metrics;
    this.clickHouseDown = clickHouseDown;
  }

  /** Whether an outage is being retried (cleared by the next acknowledged insert). */
  boolean clickHouseDown() {
    return clickHouseDown.get();
  }

  /** Writes every table's rows; returns a dead letter for each row ClickHouse refused (the others are written). */
  List<DeadLetter> write(Map<SinkTable, List<SinkRow>> rows, Backoff.Sleeper sleeper) {
    List<DeadLetter> letters = new ArrayList<>();
    for (SinkTable table : SinkTable.values()) {
      List<SinkRow> tableRows = rows.getOrDefault(table, List.of());
      for (int from = 0; from < tableRows.size(); from += config.batchRows()) {
        writeChunk(table, tableRows.subList(from, Math.min(tableRows.size(), from + config.batchRows())), letters,
            sleeper);
      }
    }
    return letters;
  }

  /**
   * Writes one chunk of a table's rows: retried through outages; when the server refuses it, {@link #diagnose}
   * decides between bad rows (dead-lettered, the rest written) and a table or server problem (retried with
   * backoff, the full diagnosis repeated every {@value #DIAGNOSE_EVERY} attempts, cheap re-sends between).
   */
  private void writeChunk(SinkTable table, List<SinkRow> chunk, List<DeadLetter> letters, Backoff.Sleeper sleeper) {
    Backoff.Attempts attempts = backoff.attempts(LOG, sleeper);
    while (true) {
      Refusal refusal = insertThroughOutages(table, chunk, true, sleeper);
      if (refusal == null) {
        return;
      }
      if (attempts.failed() % DIAGNOSE_EVERY == 0) {
        List<Refusal> refused = diagnose(table, chunk, refusal, sleeper);
        if (refused != null) {
          for (Refusal r : refused) {
            letters.add(new DeadLetter(r.row().source(), ClickHouseSink.REJECTED, r.message()));
          }
          return;
        }
      }
      metrics.retried();
      StopRequested.retryOrStop(attempts, "ClickHouse refuses the batch of " + chunk.size() + " rows for "
          + table.tableName(), refusal.message() + "; it refuses rows it accepted before or every row alike, so the"
          + " table or server is at fault, not the data");
    }
  }

  /**
   * After the server refused a chunk: the refused rows (the others are then written), or null when the refusal
   * is not the data's fault. A row of this table ClickHouse accepted before is sent again (harmless: it
   * replaces itself): refused too, the table or server is at fault. Accepted, the chunk is bisected. Without
   * such a row, the chunk is bisected, and if every row of it is refused, that is taken as the table's fault
   * too (e.g. a column dropped or renamed: better to wait for a fix than to dead-letter the whole stream).
   */
  private List<Refusal> diagnose(SinkTable table, List<SinkRow> chunk, Refusal refusal, Backoff.Sleeper sleeper) {
    SinkRow known = lastAccepted.get(table);
    if (known != null) {
      if (insertThroughOutages(table, List.of(known), false, sleeper) != null) {
        // Refused as well. Forget it: after a schema change it may be the row itself that no longer fits,
        // so the next diagnosis goes by bisection.
        lastAccepted.remove(table);
        return null;
      }
      return chunk.size() == 1 ? List.of(refusal) : bisect(table, chunk, sleeper);
    }
    List<Refusal> refused = chunk.size() == 1 ? List.of(refusal) : bisect(table, chunk, sleeper);
    boolean everyRow = chunk.size() > 1 && refused.size() == chunk.size();
    return everyRow ? null : refused;
  }

  /** Splits rows in halves until each refused row stands alone; writes the rest. Returns the refused rows. */
  private List<Refusal> bisect(SinkTable table, List<SinkRow> rows, Backoff.Sleeper sleeper) {
    List<Refusal> refused = new ArrayList<>();
    int mid = rows.size() / 2;
    for (List<SinkRow> half : List.of(rows.subList(0, mid), rows.subList(mid, rows.size()))) {
      Refusal r = insertThroughOutages(table, half, true, sleeper);
      if (r == null) {
        continue;
      }
      if (half.size() == 1) {
        refused.add(r);
      } else {
        refused.addAll(bisect(table, half, sleeper));
      }
    }
    return refused;
  }

  /**
   * Inserts rows (named by their {@link DeduplicationToken} when {@code named}), waiting out outages; returns null
   * once acknowledged, or the server's refusal of the data.
   */
  private Refusal insertThroughOutages(SinkTable table, List<SinkRow> rows, boolean named, Backoff.Sleeper sleeper) {
    Backoff.Attempts attempts = backoff.attempts(LOG, sleeper);
    String token = named ? DeduplicationToken.of(table, rows) : null;
    while (true) {
      long begin = System.nanoTime();
      try {
        inserter.insert(table, rows, token);
        metrics.batchWritten(table, rows.size(), System.nanoTime() - begin);
        lastAccepted.put(table, rows.get(rows.size() - 1));
        clickHouseDown.set(false);
        if (attempts.failed() > 0) {
          LOG.info("ClickHouse accepted the batch for {} after {} attempts", table.tableName(), attempts.current());
        }
        return null;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new StopRequested();
      } catch (InsertFailure e) {
        if (!e.outage()) {
          return new Refusal(rows.size() == 1 ? rows.get(0) : null, e.getMessage());
        }
        metrics.retried();
        clickHouseDown.set(true);
        StopRequested.retryOrStop(attempts, "ClickHouse unavailable: inserting " + rows.size() + " rows into "
            + config.table(table.tableName()) + " failed", e.getMessage());
      }
    }
  }
}
