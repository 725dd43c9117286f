package dev.costpipe.clickhouse.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.costpipe.clickhouse.report.CostQuery.Format;
import dev.costpipe.clickhouse.report.CostQuery.Output;
import dev.costpipe.clickhouse.report.CostRows.Row;
import dev.costpipe.clickhouse.sink.ClickHouseMigrations;
import dev.costpipe.testsupport.ChdbEngine;
import dev.costpipe.testsupport.ClickHouseTestServer;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code costpipe report weekly} and {@code costpipe query} on a current ClickHouse (26, through chDB) beside
 * 18.16, on the same rows (WeeklyReportTest's four weeks, r16 delivered twice): every report format of every week,
 * first run (the days' sums computed and stored) and second (read back), and {@code costpipe query}'s totals and
 * rows for many filters (hostile values included), before and after the sums are stored, print the same on both.
 */
class CurrentClickHouseReportTest {
    private static final List<String> WEEKS = List.of("2026-W45", "2026-W46", "2026-W47", "2026-W48");

    private static ClickHouseTestServer old;
    private static ChdbEngine current;
    private static String database;

    @BeforeAll
    static void load() {
        old = ClickHouseTestServer.shared();
        database = CostRows.createDatabase(old, "ch26");
        CostRows.insert(old, database, WeeklyReportTest.rows());
        CostRows.insert(old, database, List.of(WeeklyReportTest.r16().ingestedAt("2026-12-01 00:00:00")));

        current = ChdbEngine.start();
        for (String statement : ClickHouseMigrations.newDatabaseStatements(database)) {
            current.execute(statement);
        }
        current.execute("DROP TABLE IF EXISTS " + database + ".request_costs_before_v008");
        current.insertJsonEachRow(database + ".request_costs", lines(WeeklyReportTest.rows()));
        current.insertJsonEachRow(database + ".request_costs",
                lines(List.of(WeeklyReportTest.r16().ingestedAt("2026-12-01 00:00:00"))));
    }

    @AfterAll
    static void stop() {
        if (current != null) {
            current.close();
        }
        CostRows.dropDatabase(old, database);
    }

    private static String lines(List<Row> rows) {
        return rows.stream().map(Row::json).collect(Collectors.joining("\n", "", "\n"));
    }

    private static ClickHouseReader oldReader() {
        return ClickHouseReader.of(old.client());
    }

    private static Clock clock() {
        return Clock.fixed(Instant.parse("2026-11-25T08:30:00Z"), ZoneOffset.UTC);
    }

    @Test
    void theWeeklyReportIsTheSameOnClickHouse26InEveryFormatFirstRunAndLater() {
        for (int run = 1; run <= 2; run++) {
            for (String week : WEEKS) {
                WeeklyReport.Options options =
                        new WeeklyReport.Options(CostTable.of(database), IsoWeek.parse(week), ReportFormat.JSON);
                WeeklyReport on1816 = WeeklyReport.generate(oldReader(), options, clock());
                WeeklyReport on26 = WeeklyReport.generate(new ChdbReader(current), options, clock());
                for (ReportFormat format : ReportFormat.values()) {
                    assertThat(on26.render(format)).as("run %d, %s, %s", run, week, format)
                            .isEqualTo(on1816.render(format));
                }
            }
        }
        // the first run stored the days' sums on both: the second read them
        String sums = "SELECT count() AS n FROM " + database + ".report_day_sums FORMAT JSONEachRow";
        assertThat(current.query(sums).get(0).get("n").toString()).isNotEqualTo("0")
                .isEqualTo(old.query(sums).get(0).get("n").toString());
    }

    @Test
    void everyQueryPrintsTheSameOnClickHouse26() {
        Instant w47 = Instant.parse("2026-11-16T00:00:00Z");
        Instant w48 = Instant.parse("2026-11-23T00:00:00Z");
        List<CostFilter> filters = new ArrayList<>(List.of(
                CostFilter.all(),
                CostFilter.all().between(w47, w48),
                CostFilter.all().between(Instant.parse("2026-11-17T10:00:00Z"), Instant.parse("2026-11-17T11:00:01Z")),
                CostFilter.all().withUser("alice"),
                CostFilter.all().withUser("<script>alert(\"x\")</script>"),
                CostFilter.all().withSession("s-a2"),
                CostFilter.all().withSessionName("support-chat").between(w47, w48),
                CostFilter.all().withProperty("Environment", "production").between(w47, w48),
                CostFilter.all().withProperty("Team", "search").withUser("alice"),
                CostFilter.all().withModel("gpt-4o"),
                CostFilter.all().withProvider("anthropic").between(w47, w48)));
        for (String hostile : CostQueryTest.HOSTILE) {
            filters.add(CostFilter.all().withUser(hostile).withProperty("Team", hostile));
        }
        CostQuery on1816 = new CostQuery(oldReader(), CostTable.of(database));
        CostQuery on26 = new CostQuery(new ChdbReader(current), CostTable.of(database));
        // before and after a report has stored W47's sums per day and property value (totals read them then)
        for (boolean sumsStored : new boolean[] {false, true}) {
            if (sumsStored) {
                WeeklyReport.Options w47Report =
                        new WeeklyReport.Options(CostTable.of(database), IsoWeek.parse("2026-W47"), ReportFormat.JSON);
                WeeklyReport.generate(oldReader(), w47Report, clock());
                WeeklyReport.generate(new ChdbReader(current), w47Report, clock());
            }
            int matching = 0;
            for (CostFilter filter : filters) {
                // the format only renders what the SQL returned: JSON shows every field
                for (Output output : Output.values()) {
                    CostQuery.Options options = new CostQuery.Options(filter, output, Format.JSON, 5);
                    String expected = on1816.run(options);
                    assertThat(on26.run(options)).as("%s %s, sums stored: %s", filter, output, sumsStored)
                            .isEqualTo(expected);
                    matching += output == Output.ROWS && !expected.isBlank() ? 1 : 0;
                }
            }
            assertThat(matching).as("filters matching rows").isGreaterThanOrEqualTo(10);
        }
    }
}
