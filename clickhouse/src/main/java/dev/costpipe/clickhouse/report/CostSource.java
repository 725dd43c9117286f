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
 * FINAL}, so it holds while a merge is behind and on a table that never collapses (docs/clickhouse.md). On 18.16 this
 * sort measured faster than {@code argMax(col, ingested_at) … GROUP BY request_id}, which also skips NULL values.
 * While {@code costpipe clickhouse migrate-layout} has not finished copying the layout before V008, the old table
 * is read too (a request is then in the old table, the new one, or both, and counts once, as its latest version).
 * The caller still writes its own {@code WHERE}: the period bounds the subqueries here, and filters apply to the
 * latest version.
 */
final class CostSource implements PeriodRows {
    /** Read by every deduplication, whatever the query asks for. */
    private static final List<String> KEY = List.of("request_id", "ingested_at", "timestamp");

    /** A request id's hash (a UInt64), standing for the id where a set of ids is matched. */
    static final String HASH = "cityHash64(request_id)";

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

    /** Whether the table of the layout before V008 is read too (a layout migration is under way). */
    boolean migrating() {
        return migrating;
    }

    /**
     * The FROM clause for rows in {@code timeRange} (a condition from {@link SqlTime#range}, or {@code 1}) with
     * {@code columns} (comma-separated column names; request_id, ingested_at and timestamp are always there).
     */
    @Override
    public String from(String timeRange, String columns) {
        return latest(rows(columnList(columns), timeRange));
    }

    /** {@code rows} (a SELECT reading request_id and ingested_at), the latest version of each request only. */
    static String latest(String rows) {
        return "(" + rows + " ORDER BY ingested_at DESC LIMIT 1 BY request_id)";
    }

    /**
     * As {@link #from(String, String)}, deduplicating only the requests with a version in the period that meets
     * {@code narrowing} (a condition on the columns, or null for every request). A request none of whose versions
     * meets it cannot have a latest version that does, so a caller whose {@code WHERE} holds the same condition
     * gets the same answer, deduplicating a user's or a model's rows instead of the whole period's. The requests
     * are picked by the hash of their id (a set of UInt64, cheaper than one of strings): a request whose hash
     * another one shares is deduplicated too, then filtered out by the caller's {@code WHERE}. (Deduplicating only
     * the narrowed requests seen twice, listed by a first query, measured no faster on 18.16: that query scans the
     * period's ids as this one does.)
     */
    @Override
    public String from(String timeRange, String columns, String narrowing) {
        if (narrowing == null) {
            return from(timeRange, columns);
        }
        return latest(rows(columnList(columns), timeRange + " AND " + HASH + " IN ("
                + rows(HASH, timeRange + " AND " + narrowing) + ")"));
    }

    /** {@code columns} (comma-separated) after the ones every deduplication reads, each once, quoted. */
    static String columnList(String columns) {
        Set<String> read = new LinkedHashSet<>(KEY);
        read.addAll(columnNames(columns));
        return String.join(", ", read.stream().map(c -> "`" + c + "`").toList());
    }

    /** The names in a comma-separated list of columns, in order. */
    static Set<String> columnNames(String columns) {
        Set<String> names = new LinkedHashSet<>();
        for (String column : columns.split(",")) {
            names.add(column.strip());
        }
        return names;
    }

    /** {@code SELECT columns} of the rows meeting {@code where}, not deduplicated (of both tables while migrating). */
    String rows(String columns, String where) {
        return rows(columns, null, where);
    }

    /**
     * As {@link #rows(String, String)}, with {@code prewhere} (or null) read first: the other columns are read only
     * from the granules holding rows that meet it.
     */
    String rows(String columns, String prewhere, String where) {
        String condition = (prewhere == null ? "" : " PREWHERE " + prewhere) + " WHERE " + where;
        String rows = "SELECT " + columns + " FROM " + table.qualifiedName() + condition;
        if (!migrating) {
            return rows;
        }
        return "SELECT * FROM (" + rows + " UNION ALL SELECT " + columns + " FROM " + table.database()
                + "." + TimeLedLayout.OLD_TABLE + condition + ")";
    }
}
