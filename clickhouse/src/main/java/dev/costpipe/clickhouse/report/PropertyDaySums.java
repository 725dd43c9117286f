package dev.costpipe.clickhouse.report;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.costpipe.clickhouse.costsql.SqlLiterals;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The whole days of a {@code costpipe query} for one property value whose sums per day are stored ({@link
 * DaySums}, {@link DayGrid#PROPERTIES}: written by {@code costpipe report} and {@code costpipe clickhouse
 * sum-days}), read from them instead of the days' rows; {@link #otherDays} are read from the rows as before.
 *
 * <p>A day's sums are read under the report's rules: a complete sealed batch made at the day's current
 * fingerprint, and not a day holding a version of a request that has another version on another day of the
 * query's period (such a request is deduplicated across days, which one day's sums cannot; {@link #spreadDays}).
 * Then the totals over the stored days and over the rows of the others add up to the totals over every row: each
 * request of the period is read on one side, as its latest version (within a stored day, as when its sums were
 * made).
 */
final class PropertyDaySums {
    /** The stored days, each with the batch holding its sums (empty: every day is read from rows). */
    private final TreeMap<LocalDate, Long> stored;
    private final String table;
    private final CostFilter.PropertyEquals property;

    private PropertyDaySums(TreeMap<LocalDate, Long> stored, String table, CostFilter.PropertyEquals property) {
        this.stored = stored;
        this.table = table;
        this.property = property;
    }

    /**
     * The stored days of {@code filter}'s period, where {@code filter} asks for a period and one property value
     * only; none otherwise (other criteria are not in the sums), or where no sums are kept for {@code table}.
     */
    static PropertyDaySums of(ClickHouseReader reader, CostTable table, CostSource source, CostFilter filter) {
        PropertyDaySums none = new PropertyDaySums(new TreeMap<>(), null, null);
        if (filter.from() == null || filter.to() == null || filter.properties().size() != 1) {
            return none;
        }
        CostFilter.PropertyEquals property = filter.properties().get(0);
        // any other criterion (one added to CostFilter later too) makes the filter differ from this one
        if (!filter.equals(CostFilter.all().between(filter.from(), filter.to())
                .withProperty(property.name(), property.value()))) {
            return none;
        }
        LocalDate first = LocalDate.ofInstant(filter.from().minusNanos(1), ZoneOffset.UTC).plusDays(1);
        LocalDate end = LocalDate.ofInstant(filter.to(), ZoneOffset.UTC);
        if (!first.isBefore(end) || !DaySums.kept(reader, table, source, List.of(DayGrid.PROPERTIES))) {
            return none;
        }
        String qualified = table.database() + "." + DayGrid.PROPERTIES.table();
        // Most periods have no stored day: the scan below only where one may be read.
        if (reader.select("SELECT day FROM " + qualified + " WHERE definition = " + DayGrid.PROPERTIES.definition()
                + " AND sealed = 1 AND day >= " + DaySums.date(first) + " AND day < " + DaySums.date(end)
                + " LIMIT 1 FORMAT JSONEachRow").isEmpty()) {
            return none;
        }
        DaySums.Fingerprints period = DaySums.Fingerprints.of(reader, source, filter.timeRange());
        // Only whole days: a partial day's fingerprint is not that of its stored sums.
        Map<LocalDate, Long> fingerprints = new TreeMap<>(period.byDay().subMap(first, end));
        fingerprints.keySet().removeAll(spreadDays(reader, source, filter.timeRange(), period.rows()));
        return new PropertyDaySums(new TreeMap<>(DaySums.storedBatches(reader, DayGrid.PROPERTIES, qualified,
                fingerprints)), qualified, property);
    }

    /**
     * The days of {@code period} (holding {@code rows} rows) with a version of a request that has another version on
     * another day, found in up to three steps, each only where the one before cannot rule them out: no request has
     * two rows (the period's distinct requests equal its rows: a merged table, or the bench's); no request is on two
     * days (the distinct requests of each day add up to the period's); else the days, one request at a time.
     */
    private static Set<LocalDate> spreadDays(ClickHouseReader reader, CostSource source, String period, long rows) {
        String requests = "uniqExact(" + CostSource.HASH + ") AS n FROM (" + source.rows("timestamp, request_id",
                period) + ")";
        long distinct = Rows.longValue(reader.select("SELECT " + requests + " FORMAT JSONEachRow").get(0), "n");
        if (distinct == rows) {
            return Set.of();
        }
        long perDay = reader.select("SELECT toDate(timestamp) AS day, " + requests + " GROUP BY day FORMAT"
                + " JSONEachRow").stream().mapToLong(row -> Rows.longValue(row, "n")).sum();
        return perDay == distinct ? Set.of() : DaySums.daysOfRequestsOnSeveralDays(reader, source, null, period);
    }

    /** The totals over the stored days, or null where none is stored. */
    CostQuery.Totals totals(ClickHouseReader reader) {
        if (stored.isEmpty()) {
            return null;
        }
        List<ObjectNode> rows = reader.select("SELECT " + TotalsSql.overSums() + " FROM " + table
                + " WHERE definition = " + DayGrid.PROPERTIES.definition() + " AND sealed = 0 AND name = "
                + SqlLiterals.string(property.name()) + " AND value = " + SqlLiterals.string(property.value())
                + " AND (" + DaySums.batchesOf(stored) + ") FORMAT JSONEachRow");
        return TotalsSql.totals(rows.get(0));
    }

    /**
     * {@code timeRange} without the stored days: the condition for the rows still to read, or null where every
     * second of {@code filter}'s period lies in a stored day.
     */
    String otherDays(CostFilter filter) {
        if (stored.isEmpty()) {
            return filter.timeRange();
        }
        LocalDate first = stored.firstKey();
        LocalDate end = stored.lastKey().plusDays(1);
        boolean whole = filter.from().equals(start(first)) && filter.to().equals(start(end))
                && stored.size() == first.until(end, ChronoUnit.DAYS);
        return whole ? null : filter.timeRange() + " AND NOT " + DaySums.dayIn(stored.keySet());
    }

    private static Instant start(LocalDate day) {
        return day.atStartOfDay(ZoneOffset.UTC).toInstant();
    }
}
