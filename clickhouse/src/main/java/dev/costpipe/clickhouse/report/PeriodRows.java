package dev.costpipe.clickhouse.report;

/**
 * Where a report section reads the latest version of each request of a period: a subquery that deduplicates
 * ({@link CostSource}), or the period's rows with the repeated requests deduplicated once for the whole report
 * ({@link ReportRows}).
 */
interface PeriodRows {
    /**
     * A FROM clause holding at least the rows in {@code timeRange} (the caller filters on it again) with
     * {@code columns} (comma-separated names; request_id, ingested_at and timestamp are always there).
     */
    String from(String timeRange, String columns);

    /**
     * As {@link #from(String, String)}, holding at least the latest versions that meet {@code narrowing} (a condition
     * on the columns, or null for every one), which the caller's {@code WHERE} must repeat: reading less where it
     * is selective.
     */
    String from(String timeRange, String columns, String narrowing);
}
