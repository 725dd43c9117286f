package dev.costpipe.clickhouse.report;

import static dev.costpipe.clickhouse.report.CostRows.row;
import static org.assertj.core.api.Assertions.assertThat;

import dev.costpipe.clickhouse.layout.Retention;
import dev.costpipe.clickhouse.report.CostRows.Row;
import dev.costpipe.testsupport.ClickHouseTestServer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The report's sums per day (the tables of {@link DayGrid#ALL}) on a real server:
 * the report that stores them, the reports that read them back, and the report of a database without those
 * tables (every day summed from its rows) give the same answers on the same rows; a day changed after its sums
 * were stored is summed from its rows again; a day not over, or holding a version of a request that has another
 * on another day, is never stored.
 */
class DaySumsTest {
    private static final IsoWeek W47 = IsoWeek.parse("2026-W47");

    private ClickHouseTestServer server;
    private String kept;
    private String withoutTables;

    @BeforeEach
    void databases() {
        server = ClickHouseTestServer.shared();
        kept = CostRows.createDatabase(server, "sums");
        withoutTables = CostRows.createDatabase(server, "nosums");
        for (DayGrid grid : DayGrid.ALL) {
            server.execute("DROP TABLE " + withoutTables + "." + grid.table());
        }
        insert(rows());
        insert(List.of(row("re-delivered", "2026-11-17 10:00:00").user("u1").session("s1", "chat", "/")
                .tokens(900, 90).cost("input", 4_000L, "output", 500L).ingestedAt("2026-11-30 00:00:09")));
    }

    @AfterEach
    void drop() {
        CostRows.dropDatabase(server, kept);
        CostRows.dropDatabase(server, withoutTables);
    }

    @Test
    void storedSumsGiveTheAnswersOfTheRows() {
        String fromRows = report(withoutTables, "2026-12-01T00:00:00Z");
        assertThat(report(kept, "2026-12-01T00:00:00Z")).as("the report that stores the sums").isEqualTo(fromRows);
        assertThat(sealedDays("report_day_sums")).as("W46 and W47, each day with rows").hasSize(14);
        assertThat(sealedDays("report_day_property_sums")).as("10 November too, with no sums").hasSize(14);
        assertThat(sealedDays("report_day_session_sums")).hasSize(14);
        assertThat(report(kept, "2026-12-01T00:00:00Z")).as("a report reading them").isEqualTo(fromRows);
        assertThat(batches("report_day_sums")).as("nothing stored twice").isEqualTo(1);

        // The sums are really read: a second sealed batch of the same days, with doubled costs and a lower
        // batch id (picked first), doubles the week's cost.
        server.execute("INSERT INTO " + kept + ".report_day_sums SELECT day, fingerprint, 0, definition, sealed,"
                + " batch_rows, provider, model, model_key, pricing_status, usage_source, cache_hit, non_production,"
                + " short_rates, requests_n, priced_n, cost_sum * 2, input_tokens_sum, output_tokens_sum,"
                + " cache_read_tokens_sum, cache_savings_sum, input_side_cost_sum, output_side_cost_sum"
                + " FROM " + kept + ".report_day_sums");
        assertThat(weekCost(kept)).isEqualTo(2 * weekCost(withoutTables));
    }

    @Test
    void sumDaysStoresWhatTheNextReportReads() {
        Set<LocalDate> stored = DaySumsJob.run(ClickHouseReader.of(server.client()), CostTable.of(kept),
                LocalDate.parse("2026-11-09"), LocalDate.parse("2026-11-23"), Instant.parse("2026-11-21T06:00:00Z"));
        assertThat(stored).as("the days over, 9 to 20 November").hasSize(12)
                .contains(LocalDate.parse("2026-11-09"), LocalDate.parse("2026-11-20"));
        assertThat(sealedDays("report_day_sums")).hasSize(12);
        assertThat(report(kept, "2026-12-01T00:00:00Z")).isEqualTo(report(withoutTables, "2026-12-01T00:00:00Z"));
        assertThat(batches("report_day_sums")).as("the report stored only 21 and 22 November").isEqualTo(2);
        assertThat(DaySumsJob.run(ClickHouseReader.of(server.client()), CostTable.of(kept),
                LocalDate.parse("2026-11-09"), LocalDate.parse("2026-11-23"), Instant.parse("2026-12-01T00:00:00Z")))
                .hasSize(14);
        assertThat(batches("report_day_sums")).as("nothing stored again").isEqualTo(2);
    }

    @Test
    void aPropertyValuesQueryReadsTheStoredDays() {
        insert(List.of(row("writes", "2026-11-19 11:00:00").property("Team", "search").tokens(50, 5)
                        .cacheWrite(40, 30).reasoning(7).cost("input", 70L),
                row("moved", "2026-11-17 08:00:00").property("Team", "search").tokens(10, 1).cost("input", 500L)));
        report(kept, "2026-12-01T00:00:00Z");
        List<CostFilter> filters = List.of(
                week(W47).withProperty("Team", "search"),
                week(W47).withProperty("Environment", "prod"),
                CostFilter.all().between(Instant.parse("2026-11-15T12:00:00Z"), Instant.parse("2026-11-20T06:00:00Z"))
                        .withProperty("Team", "ads"),
                CostFilter.all().between(W47.start().minus(Duration.ofDays(7)), W47.end())
                        .withProperty("Environment", "dev"),
                week(W47).withProperty("Team", "nobody"),
                week(IsoWeek.parse("2026-W46")).withProperty("Team", "billing")); // no request with two rows
        for (CostFilter filter : filters) {
            assertThat(totals(kept, filter)).as(filter.toString()).isEqualTo(totals(withoutTables, filter));
        }
        CostQuery.Totals team = totals(kept, filters.get(0));
        assertThat(team.cacheWriteTokens()).isEqualTo(70);
        assertThat(team.reasoningTokens()).isEqualTo(7);

        // A later version of a request of a stored day, on a day not stored: both days are read from their rows
        // (reading 17 November's sums would count the request's first version too).
        insert(List.of(row("moved", "2026-11-23 08:00:00").property("Team", "search").tokens(10, 1)
                .cost("input", 600L).ingestedAt("2026-11-30 00:00:07")));
        CostFilter spread = CostFilter.all().between(W47.start(), W47.end().plus(Duration.ofDays(1)))
                .withProperty("Team", "search");
        assertThat(totals(kept, spread)).isEqualTo(totals(withoutTables, spread));
        assertThat(totals(kept, filters.get(0))).as("within W47 the request is on one day").isEqualTo(team);

        // The sums are really read: a second sealed batch with doubled costs and a lower batch id doubles them.
        String columns = String.join(", ", DayGrid.PROPERTIES.names());
        server.execute("INSERT INTO " + kept + ".report_day_property_sums (fingerprint, batch, definition, sealed,"
                + " batch_rows, " + columns + ") SELECT fingerprint, 0, definition, sealed, batch_rows, "
                + columns.replace("cost_sum", "cost_sum * 2") + " FROM " + kept + ".report_day_property_sums");
        assertThat(totals(kept, filters.get(0)).costNanoUsd()).isEqualTo(2 * team.costNanoUsd());
    }

    @Test
    void retentionDropsTheSumsWithTheirWeeks() {
        assertThat(Retention.DAY_SUMS).containsExactlyElementsOf(DayGrid.ALL.stream().map(DayGrid::table).toList());
    }

    @Test
    void aDayChangedAfterItsSumsWereStoredIsSummedFromItsRows() {
        report(kept, "2026-12-01T00:00:00Z");
        long before = weekCost(kept);
        // a revision of a request of Tuesday, and a new request on Friday
        insert(List.of(row("t-1", "2026-11-17 09:00:00").user("u1").tokens(100, 10).cost("input", 1_000_000L)
                        .ingestedAt("2026-12-01 00:00:01"),
                row("new", "2026-11-20 12:00:00").user("u9").property("Team", "new").tokens(10, 1)
                        .cost("input", 7L)));
        String fromRows = report(withoutTables, "2026-12-01T00:00:00Z");
        assertThat(report(kept, "2026-12-01T00:00:00Z")).isEqualTo(fromRows);
        assertThat(weekCost(kept)).isNotEqualTo(before).isEqualTo(weekCost(withoutTables));
    }

    @Test
    void daysNotOverAndDaysARequestSpansAreNotStored() {
        // a request whose later version is on another day (not what the sink writes: rows written otherwise)
        insert(List.of(row("moved", "2026-11-10 08:00:00").user("u2").tokens(10, 1).cost("input", 500L),
                row("moved", "2026-11-12 08:00:00").user("u3").tokens(10, 1).cost("input", 600L)
                        .ingestedAt("2026-11-30 00:00:07")));
        String now = "2026-11-19T12:00:00Z"; // Thursday of W47: Monday to Wednesday are over
        assertThat(report(kept, now)).isEqualTo(report(withoutTables, now));
        assertThat(sealedDays("report_day_sums")).containsExactly("2026-11-09", "2026-11-11", "2026-11-13",
                "2026-11-14", "2026-11-15", "2026-11-16", "2026-11-17", "2026-11-18");
    }

    static List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        String[] teams = {"search", "billing", "ads"};
        for (int day = 9; day <= 22; day++) {
            for (int i = 0; i < 6; i++) {
                String time = String.format("2026-11-%02d 0%d:30:00", day, i);
                Row r = row("t-" + (day - 8) + (i == 0 ? "" : "-" + i), time)
                        .user(i == 5 ? null : "u" + (i % 3)).tokens(100L * (i + 1), 10L * i);
                if (day != 10) { // 10 November: no request carries a property
                    r.property("Team", teams[(day + i) % 3]).property("Environment", i % 2 == 0 ? "prod" : "dev");
                }
                if (i % 3 == 0) {
                    r.session("s" + day, "chat", "/");
                }
                switch (i) {
                    case 1 -> r.cost("input", 1_000L * day, "output", 100L * i).cacheRead(20);
                    case 2 -> r.unknownModel();
                    case 3 -> r.cost("input", 2_000L * day).cacheHit(5_000L);
                    case 4 -> r.model("anthropic", "claude-opus-4-1", "anthropic/claude-opus-4-1")
                            .cost("input", 90_000L, "output", 75_000L);
                    default -> r.cost("input", 10_000L + day, "output", 1L).estimated();
                }
                rows.add(r);
            }
        }
        rows.add(row("re-delivered", "2026-11-17 10:00:00").user("u1").session("s1", "chat", "/").tokens(900, 90)
                .cost("input", 4_000L, "output", 500L));
        rows.add(row("revised", "2026-11-18 10:00:00").user("u1").tokens(10, 1).cost("input", 100L));
        rows.add(row("revised", "2026-11-18 10:00:00").user("u2").tokens(10, 1).cost("input", 300L)
                .ingestedAt("2026-11-30 00:00:01"));
        return rows;
    }

    private void insert(List<Row> rows) {
        CostRows.insert(server, kept, rows);
        CostRows.insert(server, withoutTables, rows);
    }

    /** The report as JSON, the database's name left out (the two databases' reports name theirs). */
    private String report(String database, String now) {
        WeeklyReport report = WeeklyReport.generate(ClickHouseReader.of(server.client()),
                new WeeklyReport.Options(CostTable.of(database), W47, null),
                Clock.fixed(Instant.parse(now), ZoneOffset.UTC));
        return JsonReport.render(report).replace(database, "db");
    }

    private CostQuery.Totals totals(String database, CostFilter filter) {
        return new CostQuery(ClickHouseReader.of(server.client()), CostTable.of(database)).totals(filter);
    }

    private static CostFilter week(IsoWeek week) {
        return CostFilter.all().between(week.start(), week.end());
    }

    private long weekCost(String database) {
        return WeeklyReport.generate(ClickHouseReader.of(server.client()),
                new WeeklyReport.Options(CostTable.of(database), W47, null),
                Clock.fixed(Instant.parse("2026-12-01T00:00:00Z"), ZoneOffset.UTC)).total().costNanoUsd();
    }

    private List<String> sealedDays(String table) {
        return server.query("SELECT DISTINCT toString(day) AS d FROM " + kept + "." + table
                + " WHERE sealed = 1 ORDER BY d FORMAT JSONEachRow").stream().map(r -> String.valueOf(r.get("d"))).toList();
    }

    private long batches(String table) {
        Map<String, Object> row = server.query("SELECT uniqExact(batch) AS n FROM " + kept + "." + table
                + " FORMAT JSONEachRow").get(0);
        return Long.parseLong(String.valueOf(row.get("n")));
    }
}
