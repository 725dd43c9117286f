package dev.costpipe.clickhouse.report;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.costpipe.clickhouse.costsql.SqlLiterals;
import dev.costpipe.clickhouse.layout.TimeLedLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code FROM} of a period's SQL: {@code request_costs FINAL} (re-delivered rows and older revisions read once),
 * or, while {@code costpipe clickhouse migrate-layout} has not finished copying the layout before V008, both tables
 * over the period with each request's latest version kept ({@code LIMIT 1 BY request_id}): a request is then in
 * the old table, the new one (new rows, or a revision the sink wrote since), or both (copied), and counts once,
 * as its latest version. The caller still writes its own {@code WHERE}: the period bounds both subqueries here.
 */
final class CostSource {
    private final CostTable table;
    /** The old table's columns while it exists (only for the sink's own table name); empty otherwise. */
    private final List<String> oldColumns;

    private CostSource(CostTable table, List<String> oldColumns) {
        this.table = table;
        this.oldColumns = oldColumns;
    }

    /** Looks up whether a layout migration is under way (one query on {@code system.columns}). */
    static CostSource of(ClickHouseReader reader, CostTable table) {
        if (!table.table().equals(CostTable.DEFAULT_TABLE)) {
            return new CostSource(table, List.of());
        }
        List<String> columns = new ArrayList<>();
        for (ObjectNode row : reader.select("SELECT name FROM system.columns WHERE database = "
                + SqlLiterals.string(table.database()) + " AND table = " + SqlLiterals.string(TimeLedLayout.OLD_TABLE)
                + " FORMAT JSONEachRow")) {
            columns.add(Rows.string(row, "name"));
        }
        return new CostSource(table, columns);
    }

    /** The FROM clause for rows in {@code timeRange} (a condition from {@link SqlTime#range}, or {@code 1}). */
    String from(String timeRange) {
        if (oldColumns.isEmpty()) {
            return table.finalFrom();
        }
        String columns = String.join(", ", oldColumns.stream().map(c -> "`" + c + "`").toList());
        return "(SELECT " + columns + " FROM (SELECT " + columns + " FROM " + table.qualifiedName()
                + " WHERE " + timeRange + " UNION ALL SELECT " + columns + " FROM " + table.database() + "."
                + TimeLedLayout.OLD_TABLE + " WHERE " + timeRange + ")"
                + " ORDER BY ingested_at DESC LIMIT 1 BY request_id)";
    }
}
