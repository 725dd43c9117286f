package dev.costpipe.clickhouse.report;

import java.time.LocalDate;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The latest version of each request of the report's period, with only the few requests that need deduplicating
 * deduplicated once, into temporary tables of the reader's server session ({@code CREATE TEMPORARY TABLE … ENGINE
 * = Memory AS SELECT}, {@code x NOT IN table}, {@code UNION ALL} in a {@code FROM} subquery: valid on 18.16 and
 * current servers).
 *
 * <p>Most requests have one row in the period. The hashes of the request ids seen more than once are grouped
 * first (a UInt64 per row; re-deliveries, revisions, rare collisions), and the latest version of each of those
 * requests goes into a second small table ({@code ORDER BY ingested_at DESC LIMIT 1 BY request_id}), made when a
 * section first reads rows: with only the columns of the top calls and the repeated-prompt hint while no other
 * section needs rows (the days' sums stored), with every column a section reads otherwise. Where the requests
 * repeated are spread over the period, nearly every granule holds one, so the table reads its columns for every row
 * of the period: without the properties and the cost breakdown that costs half as much. A section
 * then reads the period's rows straight from {@code request_costs} (the time-led key's range, on every core)
 * whose hash is not among them, plus that table. Exact: every version of a request has its hash, so a request is
 * read from one side only; a hash shared by two requests only sends both through the sort. Copying the whole
 * period into a Memory table instead (done once per report until 2026-12-06) cost a third of the report on 18.16,
 * which fills such a table from one thread. Where no request has two rows in the period (a merged table, or
 * none re-delivered or revised yet), the second table is not made and the sections read the rows as they are, with
 * no hash per row. Closing drops the tables (the session's end would too).
 */
final class ReportRows implements PeriodRows, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReportRows.class);

    /** Temporary tables have no database; the names are the session's own. */
    static final String LATEST = "costpipe_report_latest";
    /** The hashes of the request ids found more than once in the period. */
    private static final String VERSIONS = "costpipe_report_versions";

    /** Every column a section of {@link WeeklyReportQueries} reads. */
    static final String COLUMNS = "provider, model, model_key, user_id, session_id, session_name, property_keys,"
            + " property_values, cache_hit, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens,"
            + " cache_write_1h_tokens, reasoning_tokens, usage_source,"
            + " pricing_status, cost_nano_usd, cost_breakdown_keys, cost_breakdown_values, cache_savings_nano_usd";

    /** The columns {@link RequestSections} reads: all the report reads of rows once the days' sums are stored. */
    static final String REQUEST_COLUMNS = "provider, model, model_key, user_id, session_id, session_name, cache_hit,"
            + " input_tokens, output_tokens, cost_nano_usd";

    private final ClickHouseReader session;
    private final CostSource source;
    /** The period the tables hold. */
    private final String period;
    /** Whether a request has more than one row in the period; without one, every row is its request's latest. */
    private final boolean repeated;
    /** The columns of the latest versions' table once made ({@link #REQUEST_COLUMNS} or {@link #COLUMNS}). */
    private Set<String> latestColumns;

    private ReportRows(ClickHouseReader session, CostSource source, String period, boolean repeated) {
        this.session = session;
        this.source = source;
        this.period = period;
        this.repeated = repeated;
    }

    /**
     * The tables of {@code timeRange}'s repeated requests, or null where the reader has no session or the server
     * refuses (e.g. a {@code readonly=1} user may not create temporary tables): the report then deduplicates per
     * section.
     */
    static ReportRows create(ClickHouseReader reader, CostSource source, String timeRange) {
        ClickHouseReader session = reader.session();
        if (session == null) {
            return null;
        }
        try {
            session.select("CREATE TEMPORARY TABLE " + VERSIONS + " ENGINE = Memory AS SELECT h FROM ("
                    + source.rows(CostSource.HASH + " AS h", timeRange) + ") GROUP BY h HAVING count() > 1");
            // as in a merged table when none: the rows are the latest versions, read as they are
            return new ReportRows(session, source, timeRange, Rows.longValue(session.select("SELECT count() AS n FROM "
                    + VERSIONS + " FORMAT JSONEachRow").get(0), "n") > 0);
        } catch (ReportException e) {
            LOG.info("report: no temporary table ({}); each section deduplicates the week itself", e.getMessage());
            return null;
        }
    }

    /**
     * The days in {@code timeRange} holding a version of a request that has versions on other days of the period
     * too (deduplicated across days; a revision keeps its request's time, so only rows written otherwise do this).
     */
    Set<LocalDate> daysOfRequestsOnSeveralDays(String timeRange) {
        if (!repeated) {
            return Set.of();
        }
        return DaySums.daysOfRequestsOnSeveralDays(session, source, CostSource.HASH + " IN " + VERSIONS, timeRange);
    }

    /** The reader of the session holding the tables: the sections' queries must go through it. */
    ClickHouseReader session() {
        return session;
    }

    /**
     * The rows in {@code timeRange} (within the period the tables were made for) of the requests seen once, and
     * the latest versions of the others: {@code columns} only.
     */
    @Override
    public String from(String timeRange, String columns) {
        String list = CostSource.columnList(columns);
        if (!repeated) {
            return "(" + source.rows(list, timeRange) + ")";
        }
        latestWith(columns);
        return "(" + source.rows(list, timeRange + " AND " + CostSource.HASH + " NOT IN " + VERSIONS)
                + " UNION ALL SELECT " + list + " FROM " + LATEST + " WHERE " + timeRange + ")";
    }

    /**
     * Makes the latest versions' table on the first read of rows, with {@link #REQUEST_COLUMNS} if they hold
     * {@code columns}, else with every column; once made with the first, a read of other columns makes it again with
     * every column. Sections read rows one after another on the session.
     */
    private synchronized void latestWith(String columns) {
        Set<String> wanted = CostSource.columnNames(columns);
        if (latestColumns != null && latestColumns.containsAll(wanted)) {
            return;
        }
        Set<String> narrow = CostSource.columnNames(REQUEST_COLUMNS);
        Set<String> made = latestColumns == null && narrow.containsAll(wanted) ? narrow : CostSource.columnNames(COLUMNS);
        String list = CostSource.columnList(String.join(", ", made));
        session.select("DROP TEMPORARY TABLE IF EXISTS " + LATEST);
        session.select("CREATE TEMPORARY TABLE " + LATEST + " ENGINE = Memory AS SELECT " + list + " FROM "
                + CostSource.latest(source.rows(list, CostSource.HASH + " IN " + VERSIONS, period)));
        latestColumns = made;
    }

    /**
     * The requests seen once have one version and the others' latest versions are in their table: {@code narrowing}
     * filters both sides as it would the latest versions.
     */
    @Override
    public String from(String timeRange, String columns, String narrowing) {
        return from(narrowing == null ? timeRange : timeRange + " AND (" + narrowing + ")", columns);
    }

    @Override
    public void close() {
        try {
            session.select("DROP TEMPORARY TABLE IF EXISTS " + LATEST);
            session.select("DROP TEMPORARY TABLE IF EXISTS " + VERSIONS);
        } catch (ReportException e) {
            LOG.debug("report: dropping {} failed; the session's end drops it", LATEST, e);
        }
    }
}
