package dev.costpipe.clickhouse.report;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code costpipe clickhouse sum-days}: stores the report's sums per day ({@link DaySums}) of the days over in a
 * period, as the report's first run over them would, so that the next report (Monday's weekly, a report sent by
 * the notifier) reads them instead of summing the rows. Run it daily, after midnight UTC, beside retention.
 */
public final class DaySumsJob {
    private DaySumsJob() {}

    /**
     * Stores the sums of the days from {@code first} to the last day over before {@code now} (at most {@code end},
     * exclusive) that have rows and no stored sums at their current fingerprint; returns every day of the period
     * whose sums are now stored (written now or before).
     *
     * A day whose write the server refuses, or whose rows changed while it was summed, is left out (a later run
     * stores it).
     *
     * @throws ReportException where sums are not kept (a custom table, a layout migration under way, a server
     *     without V010–V013) or temporary tables cannot be made ({@code readonly=1})
     */
    public static Set<LocalDate> run(ClickHouseReader reader, CostTable table, LocalDate first, LocalDate end,
            Instant now) {
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        LocalDate last = end.isAfter(today) ? today : end;
        if (!first.isBefore(last)) {
            return Set.of();
        }
        String range = SqlTime.range(first.atStartOfDay(ZoneOffset.UTC).toInstant(),
                last.atStartOfDay(ZoneOffset.UTC).toInstant());
        CostSource source = CostSource.of(reader, table);
        Map<LocalDate, Long> fingerprints = DaySums.fingerprints(reader, table, source, range, DayGrid.ALL);
        if (fingerprints == null) {
            throw new ReportException("no sums per day are kept for " + table + ": a custom table, a layout migration"
                    + " under way (costpipe clickhouse migrate-layout) or a server the sink has not migrated to V013");
        }
        try (ReportRows rows = ReportRows.create(reader, source, range)) {
            if (rows == null) {
                throw new ReportException("the server refused the temporary tables the sums are made from"
                        + " (a user with readonly=1?)");
            }
            Set<LocalDate> spread = rows.daysOfRequestsOnSeveralDays(range);
            try (DaySums.All sums = DaySums.of(rows.session(), table, source, rows, DayGrid.ALL, range, fingerprints,
                    spread, now)) {
                Set<LocalDate> stored = new TreeSet<>(fingerprints.keySet());
                DayGrid.ALL.forEach(grid -> stored.retainAll(sums.get(grid).storedDays()));
                return stored;
            }
        }
    }
}
