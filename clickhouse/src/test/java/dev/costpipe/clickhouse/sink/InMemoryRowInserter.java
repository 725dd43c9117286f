package dev.costpipe.clickhouse.sink;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * ClickHouse as the sink's writing logic sees it, in memory: an insert request is written whole, refused whole
 * (a row the "column" cannot hold, or a broken table) or fails as an outage. Keeps the rows written per table
 * (the JSON they are read from, as text) and the size of every request.
 */
final class InMemoryRowInserter implements RowInserter {
  final Map<SinkTable, List<String>> written = new EnumMap<>(SinkTable.class);
  final List<Integer> requestSizes = new ArrayList<>();
  /** Rows the server refuses: any of them in a request refuses the request. */
  Predicate<String> badRow = row -> false;
  /** Every request is refused, whatever its rows (a dropped column, say). */
  boolean tableBroken;
  /** This many next requests fail as an outage (connection refused). */
  int outages;

  InMemoryRowInserter() {
    for (SinkTable t : SinkTable.values()) {
      written.put(t, new ArrayList<>());
    }
  }

  @Override
  public synchronized void insert(SinkTable table, List<SinkRow> rows, String deduplicationToken)
      throws InsertFailure {
    requestSizes.add(rows.size());
    if (outages > 0) {
      outages--;
      throw InsertFailure.outage("ConnectException: Connection refused");
    }
    List<String> text = rows.stream().map(r -> new String(r.json(), StandardCharsets.UTF_8)).toList();
    if (tableBroken) {
      throw InsertFailure.refused("ClickHouse error 16 (HTTP 500): No such column");
    }
    for (String row : text) {
      if (badRow.test(row)) {
        throw InsertFailure.refused("ClickHouse error 6 (HTTP 500): Cannot parse input: " + row);
      }
    }
    written.get(table).addAll(text);
  }
}
