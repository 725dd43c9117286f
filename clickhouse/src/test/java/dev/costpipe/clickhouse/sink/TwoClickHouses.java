package dev.costpipe.clickhouse.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.costpipe.testsupport.ChdbEngine;
import dev.costpipe.testsupport.ClickHouseTestServer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The same databases on ClickHouse 18.16 (the tests' server) and on 26 (chDB), made by the real migrations and
 * holding the rows the sink writes, for running an operational command's statements on both and comparing.
 */
final class TwoClickHouses implements AutoCloseable {
  final ClickHouseTestServer old;
  final ChdbEngine current;
  private final List<String> databases = new ArrayList<>();

  private TwoClickHouses(ClickHouseTestServer old, ChdbEngine current) {
    this.old = old;
    this.current = current;
  }

  static TwoClickHouses start() {
    return new TwoClickHouses(ClickHouseTestServer.shared(), ChdbEngine.start());
  }

  /** Where the command sends its statements on 18.16: client-v2, as when it runs. */
  StatementRunner on1816() {
    return StatementRunner.of(old.client());
  }

  /** Where it sends them on 26. */
  StatementRunner on26() {
    return new ChdbStatements(current);
  }

  /**
   * A new database on both: the sink's {@code migrate()} on 18.16, the statements it sends a new database on 26
   * (with its bookkeeping after V008: the emptied table dropped).
   */
  String newDatabase(String prefix) {
    String db = TestRecords.unique(prefix);
    databases.add(db);
    new ClickHouseMigrations(old.client(), db).migrate();
    for (String statement : ClickHouseMigrations.newDatabaseStatements(db)) {
      current.execute(statement);
    }
    current.execute("DROP TABLE IF EXISTS " + db + "." + "request_costs_before_v008");
    return db;
  }

  /**
   * A database as the version before V008 left it, on both: every migration but V008 (on 26 with the views, as a
   * sink of that version made them). {@link #applyV008} upgrades it.
   */
  String databaseBeforeV008() {
    String db = TimeLedLayoutMigrationTest.databaseBeforeV008(old);
    databases.add(db);
    for (String statement : ClickHouseMigrations.newDatabaseStatements(db)) {
      if (!isV008(statement)) {
        current.execute(statement);
      }
    }
    return db;
  }

  /** What the sink's start does to a database before V008: migrate() on 18.16, V008's statements on 26. */
  void applyV008(String db) {
    assertThat(new ClickHouseMigrations(old.client(), db).migrate().appliedMigrations())
        .contains("V008__request_costs_time_led.sql");
    List<String> v008 = ClickHouseMigrations.newDatabaseStatements(db).stream().filter(TwoClickHouses::isV008).toList();
    assertThat(v008).as("V008: CREATE … AS, RENAME").hasSize(2);
    v008.forEach(current::execute);
  }

  /** V008's statements are the only ones that name the table it creates before renaming it. */
  private static boolean isV008(String statement) {
    return statement.contains(".request_costs_time_led");
  }

  /** Cost records into {@code db.request_costs} of both, the sink's JSONEachRow rows ingested at {@code ingestedAt}. */
  void insert(String db, long ingestedAt, List<String> records) throws Exception {
    TestRecords.insertRows(old.client(), db, ingestedAt, records);
    current.insertJsonEachRow(db + ".request_costs",
        new String(TestRecords.rows(SinkTable.REQUEST_COSTS, ingestedAt, records), StandardCharsets.UTF_8));
  }

  /** A SELECT (ending in FORMAT JSONEachRow) on both: its rows on 26, having checked they are 18.16's. */
  List<Map<String, Object>> sameOnBoth(String sql) {
    List<Map<String, Object>> rows = CurrentClickHouseViewsTest.same(current.query(sql));
    assertThat(rows).as(sql).isEqualTo(CurrentClickHouseViewsTest.same(old.query(sql)));
    return rows;
  }

  @Override
  public void close() {
    current.close();
    databases.forEach(db -> old.execute("DROP DATABASE IF EXISTS " + db));
  }
}
