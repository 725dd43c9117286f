package dev.costpipe.clickhouse.sink;

import java.util.List;

/**
 * Inserts rows into a sink table in one request: all that the sink's batching, bisection and retries need of
 * ClickHouse ({@link ClickHouseRowInserter}), so that they can be tested without a server.
 */
interface RowInserter {
  /**
   * Inserts the rows ({@link SinkRow}: their RowBinary bytes, or values read again); returns once ClickHouse
   * acknowledged them all.
   * {@code deduplicationToken} names the rows (the same token always means the same rows, see {@link DeduplicationToken}); servers that offer
   * insert deduplication by token drop a second insert with it.
   */
  void insert(SinkTable table, List<SinkRow> rows, String deduplicationToken)
      throws InsertFailure, InterruptedException;

  /** A failed insert: the server refused the data, or ClickHouse is not available (the same rows are retried). */
  final class InsertFailure extends Exception {
    private final boolean outage;

    private InsertFailure(boolean outage, String message) {
      super(message, null, false, false);
      this.outage = outage;
    }

    /** ClickHouse is down, unreachable or unwell: wait and retry the same rows. */
    static InsertFailure outage(String message) {
      return new InsertFailure(true, message);
    }

    /** The server refused the data: a row, or the table (the sink's diagnosis tells which). */
    static InsertFailure refused(String message) {
      return new InsertFailure(false, message);
    }

    boolean outage() {
      return outage;
    }
  }
}
