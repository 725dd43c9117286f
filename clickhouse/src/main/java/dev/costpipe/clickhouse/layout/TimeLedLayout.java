package dev.costpipe.clickhouse.layout;

import com.clickhouse.client.api.Client;
import com.fasterxml.jackson.databind.JsonNode;
import dev.costpipe.clickhouse.costsql.SqlLiterals;
import dev.costpipe.clickhouse.sink.ClickHouseStatements;
import dev.costpipe.clickhouse.sink.StatementRunner;
import java.util.ArrayList;
import java.util.List;

/**
 * The time-led layout of {@code request_costs} (migration V008): what it is called, and whether the table of the
 * layout before it still holds rows that {@link LayoutMigration} has not finished copying.
 */
public final class TimeLedLayout {
  /** The table the sink writes and everything reads: the time-led one since V008. */
  public static final String TABLE = "request_costs";
  /** The table V008 renamed the order-by-request_id table to, until its rows are copied. */
  public static final String OLD_TABLE = "request_costs_before_v008";
  /** The time-led sort key as {@code system.tables.sorting_key} shows it. */
  static final String SORTING_KEY = "timestamp, request_id";

  private TimeLedLayout() {}

  /** Whether V008 has been applied here (by the sink, or by the replicated DDL on a cluster). */
  public static boolean isInPlace(Client client, String database) {
    return !ClickHouseStatements.query(client, "SELECT name FROM system.tables WHERE database = "
        + SqlLiterals.string(database) + " AND (name = " + SqlLiterals.string(OLD_TABLE)
        + " OR (name IN ('request_costs', 'request_costs_local') AND sorting_key = "
        + SqlLiterals.string(SORTING_KEY) + ")) FORMAT JSONEachRow").isEmpty();
  }

  /** The columns of the old table, or none when it does not exist (any more). */
  public static List<String> oldColumns(StatementRunner statements, String database) {
    List<String> columns = new ArrayList<>();
    for (JsonNode row : statements.query("SELECT name FROM system.columns WHERE database = "
        + SqlLiterals.string(database) + " AND table = " + SqlLiterals.string(OLD_TABLE) + " FORMAT JSONEachRow")) {
      columns.add(row.path("name").asText());
    }
    return columns;
  }

  /**
   * Drops the old table when it holds no row: a new database has nothing to copy. Safe while sinks write: after
   * V008's RENAME no insert can reach the old table (an insert running during the RENAME finishes before it).
   */
  public static void dropOldTableIfEmpty(Client client, String database) {
    if (oldColumns(StatementRunner.of(client), database).isEmpty()) {
      return;
    }
    List<JsonNode> count = ClickHouseStatements.query(client, "SELECT count() AS n FROM " + database + "."
        + OLD_TABLE + " FORMAT JSONEachRow");
    if (count.get(0).path("n").asLong() == 0) {
      ClickHouseStatements.execute(client, "DROP TABLE IF EXISTS " + database + "." + OLD_TABLE);
    }
  }
}
