package dev.costpipe.clickhouse.report;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The latest version of each request of the report's period, deduplicated once into a temporary table of the
 * reader's server session ({@code CREATE TEMPORARY TABLE … ENGINE = Memory AS SELECT}, {@code INSERT INTO} it and
 * {@code x IN table}: valid on 18.16 and current servers), with only the columns the report reads. Every section
 * then reads memory instead of deduplicating the week again.
 *
 * <p>Most requests have one row in the period, and those need no sort: the hashes of the request ids seen more
 * than once are grouped first (a UInt64 per row), the rows whose hash is not among them are copied as they are,
 * and only the others go through {@code ORDER BY ingested_at DESC LIMIT 1 BY request_id}. Exact: every version of
 * a request has its hash; a hash shared by two requests only sends both through the sort. Sorting the whole
 * period instead took about twice as long on 18.16. Closing drops the tables (the session's end would too).
 */
final class ReportRows implements PeriodRows, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReportRows.class);

    /** Temporary tables have no database; the name is the session's own. */
    static final String TABLE = "costpipe_report_rows";
    /** The hashes of the request ids found more than once in the period (few: re-deliveries, revisions). */
    private static final String VERSIONS = "costpipe_report_versions";

    /** Every column a section of {@link WeeklyReportQueries} reads. */
    static final String COLUMNS = "provider, model, model_key, user_id, session_id, session_name, property_keys,"
            + " property_values, cache_hit, input_tokens, output_tokens, cache_read_tokens, usage_source,"
            + " pricing_status, cost_nano_usd, cost_breakdown_keys, cost_breakdown_values, cache_savings_nano_usd";

    private final ClickHouseReader session;

    private ReportRows(ClickHouseReader session) {
        this.session = session;
    }

    /**
     * The table of {@code timeRange}'s rows, or null where the reader has no session or the server refuses
     * (e.g. a {@code readonly=1} user may not create temporary tables): the report then deduplicates per section.
     */
    static ReportRows create(ClickHouseReader reader, CostSource source, String timeRange) {
        ClickHouseReader session = reader.session();
        if (session == null) {
            return null;
        }
        String columns = CostSource.columnList(COLUMNS);
        try {
            session.select("CREATE TEMPORARY TABLE " + VERSIONS + " ENGINE = Memory AS SELECT h FROM ("
                    + source.rows("cityHash64(request_id) AS h", timeRange) + ") GROUP BY h HAVING count() > 1");
            session.select("CREATE TEMPORARY TABLE " + TABLE + " ENGINE = Memory AS " + source.rows(columns,
                    timeRange + " AND cityHash64(request_id) NOT IN " + VERSIONS));
            session.select("INSERT INTO " + TABLE + " SELECT " + columns + " FROM " + source.from(timeRange
                    + " AND cityHash64(request_id) IN " + VERSIONS, COLUMNS));
        } catch (ReportException e) {
            LOG.info("report: no temporary table ({}); each section deduplicates the week itself", e.getMessage());
            return null;
        }
        return new ReportRows(session);
    }

    /** The reader of the session holding the table: the sections' queries must go through it. */
    ClickHouseReader session() {
        return session;
    }

    @Override
    public String from(String timeRange, String columns) {
        return TABLE;
    }

    @Override
    public void close() {
        try {
            session.select("DROP TEMPORARY TABLE IF EXISTS " + TABLE);
            session.select("DROP TEMPORARY TABLE IF EXISTS " + VERSIONS);
        } catch (ReportException e) {
            LOG.debug("report: dropping {} failed; the session's end drops it", TABLE, e);
        }
    }
}
