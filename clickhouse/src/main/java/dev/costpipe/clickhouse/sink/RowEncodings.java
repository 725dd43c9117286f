package dev.costpipe.clickhouse.sink;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the sink has learnt of each table's RowBinary layout ({@link RowBinaryRows}, from the server's column
 * types), shared by the conversion, which encodes each row as soon as it is read when the layout is known, and the
 * {@link ClickHouseRowInserter}, which learns it, forgets it when ClickHouse refuses an insert (the layout may have
 * changed) and encodes again at insert the rows encoded with another layout. Safe from any thread.
 */
final class RowEncodings {
  private final Map<SinkTable, Optional<RowBinaryRows>> byTable = new ConcurrentHashMap<>();

  /** The table's encoding as learnt; empty when not learnt yet, or when the table is not written as RowBinary. */
  Optional<RowBinaryRows> current(SinkTable table) {
    return byTable.getOrDefault(table, Optional.empty());
  }

  /** What was learnt of the table (empty: it is written as JSONEachRow), or null when nothing was learnt yet. */
  Optional<RowBinaryRows> learnt(SinkTable table) {
    return byTable.get(table);
  }

  void learn(SinkTable table, Optional<RowBinaryRows> encoding) {
    byTable.put(table, encoding);
  }

  void forget(SinkTable table) {
    byTable.remove(table);
  }
}
