package dev.costpipe.clickhouse.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.costpipe.clickhouse.report.CostRows.Row;
import dev.costpipe.clickhouse.sink.ClickHouseMigrations;
import dev.costpipe.testsupport.ChdbEngine;
import dev.costpipe.testsupport.ClickHouseTestServer;
import dev.costpipe.testsupport.SqlEngine;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code costpipe clickhouse sum-days} on a current ClickHouse (26, through chDB) beside 18.16, on DaySumsTest's two
 * weeks of rows: the days it stores, and the sums it stores for each (every column but the random batch id and the
 * fingerprint), are the same on both; each day's fingerprint is that of the day's stored rows on its own engine; a
 * later run stores only the days that were not over, on both; the weekly report reading them prints the same.
 *
 * <p>The fingerprints differ on one day: 18 November, whose request "revised" came in one insert with both its
 * versions. 26 keeps only the latest of them at the insert ({@code optimize_on_insert}, 1 by default since 20.x;
 * 18.16 has no such setting and stores both until a merge), so the day's stored rows, and their fingerprint, differ.
 * Each engine compares fingerprints of its own rows only, so the sums are used alike.
 */
class CurrentClickHouseSumDaysTest {
    private static final LocalDate NOV_9 = LocalDate.parse("2026-11-09");
    private static final LocalDate NOV_23 = LocalDate.parse("2026-11-23");

    private static ClickHouseTestServer old;
    private static ChdbEngine current;
    private static String database;

    @BeforeAll
    static void load() {
        old = ClickHouseTestServer.shared();
        database = CostRows.createDatabase(old, "sumdays26");
        CostRows.insert(old, database, DaySumsTest.rows());

        current = ChdbEngine.start();
        for (String statement : ClickHouseMigrations.newDatabaseStatements(database)) {
            current.execute(statement);
        }
        current.execute("DROP TABLE IF EXISTS " + database + ".request_costs_before_v008");
        current.insertJsonEachRow(database + ".request_costs",
                DaySumsTest.rows().stream().map(Row::json).collect(Collectors.joining("\n", "", "\n")));
    }

    @AfterAll
    static void stop() {
        if (current != null) {
            current.close();
        }
        CostRows.dropDatabase(old, database);
    }

    @Test
    void sumDaysStoresTheSameDaysAndSumsOnBoth() {
        Instant saturday = Instant.parse("2026-11-21T06:00:00Z");
        Set<LocalDate> stored = sumDays(new ChdbReader(current), saturday);
        assertThat(stored).isEqualTo(sumDays(ClickHouseReader.of(old.client()), saturday))
                .as("the days over, 9 to 20 November").hasSize(12);
        for (DayGrid grid : DayGrid.ALL) {
            assertThat(sums(current, grid)).as(grid.table()).isNotEmpty().isEqualTo(sums(old, grid));
        }
        Map<LocalDate, Long> on26 = storedFingerprints(current);
        Map<LocalDate, Long> on1816 = storedFingerprints(old);
        assertThat(on26).isEqualTo(fingerprintsOfTheRows(new ChdbReader(current), on26.keySet()));
        assertThat(on1816).isEqualTo(fingerprintsOfTheRows(ClickHouseReader.of(old.client()), on1816.keySet()));
        assertThat(on26.keySet()).isEqualTo(on1816.keySet()).isEqualTo(stored);
        assertThat(on26.keySet().stream().filter(day -> !on26.get(day).equals(on1816.get(day))))
                .containsExactly(LocalDate.parse("2026-11-18"));

        Instant later = Instant.parse("2026-12-01T00:00:00Z");
        assertThat(sumDays(new ChdbReader(current), later)).isEqualTo(sumDays(ClickHouseReader.of(old.client()), later))
                .hasSize(14);
        for (DayGrid grid : DayGrid.ALL) {
            assertThat(sums(current, grid)).as(grid.table()).isEqualTo(sums(old, grid));
        }
        String batches = "SELECT uniqExact(batch) AS n FROM " + database + ".report_day_sums FORMAT JSONEachRow";
        assertThat(current.query(batches).get(0).get("n").toString()).as("21 and 22 November in a second batch")
                .isEqualTo(old.query(batches).get(0).get("n").toString()).isEqualTo("2");

        WeeklyReport.Options w47 = new WeeklyReport.Options(CostTable.of(database), IsoWeek.parse("2026-W47"),
                ReportFormat.JSON);
        Clock clock = Clock.fixed(later, ZoneOffset.UTC);
        assertThat(WeeklyReport.generate(new ChdbReader(current), w47, clock).render(ReportFormat.JSON))
                .isEqualTo(WeeklyReport.generate(ClickHouseReader.of(old.client()), w47, clock)
                        .render(ReportFormat.JSON));
    }

    private static Set<LocalDate> sumDays(ClickHouseReader reader, Instant now) {
        return DaySumsJob.run(reader, CostTable.of(database), NOV_9, NOV_23, now);
    }

    /** Each day's fingerprint in report_day_sums. */
    private static Map<LocalDate, Long> storedFingerprints(SqlEngine engine) {
        Map<LocalDate, Long> out = new TreeMap<>();
        for (Map<String, Object> row : engine.query("SELECT DISTINCT toString(day) AS day, toString(fingerprint) AS fp"
                + " FROM " + database + ".report_day_sums FORMAT JSONEachRow")) {
            LocalDate day = LocalDate.parse((String) row.get("day"));
            assertThat(out.put(day, Long.parseUnsignedLong((String) row.get("fp")))).as("one fingerprint per day")
                    .isNull();
        }
        return out;
    }

    /** The fingerprints of those days' stored rows now, as the report takes them. */
    private static Map<LocalDate, Long> fingerprintsOfTheRows(ClickHouseReader reader, Set<LocalDate> days) {
        CostTable table = CostTable.of(database);
        Map<LocalDate, Long> out = new TreeMap<>(DaySums.Fingerprints.of(reader, CostSource.of(reader, table),
                SqlTime.range(NOV_9.atStartOfDay(ZoneOffset.UTC).toInstant(),
                        NOV_23.atStartOfDay(ZoneOffset.UTC).toInstant())).byDay());
        out.keySet().retainAll(days);
        return out;
    }

    /**
     * A grid's stored rows, every value as text (18.16 quotes 64-bit integers, 26 does not) but the batch id (a
     * random number) and the fingerprint, sorted. Reads take the sums from the rows with {@code sealed = 0} only.
     */
    private static List<String> sums(SqlEngine engine, DayGrid grid) {
        List<String> out = new ArrayList<>();
        for (Map<String, Object> row : engine.query("SELECT * FROM " + database + "." + grid.table()
                + " FORMAT JSONEachRow")) {
            Map<String, String> values = new TreeMap<>();
            // the seal row's DateTime columns hold 0: "0000-00-00 00:00:00" on 18.16, "1970-01-01 00:00:00" on 26
            row.forEach((column, value) ->
                    values.put(column, String.valueOf(value).replace("0000-00-00", "1970-01-01")));
            values.remove("batch");
            values.remove("fingerprint");
            out.add(values.toString());
        }
        out.sort(null);
        return out;
    }
}
