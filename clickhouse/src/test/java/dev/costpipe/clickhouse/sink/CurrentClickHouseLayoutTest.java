package dev.costpipe.clickhouse.sink;

import static dev.costpipe.clickhouse.sink.TestRecords.cost;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.costpipe.clickhouse.layout.LayoutMigration;
import dev.costpipe.clickhouse.layout.Retention;
import dev.costpipe.clickhouse.layout.TimeLedLayout;
import dev.costpipe.clickhouse.report.ChdbReader;
import dev.costpipe.clickhouse.report.ClickHouseReader;
import dev.costpipe.clickhouse.report.CostFilter;
import dev.costpipe.clickhouse.report.CostQuery;
import dev.costpipe.clickhouse.report.CostTable;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code costpipe clickhouse migrate-layout} and {@code costpipe clickhouse retention} on a current ClickHouse (26,
 * through chDB) beside 18.16: the statements they send, on databases the migrations made and rows the sink wrote,
 * leave the same rows, partitions and tables on both, report the same in a dry run, catch a copy that did not land
 * and resume alike after an interrupted run; reads stay the same on both before, during and after the backfill.
 */
class CurrentClickHouseLayoutTest {
  private static final long INGESTED = 1_780_000_000L;
  private static TwoClickHouses both;

  @BeforeAll
  static void start() {
    both = TwoClickHouses.start();
  }

  @AfterAll
  static void stop() {
    if (both != null) {
      both.close();
    }
  }

  @Test
  void migrateLayoutCopiesTheSameMonthsAndLeavesTheSameRowsOnBoth() throws Exception {
    String db = both.databaseBeforeV008();
    List<String> history = TimeLedLayoutMigrationTest.history();
    both.insert(db, INGESTED, history);
    List<String> again = new ArrayList<>();
    for (int i = 0; i < history.size(); i += 5) {
      again.add(history.get(i));
    }
    both.insert(db, INGESTED + 60, again); // re-delivered
    List<Map<String, Object>> oldRows = both.sameOnBoth(allRows(db));
    assertThat(oldRows).hasSize(90);

    both.applyV008(db);
    // (the old table's sorting key reads "(request_id)" on 26 and "request_id" on 18.16: nothing reads it)
    assertThat(both.sameOnBoth("SELECT engine, sorting_key, partition_key FROM system.tables WHERE database = '" + db
        + "' AND name = 'request_costs' FORMAT JSONEachRow")).containsExactly(Map.of("engine", "ReplacingMergeTree",
        "sorting_key", "timestamp, request_id", "partition_key", "toMonday(timestamp)"));
    assertThat(TimeLedLayout.oldColumns(both.on26(), db))
        .isEqualTo(TimeLedLayout.oldColumns(both.on1816(), db)).contains("revision", "ingested_at");
    // a revision of an old request (bob's r-40, now alice's) and a new request, written to the new table
    String revised = cost("r-40").at(Instant.parse("2026-04-01T00:00:00Z").plus(Duration.ofHours(24L * 40 + 40)))
        .user("alice").property("Environment", "production").cost(50_000).revision(1).json();
    String fresh = cost("new-1").at("2026-05-20T12:00:00Z").user("alice").cost(7_000).json();
    both.insert(db, INGESTED + 86_400 + 1, List.of(revised, fresh));
    List<CostQuery.Totals> expected = reads(db);
    assertThat(expected.get(0).requests()).isEqualTo(91);

    // a dry run: the same months, the same lines, nothing written
    List<String> log1816 = new ArrayList<>();
    List<String> log26 = new ArrayList<>();
    LayoutMigration.Result dry = new LayoutMigration(both.on26(), db, log26::add).run(true);
    assertThat(months(dry)).isEqualTo(months(new LayoutMigration(both.on1816(), db, log1816::add).run(true)))
        .isEqualTo("copy [202604, 202605, 202606, 202607], copied before [], old table dropped: false");
    assertThat(withoutRows(log26)).isEqualTo(withoutRows(log1816)).hasSize(5);
    assertThat(both.sameOnBoth(tables(db))).extracting(r -> r.get("name"))
        .doesNotContain("request_costs_layout_migration").contains("request_costs_before_v008");
    assertThat(both.sameOnBoth("SELECT count() AS n FROM " + db + ".request_costs FORMAT JSONEachRow"))
        .containsExactly(Map.of("n", "2"));

    // a copy that did not land (its INSERT not run) is caught by the check: nothing recorded, nothing dropped
    String copy = "INSERT INTO " + db + ".request_costs (";
    for (StatementRunner statements : List.of(both.on1816(), both.on26())) {
      assertThatThrownBy(() -> new LayoutMigration(instead(statements, sql -> sql.startsWith(copy), sql -> { }),
          db, line -> { }).run(false)).hasMessageStartingWith("partition 202604: 29 request ids of " + db
          + ".request_costs_before_v008 are not in request_costs after the copy");
    }
    assertThat(both.sameOnBoth("SELECT partition FROM " + db + ".request_costs_layout_migration FORMAT JSONEachRow"))
        .isEmpty();

    // a run interrupted after copying May, before recording it: reads stay right on both
    String recordMay =
        "INSERT INTO " + db + ".request_costs_layout_migration (partition, rows, copied_at) VALUES ('202605'";
    for (StatementRunner statements : List.of(both.on1816(), both.on26())) {
      assertThatThrownBy(() -> new LayoutMigration(instead(statements, sql -> sql.startsWith(recordMay), sql -> {
        throw new IllegalStateException("interrupted before recording May");
      }), db, line -> { }).run(false)).hasMessage("interrupted before recording May");
    }
    assertThat(both.sameOnBoth("SELECT partition FROM " + db + ".request_costs_layout_migration FORMAT JSONEachRow"))
        .containsExactly(Map.of("partition", "202604"));
    assertThat(reads(db)).isEqualTo(expected);

    // the next run copies May again and the rest, then drops the old table and the progress table
    LayoutMigration.Result done = new LayoutMigration(both.on26(), db, line -> { }).run(false);
    assertThat(months(done)).isEqualTo(months(new LayoutMigration(both.on1816(), db, line -> { }).run(false)))
        .isEqualTo("copy [202605, 202606, 202607], copied before [202604], old table dropped: true");
    assertThat(both.sameOnBoth(tables(db))).extracting(r -> r.get("name"))
        .doesNotContain("request_costs_layout_migration", "request_costs_before_v008");
    assertThat(reads(db)).isEqualTo(expected);
    List<Map<String, Object>> newRows = both.sameOnBoth(allRows(db));
    assertThat(newRows).hasSize(91);
    assertThat(newRows).containsAll(oldRows.stream().filter(r -> !r.get("request_id").equals("r-40")).toList());
    assertThat(both.sameOnBoth("SELECT sum(requests) AS n FROM " + db + ".v_cost_per_day FORMAT JSONEachRow"))
        .containsExactly(Map.of("n", "91"));
    assertThat(new LayoutMigration(both.on26(), db, line -> { }).run(false).copied()).isEmpty();
  }

  @Test
  void retentionDropsTheSameWeeksAndTheirSumsOnBoth() throws Exception {
    String db = both.newDatabase("cp_retention26");
    both.insert(db, INGESTED, List.of(cost("mon").at("2026-06-01T00:00:00Z").cost(1).json(),
        cost("sun").at("2026-06-07T23:59:59Z").cost(1).json(), cost("next").at("2026-06-08T00:00:00Z").cost(1).json(),
        cost("later").at("2026-07-01T10:00:00Z").cost(1).json()));
    for (String sums : Retention.DAY_SUMS) {
      String rows = "INSERT INTO " + db + "." + sums + " (day, sealed) VALUES ('2026-06-07', 1), ('2026-06-08', 1)";
      both.old.execute(rows);
      both.current.execute(rows);
    }
    String parts = "SELECT table, partition, sum(rows) AS n FROM system.parts WHERE database = '" + db
        + "' AND table != 'schema_migrations' AND active GROUP BY table, partition FORMAT JSONEachRow";
    List<Map<String, Object>> before = both.sameOnBoth(parts);
    Instant now = Instant.parse("2026-07-08T00:00:00Z");

    List<String> log1816 = new ArrayList<>();
    List<String> log26 = new ArrayList<>();
    List<Retention.Week> dry = new Retention(both.on26(), db, log26::add).run(Duration.ofDays(30), now, true);
    assertThat(dry).isEqualTo(new Retention(both.on1816(), db, log1816::add).run(Duration.ofDays(30), now, true));
    assertThat(dry).extracting(w -> w.monday().toString()).containsExactly("2026-06-01");
    assertThat(log26).isEqualTo(log1816).hasSize(2);
    assertThat(both.sameOnBoth(parts)).as("a dry run drops nothing").isEqualTo(before);

    List<Retention.Week> dropped = new Retention(both.on26(), db, line -> { }).run(Duration.ofDays(30), now, false);
    assertThat(dropped).isEqualTo(new Retention(both.on1816(), db, line -> { }).run(Duration.ofDays(30), now, false))
        .isEqualTo(dry);
    assertThat(both.sameOnBoth(parts)).extracting(r -> r.get("table") + " " + r.get("partition"))
        .containsExactlyInAnyOrder(
        "request_costs 2026-06-08", "request_costs 2026-06-29", "report_day_sums 2026-06-08",
        "report_day_property_sums 2026-06-08", "report_day_session_sums 2026-06-08");
    assertThat(both.sameOnBoth("SELECT request_id FROM " + db + ".request_costs FORMAT JSONEachRow"))
        .extracting(r -> r.get("request_id")).containsExactlyInAnyOrder("next", "later");
    assertThat(new Retention(both.on26(), db, line -> { }).run(Duration.ofDays(31), now, false)).isEmpty();
  }

  /**
   * The months of a run. Their stored rows are left out: they count the old table's rows before merges, which
   * each server makes at its own time (a re-delivery merged away or not).
   */
  private static String months(LayoutMigration.Result result) {
    return "copy " + result.copied().stream().map(LayoutMigration.Partition::id).toList() + ", copied before "
        + result.alreadyCopied().stream().map(LayoutMigration.Partition::id).toList() + ", old table dropped: "
        + result.oldTableDropped();
  }

  private static List<String> withoutRows(List<String> log) {
    return log.stream().map(line -> line.replaceAll("\\d+ stored rows", "… stored rows")).toList();
  }

  /** {@code statements}, but a statement that {@code matching} picks goes to {@code instead}. */
  private static StatementRunner instead(StatementRunner statements, Predicate<String> matching,
      Consumer<String> instead) {
    return new StatementRunner() {
      @Override
      public void execute(String sql) {
        if (matching.test(sql)) {
          instead.accept(sql);
        } else {
          statements.execute(sql);
        }
      }

      @Override
      public List<JsonNode> query(String sql) {
        return statements.query(sql);
      }
    };
  }

  /** What costpipe query answers, read on both (through the old and the new table while the old one exists). */
  private static List<CostQuery.Totals> reads(String db) {
    List<CostQuery.Totals> on26 = reads(new ChdbReader(both.current), db);
    assertThat(on26).isEqualTo(reads(ClickHouseReader.of(both.old.client()), db));
    return on26;
  }

  private static List<CostQuery.Totals> reads(ClickHouseReader reader, String db) {
    CostQuery query = new CostQuery(reader, CostTable.of(db));
    Instant may = Instant.parse("2026-05-01T00:00:00Z");
    Instant june = Instant.parse("2026-06-01T00:00:00Z");
    return List.of(query.totals(CostFilter.all()), query.totals(CostFilter.all().between(may, june)),
        query.totals(CostFilter.all().between(may, june).withUser("alice")),
        query.totals(CostFilter.all().withProperty("Environment", "staging")));
  }

  private static String allRows(String db) {
    return "SELECT * FROM " + db + ".request_costs FINAL FORMAT JSONEachRow";
  }

  private static String tables(String db) {
    return "SELECT name FROM system.tables WHERE database = '" + db + "' FORMAT JSONEachRow";
  }
}
