package dev.costpipe.clickhouse.report;

import static dev.costpipe.clickhouse.report.CostRows.row;
import static org.assertj.core.api.Assertions.assertThat;

import dev.costpipe.clickhouse.report.CostRows.Row;
import dev.costpipe.testsupport.ClickHouseTestServer;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The report's rows on a real server: each request once, as its latest version, whether it was written once,
 * re-delivered (the same row twice, the same {@code ingested_at}), or revised (another user, cost or day within
 * the period); sections read them through the same session. (The report falls back to
 * per-section deduplication when the table cannot be made, which would hide a broken table: checked here.)
 */
class ReportRowsTest {
    @Test
    void holdsTheLatestVersionOfEachRequestOnce() {
        ClickHouseTestServer server = ClickHouseTestServer.shared();
        String db = CostRows.createDatabase(server, "report_rows");
        try {
            List<Row> first = List.of(row("once", "2026-11-16 09:00:00").user("a").tokens(100, 10).cost("input", 1_000L),
                    row("twice", "2026-11-17 09:00:00").user("a").tokens(100, 10).cost("input", 2_000L),
                    row("revised", "2026-11-18 09:00:00").user("a").tokens(100, 10).cost("input", 3_000L),
                    row("moved", "2026-11-16 10:00:00").user("a").tokens(100, 10).cost("input", 4_000L));
            CostRows.insert(server, db, first);
            CostRows.insert(server, db, List.of(first.get(1))); // re-delivered
            CostRows.insert(server, db, List.of(row("revised", "2026-11-18 09:00:00").user("b").tokens(100, 10)
                    .cost("input", 5_000L).ingestedAt("2026-11-30 00:00:05"),
                    row("moved", "2026-11-20 10:00:00").user("c").tokens(100, 10).cost("input", 6_000L)
                    .ingestedAt("2026-11-30 00:00:05")));
            ClickHouseReader reader = ClickHouseReader.of(server.client());
            String range = SqlTime.range(Instant.parse("2026-11-16T00:00:00Z"), Instant.parse("2026-11-23T00:00:00Z"));
            String latest = "SELECT request_id, toString(toDate(timestamp)) AS day, user_id,"
                    + " toString(cost_nano_usd) AS cost FROM %s WHERE " + range + " ORDER BY request_id FORMAT JSONEachRow";
            CostSource source = CostSource.of(reader, CostTable.of(db));
            try (ReportRows rows = ReportRows.create(reader, source, range)) {
                assertThat(rows).isNotNull();
                List<String> read = rows.session().select(latest.formatted(rows.from(range, "user_id, cost_nano_usd")))
                        .stream().map(Object::toString).toList();
                assertThat(read).containsExactly(
                                "{\"request_id\":\"moved\",\"day\":\"2026-11-20\",\"user_id\":\"c\",\"cost\":\"6000\"}",
                                "{\"request_id\":\"once\",\"day\":\"2026-11-16\",\"user_id\":\"a\",\"cost\":\"1000\"}",
                                "{\"request_id\":\"revised\",\"day\":\"2026-11-18\",\"user_id\":\"b\",\"cost\":\"5000\"}",
                                "{\"request_id\":\"twice\",\"day\":\"2026-11-17\",\"user_id\":\"a\",\"cost\":\"2000\"}");
                assertThat(reader.select(latest.formatted(source.from(range, "user_id, cost_nano_usd"))))
                        .as("the fallback without a session").extracting(Object::toString).isEqualTo(read);
                String tuesday = SqlTime.range(Instant.parse("2026-11-17T00:00:00Z"),
                        Instant.parse("2026-11-18T00:00:00Z"));
                assertThat(rows.session().select("SELECT request_id FROM " + rows.from(tuesday, "user_id")
                        + " WHERE " + tuesday + " FORMAT JSONEachRow")).extracting(Object::toString)
                        .containsExactly("{\"request_id\":\"twice\"}");
            }
        } finally {
            CostRows.dropDatabase(server, db);
        }
    }

    /**
     * The ten most expensive calls are looked for among the calls costing at least the twentieth largest cost of any
     * row: eleven of the most expensive calls revised to cheap ones leave only nine there, and the whole week is
     * sorted instead. The same ten with and without the report's tables.
     */
    @Test
    void theTopCallsAreLatestVersionsWhenCostsWereRevisedDown() {
        ClickHouseTestServer server = ClickHouseTestServer.shared();
        String db = CostRows.createDatabase(server, "top_calls");
        try {
            List<Row> rows = new java.util.ArrayList<>();
            List<Row> revisions = new java.util.ArrayList<>();
            for (int k = 1; k <= 25; k++) {
                rows.add(row("call-" + (100 + k), "2026-11-17 09:00:" + (10 + k)).user("a").tokens(100, 10)
                        .cost("input", k * 1_000L));
            }
            for (int k = 1; k <= 11; k++) {
                rows.add(row("revised-" + (10 + k), "2026-11-18 09:00:" + (10 + k)).user("a").tokens(100, 10)
                        .cost("input", 1_000_000L + k));
                revisions.add(row("revised-" + (10 + k), "2026-11-18 09:00:" + (10 + k)).user("a").tokens(100, 10)
                        .cost("input", 1L).ingestedAt("2026-11-30 00:00:05"));
            }
            CostRows.insert(server, db, rows);
            assertThat(topCalls(server, db)).containsExactly("revised-21", "revised-20", "revised-19", "revised-18",
                    "revised-17", "revised-16", "revised-15", "revised-14", "revised-13", "revised-12");
            CostRows.insert(server, db, revisions);
            assertThat(topCalls(server, db)).containsExactly("call-125", "call-124", "call-123", "call-122",
                    "call-121", "call-120", "call-119", "call-118", "call-117", "call-116");
        } finally {
            CostRows.dropDatabase(server, db);
        }
    }

    /** The week's top calls, the same with the report's tables and without. */
    private static List<String> topCalls(ClickHouseTestServer server, String db) {
        ClickHouseReader reader = ClickHouseReader.of(server.client());
        ClickHouseReader withoutSession = reader::select;
        List<List<String>> found = new java.util.ArrayList<>();
        for (ClickHouseReader r : List.of(reader, withoutSession)) {
            WeeklyReport report = WeeklyReport.generate(r, new WeeklyReport.Options(CostTable.of(db),
                    IsoWeek.parse("2026-W47"), null),
                    java.time.Clock.fixed(Instant.parse("2026-12-01T00:00:00Z"), java.time.ZoneOffset.UTC));
            found.add(report.topRequests().stream().map(WeeklyReport.ExpensiveRequest::requestId).toList());
        }
        assertThat(found.get(1)).isEqualTo(found.get(0));
        return found.get(0);
    }
}
