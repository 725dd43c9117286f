package dev.costpipe.clickhouse.report;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.costpipe.clickhouse.costsql.SqlLiterals;
import dev.costpipe.clickhouse.layout.TimeLedLayout;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The {@code FROM} of a period's SQL: the latest version of each request in the period, and only the columns the
 * query reads: {@code (SELECT … WHERE period ORDER BY ingested_at DESC LIMIT 1 BY request_id)}. Re-delivered rows
 * and older revisions count once whatever the state of the table's parts: the answer does not depend on {@code
 * FINAL} (a clean-clone CI run saw {@code FINAL} keep every row on 18.16 once, docs/clickhouse.md). While {@code
 * costpipe clickhouse migrate-layout} has not finished copying the layout before V008, the old table is read too
 * (a request is then in the old table, the new one, or both, and counts once, as its latest version). The caller
 * still writes its own {@code WHERE}: the period bounds the subqueries here.
 */
final class CostSource {
    /** Read by every deduplication, whatever the query asks for. */
    private static final List<String> KEY = List.of("request_id", "ingested_at", "timestamp");

    private final CostTable table;
    private final boolean migrating;

    private CostSource(CostTable table, boolean migrating) {
        this.table = table;
        this.migrating = migrating;
    }

    /** Looks up whether a layout migration is under way (one query on {@code system.tables}). */
    static CostSource of(ClickHouseReader reader, CostTable table) {
        if (!table.table().equals(CostTable.DEFAULT_TABLE)) {
            return new CostSource(table, false);
        }
        List<ObjectNode> old = reader.select("SELECT name FROM system.tables WHERE database = "
                + SqlLiterals.string(table.database()) + " AND name = " + SqlLiterals.string(TimeLedLayout.OLD_TABLE)
                + " FORMAT JSONEachRow");
        return new CostSource(table, !old.isEmpty());
    }

    /**
     * The FROM clause for rows in {@code timeRange} (a condition from {@link SqlTime#range}, or {@code 1}) with
     * {@code columns} (comma-separated column names; request_id, ingested_at and timestamp are always there).
     */
    String from(String timeRange, String columns) {
        Set<String> read = new LinkedHashSet<>(KEY);
        for (String column : columns.split(",")) {
            read.add(column.strip());
        }
        String list = String.join(", ", read.stream().map(c -> "`" + c + "`").toList());
        String rows = "SELECT " + list + " FROM " + table.qualifiedName() + " WHERE " + timeRange;
        if (migrating) {
            rows = "SELECT " + list + " FROM (" + rows + " UNION ALL SELECT " + list + " FROM " + table.database()
                    + "." + TimeLedLayout.OLD_TABLE + " WHERE " + timeRange + ")";
        }
        return "(" + rows + " ORDER BY ingested_at DESC LIMIT 1 BY request_id)";
    }
}
