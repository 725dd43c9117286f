package dev.costpipe.clickhouse.report;

import static dev.costpipe.clickhouse.report.CostRows.row;
import static org.assertj.core.api.Assertions.assertThat;

import dev.costpipe.clickhouse.report.CostRows.Row;
import dev.costpipe.testsupport.ClickHouseTestServer;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The report's temporary table on a real server: each request once, as its latest version, whether it was written
 * once, re-delivered, or revised; sections read it through the same session. (The report falls back to
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
                    row("revised", "2026-11-18 09:00:00").user("a").tokens(100, 10).cost("input", 3_000L));
            CostRows.insert(server, db, first);
            CostRows.insert(server, db, List.of(first.get(1))); // re-delivered
            CostRows.insert(server, db, List.of(row("revised", "2026-11-18 09:00:00").user("b").tokens(100, 10)
                    .cost("input", 5_000L).ingestedAt("2026-11-30 00:00:05")));
            ClickHouseReader reader = ClickHouseReader.of(server.client());
            String range = SqlTime.range(Instant.parse("2026-11-16T00:00:00Z"), Instant.parse("2026-11-23T00:00:00Z"));
            try (ReportRows rows = ReportRows.create(reader, CostSource.of(reader, CostTable.of(db)), range)) {
                assertThat(rows).isNotNull();
                assertThat(rows.session().select("SELECT request_id, user_id, toString(cost_nano_usd) AS cost FROM "
                        + rows.from(range, "user_id") + " ORDER BY request_id FORMAT JSONEachRow"))
                        .extracting(Object::toString).containsExactly(
                                "{\"request_id\":\"once\",\"user_id\":\"a\",\"cost\":\"1000\"}",
                                "{\"request_id\":\"revised\",\"user_id\":\"b\",\"cost\":\"5000\"}",
                                "{\"request_id\":\"twice\",\"user_id\":\"a\",\"cost\":\"2000\"}");
            }
        } finally {
            CostRows.dropDatabase(server, db);
        }
    }
}
