package dev.costpipe.clickhouse.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.clickhouse.client.api.Client;
import dev.costpipe.clickhouse.report.CostRows.Row;
import dev.costpipe.testsupport.ClickHouseTestServer;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The report and {@code costpipe query} read only the period asked for (issue 14): run with ClickHouse's
 * {@code force_primary_key} and {@code force_index_by_date}, which refuse any read of a MergeTree table whose
 * primary key (time first) or partition key (the week) cannot narrow it, they give the same answers as without. The
 * history holds other weeks and requests stored twice (re-deliveries), so the deduplicating paths run too; the
 * report's first run stores and seals its days' sums under these settings; a read with no time condition is refused
 * under them, so they are in force.
 */
class PeriodBoundedReadsTest {
    private static final IsoWeek WEEK = WeeklyReportGeneratedTrafficTest.WEEK;
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-24T07:00:00Z"), ZoneOffset.UTC);

    private static ClickHouseTestServer server;
    private static Client bounded;
    private static String db;

    @BeforeAll
    static void load() {
        server = ClickHouseTestServer.shared();
        db = CostRows.createDatabase(server, "bounded");
        List<Row> rows = new ArrayList<>(WeeklyReportGeneratedTrafficTest.traffic());
        for (int week = 1; week <= 8; week++) { // older history the reads must not touch
            rows.add(CostRows.row("old-" + week, WEEK.monday().minusWeeks(week + 2) + " 10:00:00").user("user-03")
                    .tokens(100, 10));
        }
        CostRows.insert(server, db, rows);
        CostRows.insert(server, db, WeeklyReportGeneratedTrafficTest.redelivered(rows));
        bounded = new Client.Builder().addEndpoint(server.httpUrl()).setUsername("default").setPassword("")
                .compressServerResponse(false).serverSetting("force_primary_key", "1")
                .serverSetting("force_index_by_date", "1").build();
    }

    @AfterAll
    static void drop() {
        bounded.close();
        CostRows.dropDatabase(server, db);
    }

    @Test
    void theSettingsRefuseAReadWithoutATimeCondition() {
        assertThatThrownBy(() -> ClickHouseReader.of(bounded).select("SELECT count() AS n FROM " + db
                + ".request_costs WHERE user_id = 'user-03' FORMAT JSONEachRow"))
                .hasMessageContaining("SELECT count()");
    }

    @Test
    void theWeeklyReportReadsOnlyItsWeeksStoresItsSumsAndGivesTheSameAnswer() {
        String first = report(ClickHouseReader.of(bounded));
        // the first run stored and sealed the two weeks' sums per day under the same settings (a refused read there
        // would only log, and leave the days to be summed from the rows every time)
        for (String table : List.of("report_day_sums", "report_day_property_sums", "report_day_session_sums")) {
            assertThat(server.query("SELECT uniqExact(day) AS days FROM " + db + "." + table + " WHERE sealed = 1"
                    + " FORMAT JSONEachRow").get(0).get("days")).as(table).isEqualTo("14");
        }
        String later = report(ClickHouseReader.of(bounded));
        assertThat(later).isEqualTo(first).isEqualTo(report(ClickHouseReader.of(server.client())));
    }

    @Test
    void sumDaysReadsAndStoresOnlyItsDays() {
        LocalDate first = WEEK.monday().minusWeeks(10);
        LocalDate end = WEEK.previous().monday();
        assertThat(DaySumsJob.run(ClickHouseReader.of(bounded), CostTable.of(db), first, end, CLOCK.instant()))
                .as("the eight older days with a request").hasSize(8);
        assertThat(server.query("SELECT uniqExact(day) AS days FROM " + db + ".report_day_sums WHERE sealed = 1"
                + " AND day < " + DaySums.date(end) + " FORMAT JSONEachRow").get(0).get("days")).isEqualTo("8");
    }

    @Test
    void queryTotalsReadOnlyTheirPeriodAndGiveTheSameAnswer() {
        Instant from = WEEK.start();
        Instant to = WEEK.end();
        for (CostFilter filter : List.of(CostFilter.all().between(from, to),
                CostFilter.all().between(from, to).withUser("user-03"),
                CostFilter.all().between(from, to).withProperty("Environment", "staging"),
                CostFilter.all().between(from, from.plusSeconds(86_400)).withModel("gpt-4o"))) {
            CostQuery.Totals expected = new CostQuery(ClickHouseReader.of(server.client()), CostTable.of(db))
                    .totals(filter);
            assertThat(expected.requests()).as(filter.toString()).isPositive();
            assertThat(new CostQuery(ClickHouseReader.of(bounded), CostTable.of(db)).totals(filter))
                    .as(filter.toString()).isEqualTo(expected);
        }
    }

    private static String report(ClickHouseReader reader) {
        return WeeklyReport.generate(reader, new WeeklyReport.Options(CostTable.of(db), WEEK, ReportFormat.JSON), CLOCK)
                .render(ReportFormat.JSON);
    }
}
