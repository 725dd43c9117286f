package dev.costpipe.clickhouse.report;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.costpipe.clickhouse.costsql.SqlLiterals;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sums per day of one {@link DayGrid} for the report's sections: the latest versions of a day's requests grouped
 * by the grid's dimensions, with sums and distinct counts as {@code uniqExactIf} states (exact, merged across
 * days). A section reads a few hundred rows per day instead of the day's requests.
 *
 * <p>A day's sums are stored in the grid's table (V010-V013) once the day is over, and read back instead of the
 * day's rows only while the day's fingerprint, the sum of {@code cityHash64(request_id, ingested_at, revision)}
 * over its stored rows, equals the one they were made from: a new row, a revision, a re-pricing or a merge
 * changes it, and the day is summed from its rows again. The fingerprint is taken before the report's temporary
 * tables are made and again after the sums are written; the write is sealed (a row with {@code sealed = 1} and
 * the batch's row count) only where both agree, so the sums are those of one state of the day, and a batch
 * counts only when all its rows are there. Rows only ever come and go (ingested_at is the insert's second plus
 * the revision), so a fingerprint seen again is the same day. A request with versions on two days of the period
 * is deduplicated across days, which one day's sums cannot do: such days are always summed from rows. Without
 * the tables (a custom table, a layout migration under way, a server without V010-V013) or the right to write,
 * every day is summed from rows, with the same answers.
 */
final class DaySums implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DaySums.class);

    /** The sum over a day's stored rows that changes whenever they do. */
    private static final String FINGERPRINT = "sum(cityHash64(request_id, ingested_at, revision))";

    private final DayGrid grid;
    private final PeriodRows rows;
    /** The table's qualified name. */
    private final String table;
    /** The days read from the table, each with the batch that holds its sums. */
    private final Map<LocalDate, Long> stored;
    /** The session holding the grid's computed table, or null: every section computes the sums from the rows. */
    private final ClickHouseReader session;
    /** Whether the session holds the computed table (not where every day with rows is read from the table). */
    private final boolean computed;

    private DaySums(DayGrid grid, PeriodRows rows, String table, Map<LocalDate, Long> stored,
            ClickHouseReader session, boolean computed) {
        this.grid = grid;
        this.rows = rows;
        this.table = table;
        this.stored = stored;
        this.session = session;
        this.computed = computed;
    }

    /** Sums computed from {@code rows} by each section (no table read or written). */
    static DaySums computed(DayGrid grid, PeriodRows rows) {
        return new DaySums(grid, rows, null, Map.of(), null, false);
    }

    /**
     * The fingerprint of each day with rows in {@code timeRange}, or null where sums are not stored for this
     * table (a custom table, a layout migration under way, a server without the tables of {@code grids}). Taken
     * before the rows the sums are computed from are read ({@link ReportRows}).
     */
    static Map<LocalDate, Long> fingerprints(ClickHouseReader reader, CostTable table, CostSource source,
            String timeRange, List<DayGrid> grids) {
        return kept(reader, table, source, grids) ? fingerprintsOf(reader, source, timeRange) : null;
    }

    /** Whether sums are kept for {@code table}: the default table, no layout migration, the grids' tables there. */
    static boolean kept(ClickHouseReader reader, CostTable table, CostSource source, List<DayGrid> grids) {
        return table.table().equals(CostTable.DEFAULT_TABLE) && !source.migrating()
                && reader.select("SELECT name FROM system.tables WHERE database = "
                        + SqlLiterals.string(table.database()) + " AND name IN (" + grids.stream()
                                .map(g -> SqlLiterals.string(g.table())).collect(Collectors.joining(", "))
                        + ") FORMAT JSONEachRow").size() == grids.size();
    }

    /**
     * The days holding a version of a request, among the rows meeting {@code prewhere} (or null) and {@code where},
     * that has versions on other days of them too (deduplicated across days, which one day's sums cannot do).
     */
    static Set<LocalDate> daysOfRequestsOnSeveralDays(ClickHouseReader reader, CostSource source, String prewhere,
            String where) {
        Set<LocalDate> days = new HashSet<>();
        for (ObjectNode row : reader.select("SELECT DISTINCT arrayJoin(days) AS day FROM (SELECT"
                + " groupUniqArray(toDate(timestamp)) AS days FROM (" + source.rows("request_id, timestamp", prewhere, where)
                + ") GROUP BY request_id HAVING length(days) > 1) FORMAT JSONEachRow")) {
            days.add(Rows.date(row, "day"));
        }
        return days;
    }

    private static Map<LocalDate, Long> fingerprintsOf(ClickHouseReader reader, CostSource source, String timeRange) {
        return Fingerprints.of(reader, source, timeRange).byDay();
    }

    /** The fingerprint of each day with rows in a time range, and how many rows the range holds. */
    record Fingerprints(NavigableMap<LocalDate, Long> byDay, long rows) {
        static Fingerprints of(ClickHouseReader reader, CostSource source, String timeRange) {
            NavigableMap<LocalDate, Long> days = new TreeMap<>();
            long rows = 0;
            for (ObjectNode row : reader.select("SELECT toDate(timestamp) AS day, " + FINGERPRINT + " AS fp,"
                    + " count() AS n FROM (" + source.rows("timestamp, request_id, ingested_at, revision", timeRange)
                    + ") GROUP BY day FORMAT JSONEachRow")) {
                days.put(Rows.date(row, "day"), Long.parseUnsignedLong(row.get("fp").asText()));
                rows += Rows.longValue(row, "n");
            }
            return new Fingerprints(days, rows);
        }
    }

    /** The sums of each of a report's grids, closed together. */
    record All(Map<DayGrid, DaySums> byGrid) implements AutoCloseable {
        DaySums get(DayGrid grid) {
            return byGrid.get(grid);
        }

        @Override
        public void close() {
            byGrid.values().forEach(DaySums::close);
        }
    }

    /** Sums computed from {@code rows} by each section for each of {@code grids} (no table read or written). */
    static All computed(List<DayGrid> grids, PeriodRows rows) {
        Map<DayGrid, DaySums> byGrid = new LinkedHashMap<>();
        grids.forEach(grid -> byGrid.put(grid, computed(grid, rows)));
        return new All(byGrid);
    }

    /**
     * The sums of {@code grids} for the days of {@code timeRange} (whole UTC days) over {@code rows} (its session's
     * temporary tables): read from each grid's table for the days whose sums are stored with the fingerprint in
     * {@code before} (or null: not kept), and stored for the days over before {@code now} but those in {@code
     * spread} (requests deduplicated across days), sealed where the fingerprint taken after every grid's write
     * still equals {@code before}; the others computed once into a temporary table per grid.
     */
    static All of(ClickHouseReader session, CostTable table, CostSource source, ReportRows rows, List<DayGrid> grids,
            String timeRange, Map<LocalDate, Long> before, Set<LocalDate> spread, Instant now) {
        Map<DayGrid, Map<LocalDate, Long>> stored = new LinkedHashMap<>();
        Map<DayGrid, Map<LocalDate, Long>> written = new LinkedHashMap<>();
        Map<DayGrid, Long> batches = new HashMap<>();
        for (DayGrid grid : grids) {
            String qualified = table.database() + "." + grid.table();
            Map<LocalDate, Long> read = before == null ? new HashMap<>() : storedBatches(session, grid, qualified, before);
            read.keySet().removeAll(spread);
            stored.put(grid, read);
            Map<LocalDate, Long> toStore = new TreeMap<>();
            if (before != null) {
                before.forEach((day, fingerprint) -> {
                    boolean over = !day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().isAfter(now);
                    if (over && !spread.contains(day) && !read.containsKey(day)) {
                        toStore.put(day, fingerprint);
                    }
                });
            }
            Long batch = toStore.isEmpty() ? null : write(session, grid, qualified, rows, timeRange, toStore);
            if (batch != null) {
                written.put(grid, toStore);
                batches.put(grid, batch);
            }
        }
        if (!written.isEmpty()) {
            Map<LocalDate, Long> after = fingerprintsOf(session, source, timeRange);
            written.forEach((grid, days) -> stored.get(grid).putAll(seal(session, grid,
                    table.database() + "." + grid.table(), batches.get(grid), days, after)));
        }
        Map<DayGrid, DaySums> byGrid = new LinkedHashMap<>();
        stored.forEach((grid, read) -> byGrid.put(grid, withComputed(session, grid, table.database() + "."
                + grid.table(), rows, timeRange, read, before)));
        return new All(byGrid);
    }

    /** The sums of {@code stored} days read from the table, the others computed once into a temporary table. */
    private static DaySums withComputed(ClickHouseReader session, DayGrid grid, String qualified, ReportRows rows,
            String timeRange, Map<LocalDate, Long> stored, Map<LocalDate, Long> before) {
        // Every day that had rows when the report began is read from the table: nothing to compute.
        if (before != null && stored.keySet().containsAll(before.keySet())) {
            return new DaySums(grid, rows, qualified, stored, session, false);
        }
        session.select("CREATE TEMPORARY TABLE " + grid.computedTable() + " ENGINE = Memory AS SELECT "
                + grid.columns() + " FROM " + grid.computedFrom(rows,
                        stored.isEmpty() ? timeRange : timeRange + " AND NOT " + dayIn(stored.keySet())));
        return new DaySums(grid, rows, qualified, stored, session, true);
    }

    /** Per day, a complete sealed batch made from the day's rows with the fingerprint in {@code fingerprints}. */
    static Map<LocalDate, Long> storedBatches(ClickHouseReader reader, DayGrid grid, String table,
            Map<LocalDate, Long> fingerprints) {
        Map<LocalDate, Long> batches = new HashMap<>();
        if (fingerprints.isEmpty()) {
            return batches;
        }
        LocalDate first = fingerprints.keySet().stream().min(LocalDate::compareTo).orElseThrow();
        LocalDate last = fingerprints.keySet().stream().max(LocalDate::compareTo).orElseThrow();
        for (ObjectNode row : reader.select("SELECT day, fingerprint, batch FROM " + table
                + " WHERE definition = " + grid.definition() + " AND day >= " + date(first) + " AND day <= " + date(last)
                + " GROUP BY day, fingerprint, batch"
                + " HAVING max(sealed) = 1 AND countIf(sealed = 0) = maxIf(batch_rows, sealed = 1)"
                + " ORDER BY day, batch FORMAT JSONEachRow")) {
            LocalDate day = Rows.date(row, "day");
            Long fingerprint = fingerprints.get(day);
            if (fingerprint != null && fingerprint == Long.parseUnsignedLong(row.get("fingerprint").asText())) {
                batches.putIfAbsent(day, Long.parseUnsignedLong(row.get("batch").asText()));
            }
        }
        return batches;
    }

    /**
     * Writes the sums of {@code days} (day → fingerprint) as one unsealed batch; returns the batch, or null where
     * the server refuses the write (e.g. a read-only user).
     */
    private static Long write(ClickHouseReader session, DayGrid grid, String table, ReportRows rows,
            String timeRange, Map<LocalDate, Long> days) {
        long batch = ThreadLocalRandom.current().nextLong();
        StringBuilder fingerprint = new StringBuilder("multiIf(");
        days.forEach((day, fp) -> fingerprint.append("day = ").append(date(day)).append(", toUInt64(")
                .append(Long.toUnsignedString(fp)).append("), "));
        fingerprint.append("toUInt64(0))");
        String columns = String.join(", ", grid.names().subList(1, grid.names().size()));
        try {
            session.select("INSERT INTO " + table + " (day, fingerprint, batch, definition, sealed, batch_rows, "
                    + columns + ") SELECT day, " + fingerprint + ", " + uint64(batch) + ", " + grid.definition()
                    + ", 0, 0, " + columns + " FROM "
                    + grid.computedFrom(rows, timeRange + " AND " + dayIn(days.keySet())));
            return batch;
        } catch (ReportException e) {
            LOG.info("report: the sums per day are not stored in {} ({}); they are computed from the rows", table,
                    e.getMessage());
            return null;
        }
    }

    /**
     * Seals the days of {@code batch} whose fingerprint {@code after} the writes still equals the one in {@code
     * days}; returns them with the batch. A day may have no sums (no request of the day carries a property).
     */
    private static Map<LocalDate, Long> seal(ClickHouseReader session, DayGrid grid, String table, long batch,
            Map<LocalDate, Long> days, Map<LocalDate, Long> after) {
        Map<LocalDate, Long> sealed = new TreeMap<>();
        List<String> seals = new ArrayList<>();
        try {
            Map<LocalDate, Long> rowsPerDay = new HashMap<>();
            // the days first: the table's key, so the count reads the batch's days, not every day ever stored
            for (ObjectNode row : session.select("SELECT day, count() AS n FROM " + table + " WHERE day IN ("
                    + dates(days.keySet()) + ") AND batch = " + uint64(batch) + " AND sealed = 0 GROUP BY day"
                    + " FORMAT JSONEachRow")) {
                rowsPerDay.put(Rows.date(row, "day"), Rows.longValue(row, "n"));
            }
            days.forEach((day, fingerprint) -> {
                if (fingerprint.equals(after.get(day))) {
                    seals.add("(" + date(day) + ", " + uint64(fingerprint) + ", " + uint64(batch) + ", "
                            + grid.definition() + ", 1, " + rowsPerDay.getOrDefault(day, 0L) + ")");
                    sealed.put(day, batch);
                }
            });
            if (!seals.isEmpty()) {
                session.select("INSERT INTO " + table + " (day, fingerprint, batch, definition, sealed, batch_rows)"
                        + " VALUES " + String.join(", ", seals));
            }
        } catch (ReportException e) {
            LOG.info("report: the sums per day are not sealed in {} ({}); they are computed from the rows", table,
                    e.getMessage());
            return Map.of();
        }
        return sealed;
    }

    /**
     * The FROM of the sums per day and dimensions of the days from {@code first} to {@code end} (exclusive): one
     * row per day and dimensions computed from the rows, or more per day where stored (sum them, merge the
     * states); columns as in the grid's table from {@code day} on.
     */
    String from(LocalDate first, LocalDate end) {
        List<LocalDate> read = stored.keySet().stream().filter(d -> !d.isBefore(first) && d.isBefore(end))
                .sorted().toList();
        String computedRows = session == null
                ? "SELECT " + grid.columns() + " FROM " + grid.computedFrom(rows, SqlTime.range(
                        first.atStartOfDay(ZoneOffset.UTC).toInstant(), end.atStartOfDay(ZoneOffset.UTC).toInstant()))
                : computed ? "SELECT " + grid.columns() + " FROM " + grid.computedTable() + " WHERE day >= "
                        + date(first) + " AND day < " + date(end)
                : null;
        if (read.isEmpty()) {
            // a period without a stored day and, the report having begun with none, without rows
            return "(" + (computedRows != null ? computedRows
                    : "SELECT " + grid.columns() + " FROM " + table + " WHERE 0") + ")";
        }
        Map<LocalDate, Long> batches = new TreeMap<>();
        read.forEach(day -> batches.put(day, stored.get(day)));
        return "(SELECT " + grid.columns() + " FROM " + table + " WHERE definition = " + grid.definition()
                + " AND sealed = 0 AND day >= " + date(first) + " AND day < " + date(end) + " AND ("
                + batchesOf(batches) + ")"
                + (computedRows == null ? "" : " UNION ALL " + computedRows) + ")";
    }

    /** As {@link #from(LocalDate, LocalDate)} for the days of {@code week}. */
    String from(IsoWeek week) {
        return from(week.monday(), week.monday().plusDays(7));
    }

    @Override
    public void close() {
        if (computed) {
            try {
                session.select("DROP TEMPORARY TABLE IF EXISTS " + grid.computedTable());
            } catch (ReportException e) {
                LOG.debug("report: dropping {} failed; the session's end drops it", grid.computedTable(), e);
            }
        }
    }

    /** Whether reading these sums needs the session: some are in its temporary table. */
    boolean needsSession() {
        return computed;
    }

    /** The days read from the table (for tests). */
    Set<LocalDate> storedDays() {
        return stored.keySet();
    }

    /** The rows of each day's batch: {@code (day = … AND batch = …) OR …}. */
    static String batchesOf(Map<LocalDate, Long> batches) {
        return batches.entrySet().stream()
                .map(e -> "day = " + date(e.getKey()) + " AND batch = " + uint64(e.getValue()))
                .collect(Collectors.joining(") OR (", "(", ")"));
    }

    /** {@code toDate(timestamp) IN (…)}. */
    static String dayIn(Collection<LocalDate> days) {
        return "toDate(timestamp) IN (" + dates(days) + ")";
    }

    private static String dates(Collection<LocalDate> days) {
        return days.stream().map(DaySums::date).collect(Collectors.joining(", "));
    }

    private static String uint64(long value) {
        return "toUInt64(" + Long.toUnsignedString(value) + ")";
    }

    static String date(LocalDate day) {
        return "toDate(" + SqlLiterals.string(day.toString()) + ")";
    }
}
