package dev.costpipe.clickhouse.report;

import static dev.costpipe.clickhouse.report.CostRows.row;
import static org.assertj.core.api.Assertions.assertThat;

import dev.costpipe.clickhouse.report.CostRows.Row;
import dev.costpipe.clickhouse.sink.ClickHouseMigrations;
import dev.costpipe.testsupport.ClickHouseTestServer;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Old and new layouts give the same answers on the same data (issue 14): the generated traffic of
 * {@link WeeklyReportGeneratedTrafficTest} with its re-deliveries, three requests of an unknown model, plus revisions of some requests (another user,
 * another cost, a later version), written into a database in the layout before V008 (ORDER BY request_id, monthly
 * partitions), one in the time-led layout, and one in the middle of {@code migrate-layout} (V008 applied to the
 * old database, nothing copied yet: reads combine both tables). Every view (old and new layout), the weekly report
 * and {@code costpipe query} totals and rows must agree. A fourth database keeps every version of every row in a
 * plain MergeTree {@code request_costs} (what {@code FINAL} would read if it collapsed nothing, as once seen in CI):
 * the report and the query must still count each request once, as its latest version.
 */
class LayoutEquivalenceTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-24T07:00:00Z"), ZoneOffset.UTC);

    private static ClickHouseTestServer server;
    private static String oldLayout;
    private static String timeLed;
    private static String migrating;
    private static String unmerged;
    /** The user a revised request had before its revision moved it to revised-user. */
    private static String userBeforeRevision;

    @BeforeAll
    static void load() {
        server = ClickHouseTestServer.shared();
        List<Row> rows = new ArrayList<>(WeeklyReportGeneratedTrafficTest.traffic());
        for (int i = 0; i < 3; i++) { // the traffic prices every model; v_unknown_model_requests needs one it does not
            rows.add(row("unknown-" + i, "2026-11-1" + (6 + i) + " 09:00:00").model("openai", "gpt-6-preview", null)
                    .user("user-03").tokens(500, 50).unknownModel());
        }
        List<Row> revisions = new ArrayList<>();
        for (int i = 7; i < rows.size(); i += 50) {
            Row first = rows.get(i);
            revisions.add(row(first.requestId, first.timestamp).model("openai", "gpt-4o", "openai/gpt-4o")
                    .user("revised-user").session("sess-revised", "agent-run", "/step").property("Environment", "staging")
                    .tokens(1_000, 100).cost("input", 2_500_000L, "output", 1_000_000L)
                    .ingestedAt("2026-11-30 00:00:05"));
        }
        userBeforeRevision = rows.get(7).userId;
        oldLayout = beforeV008("old");
        migrating = beforeV008("migrating");
        timeLed = CostRows.createDatabase(server, "time_led");
        unmerged = CostRows.createDatabase(server, "unmerged");
        server.execute("DROP TABLE " + unmerged + ".request_costs");
        server.execute("CREATE TABLE " + unmerged + ".request_costs AS " + timeLed + ".request_costs ENGINE = MergeTree"
                + " PARTITION BY toMonday(timestamp) ORDER BY (timestamp, request_id)");
        for (String db : List.of(oldLayout, migrating, timeLed, unmerged)) {
            CostRows.insert(server, db, rows);
            CostRows.insert(server, db, WeeklyReportGeneratedTrafficTest.redelivered(rows));
            CostRows.insert(server, db, revisions);
        }
        // V008 on the old database: its rows move to request_costs_before_v008, reads combine both tables
        new ClickHouseMigrations(server.client(), migrating).migrate();
        assertThat(server.query("SELECT count() AS n FROM " + migrating + ".request_costs FORMAT JSONEachRow").get(0))
                .containsEntry("n", "0");
        assertThat(server.query("SELECT count() - uniqExact(request_id) AS extra FROM " + unmerged
                + ".request_costs FORMAT JSONEachRow").get(0).get("extra")).isNotEqualTo("0");
    }

    /** The sink's schema without V008 (V009 shipped first), views included: what the previous version left. */
    private static String beforeV008(String prefix) {
        String db = "report_" + prefix + "_" + Long.toHexString(System.nanoTime());
        server.execute("CREATE DATABASE " + db);
        for (String migration : ClickHouseMigrations.MIGRATIONS) {
            if (!migration.startsWith("V008")) {
                server.execute(ClickHouseMigrations.resource("migrations/" + migration).replace("{db}", db).strip());
            }
        }
        for (String view : ClickHouseMigrations.VIEWS) {
            server.execute(ClickHouseMigrations.resource("views/" + view).replace("{db}", db).strip());
        }
        return db;
    }

    @AfterAll
    static void drop() {
        for (String db : List.of(oldLayout, migrating, timeLed, unmerged)) {
            CostRows.dropDatabase(server, db);
        }
    }

    @Test
    void everyViewGivesTheSameRowsOnBothLayouts() {
        for (String file : ClickHouseMigrations.VIEWS) {
            String view = file.replace(".sql", "");
            List<Map<String, Object>> before = server.query("SELECT * FROM " + oldLayout + "." + view
                    + " FORMAT JSONEachRow");
            List<Map<String, Object>> after = server.query("SELECT * FROM " + timeLed + "." + view
                    + " FORMAT JSONEachRow");
            assertThat(before).as(view).isNotEmpty();
            assertThat(after).as(view).containsExactlyInAnyOrderElementsOf(before);
        }
    }

    @Test
    void theWeeklyReportIsTheSameOnEveryLayoutAndDuringTheMigration() {
        for (IsoWeek week : List.of(WeeklyReportGeneratedTrafficTest.WEEK, WeeklyReportGeneratedTrafficTest.WEEK.previous())) {
            String before = report(oldLayout, week);
            assertThat(report(timeLed, week)).isEqualTo(before);
            assertThat(report(migrating, week)).isEqualTo(before);
            assertThat(report(unmerged, week)).isEqualTo(before);
            // again, now that the days' sums are stored: the revised requests' latest versions, read only with the
            // columns of the sections that still read rows
            assertThat(report(timeLed, week)).isEqualTo(before);
            assertThat(report(unmerged, week)).isEqualTo(before);
        }
    }

    private static String report(String db, IsoWeek week) {
        return WeeklyReport.generate(ClickHouseReader.of(server.client()),
                new WeeklyReport.Options(CostTable.of(db), week, ReportFormat.JSON), CLOCK).render(ReportFormat.JSON)
                .replace(db, "DB");
    }

    @Test
    void queryTotalsAndRowsAreTheSameOnEveryLayoutAndDuringTheMigration() {
        Instant from = WeeklyReportGeneratedTrafficTest.WEEK.start();
        Instant to = WeeklyReportGeneratedTrafficTest.WEEK.end();
        List<CostFilter> filters = List.of(CostFilter.all(), CostFilter.all().between(from, to),
                CostFilter.all().between(from, to).withUser("revised-user"),
                CostFilter.all().between(from, to).withUser("user-03"),
                CostFilter.all().between(from, to).withProperty("Environment", "staging"),
                CostFilter.all().between(from, from.plusSeconds(86_400)).withModel("gpt-4o"),
                CostFilter.all().withSessionName("agent-run"));
        for (CostFilter filter : filters) {
            CostQuery.Totals before = query(oldLayout).totals(filter);
            assertThat(before.requests()).as(filter.toString()).isPositive();
            assertThat(query(timeLed).totals(filter)).as(filter.toString()).isEqualTo(before);
            assertThat(query(migrating).totals(filter)).as(filter.toString()).isEqualTo(before);
            assertThat(query(unmerged).totals(filter)).as(filter.toString()).isEqualTo(before);
            CostQuery.RowsResult rows = query(oldLayout).rows(filter, 50);
            assertThat(query(timeLed).rows(filter, 50)).as(filter.toString()).isEqualTo(rows);
            assertThat(query(migrating).rows(filter, 50)).as(filter.toString()).isEqualTo(rows);
            assertThat(query(unmerged).rows(filter, 50)).as(filter.toString()).isEqualTo(rows);
        }
    }

    /**
     * A filtered query deduplicates only the requests that met the filter in some version, then filters their latest
     * version: the same answer as deduplicating every request of the period first, computed here directly on the
     * database that keeps every version. A revision moved requests from {@code userBeforeRevision} (and from
     * production, and from other models) to revised-user, staging and gpt-4o.
     */
    @Test
    void narrowedQueriesCountEachRequestOnceAsItsLatestVersion() {
        Instant from = WeeklyReportGeneratedTrafficTest.WEEK.previous().start();
        Instant to = WeeklyReportGeneratedTrafficTest.WEEK.end();
        assertThat(userBeforeRevision).isNotNull().isNotEqualTo("revised-user");
        List<CostFilter> filters = List.of(CostFilter.all().between(from, to).withUser(userBeforeRevision),
                CostFilter.all().between(from, to).withUser("revised-user"),
                CostFilter.all().between(from, to).withProperty("Environment", "production"),
                CostFilter.all().between(from, to).withModel("gpt-4o"),
                CostFilter.all().withSession("sess-revised"));
        for (CostFilter filter : filters) {
            Map<String, Object> expected = server.query("SELECT count() AS requests,"
                    + " toInt64(ifNull(sum(cost_nano_usd), 0)) AS cost FROM (SELECT * FROM " + unmerged
                    + ".request_costs ORDER BY ingested_at DESC LIMIT 1 BY request_id) WHERE " + filter.whereClause()
                    + " FORMAT JSONEachRow").get(0);
            assertThat(Long.parseLong((String) expected.get("requests"))).as(filter.toString()).isPositive();
            for (String db : List.of(oldLayout, timeLed, migrating, unmerged)) {
                CostQuery.Totals totals = query(db).totals(filter);
                assertThat(totals.requests()).as(db + " " + filter).isEqualTo(Long.parseLong((String) expected.get("requests")));
                assertThat(totals.costNanoUsd()).as(db + " " + filter).isEqualTo(Long.parseLong((String) expected.get("cost")));
            }
        }
    }

    /** The report reads a temporary table of its session; a reader without sessions deduplicates per section. */
    @Test
    void theReportIsTheSameWithoutASession() {
        ClickHouseReader session = ClickHouseReader.of(server.client()).session();
        session.select("CREATE TEMPORARY TABLE session_check ENGINE = Memory AS SELECT 1 AS x");
        assertThat(session.select("SELECT x FROM session_check FORMAT JSONEachRow")).hasSize(1);
        session.select("DROP TEMPORARY TABLE session_check");
        ClickHouseReader withoutSession = sql -> ClickHouseReader.of(server.client()).select(sql);
        assertThat(withoutSession.session()).isNull();
        for (String db : List.of(timeLed, unmerged)) {
            assertThat(WeeklyReport.generate(withoutSession, new WeeklyReport.Options(CostTable.of(db),
                    WeeklyReportGeneratedTrafficTest.WEEK, ReportFormat.JSON), CLOCK).render(ReportFormat.JSON)
                    .replace(db, "DB")).isEqualTo(report(db, WeeklyReportGeneratedTrafficTest.WEEK));
        }
    }

    private static CostQuery query(String db) {
        return new CostQuery(ClickHouseReader.of(server.client()), CostTable.of(db));
    }
}
