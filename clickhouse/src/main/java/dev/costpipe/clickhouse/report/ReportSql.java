package dev.costpipe.clickhouse.report;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * The SQL that the weekly report's sections and the sums per day they read ({@link DayGrid}, {@link TotalsSql})
 * write alike, so that a figure computed from rows and one read from stored sums are the same sum, and the one-row
 * SELECT the sections send.
 */
final class ReportSql {

    /** The sum of the costs as Int64 (0 when every row is unpriced; a Nullable sum would be NULL). */
    static final String COST = "toInt64(ifNull(sum(cost_nano_usd), 0))";

    /** The model dimension: the pricing entry's key, else the model as called. */
    static final String MODEL_NAME = "if(ifNull(model_key, '') = '', ifNull(model, ''), ifNull(model_key, ''))";

    /** Environment (or env), any case, = development, dev or staging (any case). */
    static final String NON_PRODUCTION = "arrayExists((k, v) -> lower(k) IN ('environment', 'env')"
            + " AND lower(v) IN ('development', 'dev', 'staging'), property_keys, property_values)";

    private ReportSql() {}

    /** The row of a SELECT that answers one; any other count is a {@link ReportException} quoting the SQL. */
    static ObjectNode single(ClickHouseReader reader, String sql) {
        List<ObjectNode> rows = reader.select(sql);
        if (rows.size() != 1) {
            throw new ReportException("expected one row, got " + rows.size() + " from: " + sql);
        }
        return rows.get(0);
    }
}
