package dev.costpipe.clickhouse.sink;

import static dev.costpipe.clickhouse.sink.TestRecords.cost;
import static org.assertj.core.api.Assertions.assertThat;

import com.clickhouse.client.api.Client;
import com.clickhouse.data.ClickHouseFormat;
import dev.costpipe.clickhouse.layout.LayoutMigration;
import dev.costpipe.clickhouse.layout.Retention;
import dev.costpipe.clickhouse.layout.TimeLedLayout;
import dev.costpipe.clickhouse.report.ClickHouseReader;
import dev.costpipe.clickhouse.report.CostFilter;
import dev.costpipe.clickhouse.report.CostQuery;
import dev.costpipe.clickhouse.report.CostTable;
import dev.costpipe.engine.usage.Usage;
import dev.costpipe.testsupport.ClickHouseTestServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * V008 and {@code migrate-layout} on a real server, on rows the current sink wrote in the layout before V008: the
 * rename keeps every row readable, the sink's new rows and revisions land in the new table at once, reads stay right
 * (nothing missing, nothing doubled) before, during (also after an interrupted run) and after the backfill, and
 * every column is copied.
 */
class TimeLedLayoutMigrationTest {
  private static final long INGESTED = 1_780_000_000L;
  private static ClickHouseTestServer server;
  private static Client client;

  @BeforeAll
  static void start() {
    server = ClickHouseTestServer.shared();
    client = server.client();
  }

  /** A database as the previous version left it: every migration but V008 (V009 shipped before it). */
  static String databaseBeforeV008(ClickHouseTestServer server) {
    String db = TestRecords.unique("cp_layout");
    server.execute("CREATE DATABASE " + db);
    for (String migration : ClickHouseMigrations.MIGRATIONS) {
      if (!migration.startsWith("V008")) {
        server.execute(ClickHouseMigrations.resource("migrations/" + migration).replace("{db}", db).strip());
      }
    }
    return db;
  }

  private static void insert(String table, long ingestedAt, List<String> records) throws Exception {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (String r : records) {
      body.write(SinkTable.REQUEST_COSTS.row(r.getBytes(StandardCharsets.UTF_8), ingestedAt));
    }
    client.insert(table, new ByteArrayInputStream(body.toByteArray()), ClickHouseFormat.JSONEachRow).get().close();
  }

  /** 90 requests over three months, every fifth delivered twice, one user in three named, costs 1,000 × i, V009's image and video tokens. */
  static List<String> history() {
    List<String> records = new ArrayList<>();
    for (int i = 0; i < 90; i++) {
      records.add(cost("r-" + i).at(Instant.parse("2026-04-01T00:00:00Z").plus(Duration.ofHours(24L * i + i)))
          .user(i % 3 == 0 ? "alice" : "bob").property("Environment", i % 2 == 0 ? "production" : "staging")
          .usage(Usage.builder().inputTokens(1_000).imageInputTokens(i).videoInputTokens(2L * i).outputTokens(50).build())
          .cost(1_000L * (i + 1)).json());
    }
    return records;
  }

  private static CostQuery.Totals totals(String db, CostFilter filter) {
    return new CostQuery(ClickHouseReader.of(client), CostTable.of(db)).totals(filter);
  }

  private static List<CostQuery.Totals> reads(String db) {
    Instant may = Instant.parse("2026-05-01T00:00:00Z");
    Instant june = Instant.parse("2026-06-01T00:00:00Z");
    return List.of(totals(db, CostFilter.all()), totals(db, CostFilter.all().between(may, june)),
        totals(db, CostFilter.all().between(may, june).withUser("alice")),
        totals(db, CostFilter.all().withProperty("Environment", "staging")));
  }

  private static List<Map<String, Object>> rows(String table) {
    return server.query("SELECT * FROM " + table + " FINAL ORDER BY request_id FORMAT JSONEachRow");
  }

  @Test
  void theBackfillKeepsReadsRightBeforeDuringAndAfterAndCopiesEveryColumn() throws Exception {
    String db = databaseBeforeV008(server);
    List<String> history = history();
    insert(db + ".request_costs", INGESTED, history);
    List<String> again = new ArrayList<>();
    for (int i = 0; i < history.size(); i += 5) {
      again.add(history.get(i));
    }
    insert(db + ".request_costs", INGESTED + 60, again); // re-delivered
    List<CostQuery.Totals> before = reads(db);
    List<Map<String, Object>> oldRows = rows(db + ".request_costs");
    assertThat(before.get(0).requests()).isEqualTo(90);

    assertThat(new ClickHouseMigrations(client, db).migrate().appliedMigrations())
        .contains("V008__request_costs_time_led.sql");
    assertThat(server.query("SELECT sorting_key FROM system.tables WHERE database = '" + db
        + "' AND name = 'request_costs' FORMAT JSONEachRow").get(0)).containsEntry("sorting_key",
        "timestamp, request_id");
    // the rows are in the old table now, and every read still sees them once
    assertThat(TimeLedLayout.oldColumns(StatementRunner.of(client), db)).contains("revision", "ingested_at");
    assertThat(reads(db)).isEqualTo(before);
    // the views read request_costs, the new table: what they show of old rows waits for the backfill (documented)

    // the sink keeps writing request_costs: a revision of an old request (bob's r-40: +9,000 nano-USD, now alice's)
    // and a new request
    String revised = cost("r-40").at(Instant.parse("2026-04-01T00:00:00Z").plus(Duration.ofHours(24L * 40 + 40)))
        .user("alice").property("Environment", "production").cost(50_000).revision(1).json();
    String fresh = cost("new-1").at("2026-05-20T12:00:00Z").user("alice").cost(7_000).json();
    insert(db + ".request_costs", INGESTED + 86_400 + 1, List.of(revised, fresh));
    List<CostQuery.Totals> expected = reads(db);
    assertThat(expected.get(0).requests()).isEqualTo(91);
    assertThat(expected.get(0).costNanoUsd()).isEqualTo(before.get(0).costNanoUsd() - 41_000 + 50_000 + 7_000);

    // a dry run changes nothing
    LayoutMigration migration = new LayoutMigration(client, db, line -> { });
    LayoutMigration.Result dry = migration.run(true);
    assertThat(dry.copied()).extracting(LayoutMigration.Partition::id).containsExactly("202604", "202605", "202606", "202607");
    assertThat(TimeLedLayout.oldColumns(StatementRunner.of(client), db)).isNotEmpty();
    assertThat(server.query("SELECT count() AS n FROM " + db + ".request_costs FORMAT JSONEachRow").get(0))
        .containsEntry("n", "2");

    // an interrupted run: April copied, not recorded; reads are still right
    server.execute("INSERT INTO " + db + ".request_costs SELECT * FROM " + db
        + ".request_costs_before_v008 WHERE toYYYYMM(timestamp) = 202604");
    assertThat(reads(db)).isEqualTo(expected);

    LayoutMigration.Result done = migration.run(false);
    assertThat(done.copied()).hasSize(4);
    assertThat(done.oldTableDropped()).isTrue();
    assertThat(TimeLedLayout.oldColumns(StatementRunner.of(client), db)).isEmpty();
    assertThat(reads(db)).isEqualTo(expected);
    // every column of every old row is in the new table, but the revised request's
    List<Map<String, Object>> newRows = rows(db + ".request_costs");
    assertThat(newRows).hasSize(91);
    assertThat(newRows).filteredOn(r -> r.get("request_id").equals("r-7")).singleElement()
        .satisfies(r -> assertThat(r).containsEntry("image_input_tokens", "7").containsEntry("video_input_tokens", "14"));
    assertThat(newRows).containsAll(oldRows.stream().filter(r -> !r.get("request_id").equals("r-40")).toList());
    assertThat(newRows).filteredOn(r -> r.get("request_id").equals("r-40")).singleElement()
        .satisfies(r -> assertThat(r).containsEntry("revision", 1).containsEntry("user_id", "alice"));

    // the views read the new table: every request once
    assertThat(server.query("SELECT sum(requests) AS n FROM " + db + ".v_cost_per_day FORMAT JSONEachRow").get(0))
        .containsEntry("n", "91");
    assertThat(migration.run(false).copied()).isEmpty();
  }

  @Test
  void aNewDatabaseStartsTimeLedWithoutAnOldTable() {
    String db = TestRecords.unique("cp_layout_new");
    new ClickHouseMigrations(client, db).migrate();
    assertThat(TimeLedLayout.oldColumns(StatementRunner.of(client), db)).isEmpty();
    assertThat(TimeLedLayout.isInPlace(client, db)).isTrue();
    assertThat(new LayoutMigration(client, db, line -> { }).run(false).copied()).isEmpty();
  }

  @Test
  void retentionDropsOnlyTheWeeksThatEndedBeforeTheRetention() throws Exception {
    String db = TestRecords.unique("cp_retention");
    new ClickHouseMigrations(client, db).migrate();
    insert(db + ".request_costs", INGESTED, List.of(cost("mon").at("2026-06-01T00:00:00Z").cost(1).json(),
        cost("sun").at("2026-06-07T23:59:59Z").cost(1).json(), cost("next").at("2026-06-08T00:00:00Z").cost(1).json()));
    Retention retention = new Retention(client, db, line -> { });
    Instant now = Instant.parse("2026-07-08T00:00:00Z");
    // 30 days back is 2026-06-08 00:00: the week of June 1 ended then, the week of June 8 has not
    assertThat(retention.run(Duration.ofDays(30), now, true)).extracting(Retention.Week::monday)
        .extracting(Object::toString).containsExactly("2026-06-01");
    assertThat(server.query("SELECT count() AS n FROM " + db + ".request_costs FORMAT JSONEachRow").get(0))
        .containsEntry("n", "3");
    for (String sums : Retention.DAY_SUMS) {
      server.execute("INSERT INTO " + db + "." + sums + " (day, sealed) VALUES ('2026-06-07', 1), ('2026-06-08', 1)");
    }
    assertThat(retention.run(Duration.ofDays(30), now, false)).hasSize(1);
    assertThat(server.query("SELECT request_id FROM " + db + ".request_costs FORMAT JSONEachRow"))
        .containsExactly(Map.of("request_id", "next"));
    for (String sums : Retention.DAY_SUMS) {
      assertThat(server.query("SELECT toString(day) AS day FROM " + db + "." + sums + " FORMAT JSONEachRow"))
          .as("the report's sums of the week dropped").containsExactly(Map.of("day", "2026-06-08"));
    }
    assertThat(retention.run(Duration.ofDays(31), now, false)).isEmpty();
  }
}
