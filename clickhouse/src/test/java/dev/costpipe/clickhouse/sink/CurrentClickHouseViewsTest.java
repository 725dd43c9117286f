package dev.costpipe.clickhouse.sink;

import static org.assertj.core.api.Assertions.assertThat;

import com.clickhouse.data.ClickHouseFormat;
import dev.costpipe.testsupport.ChdbEngine;
import dev.costpipe.testsupport.ClickHouseTestServer;
import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The sink's schema on a current ClickHouse (26, through chDB) beside 18.16: every statement a new database gets
 * (V001–V013 in order, {@code schema_migrations}, the views) applies on 26 and makes the same tables and columns;
 * the rows the sink writes (cost records delivered twice, aggregates, alerts) read back the same from every table
 * and view on both.
 */
class CurrentClickHouseViewsTest {
  private static final long[] DELIVERIES = {1_780_400_000L, 1_780_400_010L};

  private static final List<String> AGGREGATES = List.of(
      TestRecords.aggregate("session", "s1", "1h", "2026-06-01T10:00:00Z", "2026-06-01T11:00:00Z", 3_000_000_000L,
          2, 2, "support", Map.of("/refund", new long[] {2_000_000_000L, 1}, "", new long[] {1_000_000_000L, 1})),
      TestRecords.aggregate("user", "bob", "1d", "2026-06-01T00:00:00Z", "2026-06-02T00:00:00Z", 7_000_000L, 3, 1,
          null, Map.of()));
  private static final List<String> ALERTS = List.of(
      TestRecords.alert("prod-daily", 80, "100", "80.000000001", "2026-06-01T00:00:00Z", "2026-06-02T00:00:00Z",
          "2026-06-01T13:00:00.123Z", "r-9"));

  private static ChdbEngine current;
  private static ClickHouseTestServer old;
  private static String db;

  @BeforeAll
  static void load() throws Exception {
    db = TestRecords.unique("cp_ch26");
    old = ClickHouseTestServer.shared();
    new ClickHouseMigrations(old.client(), db).migrate();
    current = ChdbEngine.start();
    for (String statement : ClickHouseMigrations.newDatabaseStatements(db)) {
      current.execute(statement);
    }
    // migrate()'s bookkeeping after V008 on a new database: the renamed-away table is empty
    assertThat(current.query("SELECT count() AS n FROM " + db + ".request_costs_before_v008 FORMAT JSONEachRow"))
        .containsExactly(Map.of("n", 0));
    current.execute("DROP TABLE IF EXISTS " + db + ".request_costs_before_v008");

    for (long ingestedAt : DELIVERIES) {
      insert(SinkTable.REQUEST_COSTS, ingestedAt, ClickHouseViewsTest.records());
    }
    insert(SinkTable.COST_AGGREGATES, DELIVERIES[0], AGGREGATES);
    insert(SinkTable.COST_ALERTS, DELIVERIES[0], ALERTS);
  }

  @AfterAll
  static void stop() {
    if (current != null) {
      current.close();
    }
    old.execute("DROP DATABASE IF EXISTS " + db);
  }

  /** The same rows into both: 18.16 over client-v2 as the sink sends them, 26 as the same JSONEachRow lines. */
  private static void insert(SinkTable table, long ingestedAt, List<String> records) throws Exception {
    byte[] rows = TestRecords.rows(table, ingestedAt, records);
    old.client().insert(db + "." + table.tableName(), new ByteArrayInputStream(rows), ClickHouseFormat.JSONEachRow).get().close();
    current.insertJsonEachRow(db + "." + table.tableName(), new String(rows, StandardCharsets.UTF_8));
  }

  @Test
  void everyMigrationMakesOnClickHouse26TheTablesAndColumnsOf1816() {
    String tables = "SELECT name, engine FROM system.tables WHERE database = '" + db + "' ORDER BY name"
        + " FORMAT JSONEachRow";
    assertThat(current.query(tables)).isEqualTo(old.query(tables)).isNotEmpty();
    // system.columns lists a table's columns in their order (18.16 has no position column to sort by)
    String columns = "SELECT table, name, type, default_kind FROM system.columns WHERE database = '" + db
        + "' FORMAT JSONEachRow";
    assertThat(byTable(current.query(columns))).isEqualTo(byTable(old.query(columns))).isNotEmpty();
    String keys = "SELECT name, sorting_key, partition_key FROM system.tables WHERE database = '" + db
        + "' AND engine LIKE '%MergeTree' ORDER BY name FORMAT JSONEachRow";
    assertThat(current.query(keys)).isEqualTo(old.query(keys));
  }

  @Test
  void schemaMigrationsRecordsAndReadsBackOnClickHouse26() {
    current.execute(ClickHouseMigrations.recordSql(db, "001", "request_costs", "a1"));
    current.execute(ClickHouseMigrations.recordSql(db, "view:v_cost_per_day", "v_cost_per_day", "b2"));

    assertThat(current.query(ClickHouseMigrations.recordedSql(db)))
        .containsExactlyInAnyOrder(Map.of("version", "001", "latest", "a1"),
            Map.of("version", "view:v_cost_per_day", "latest", "b2"));
  }

  @Test
  void theStoredRowsReadTheSameOnBoth() {
    for (String table : List.of("request_costs", "cost_aggregates", "cost_alerts")) {
      String sql = "SELECT * FROM " + db + "." + table + " FINAL FORMAT JSONEachRow";
      List<Map<String, Object>> rows = same(current.query(sql));
      assertThat(rows).as(table).isNotEmpty().isEqualTo(same(old.query(sql)));
    }
  }

  @Test
  void everyViewAnswersOnClickHouse26As1816Does() {
    for (String file : ClickHouseMigrations.VIEWS) {
      String sql = "SELECT * FROM " + db + "." + file.replace(".sql", "") + " FORMAT JSONEachRow";
      List<Map<String, Object>> rows = same(current.query(sql));
      assertThat(rows).as(file).isNotEmpty().isEqualTo(same(old.query(sql)));
    }
  }

  @Test
  void theSinksRowBinaryTypedFrom26sColumnsReadsBackAsItsJsonEachRow() throws Exception {
    String binaryDb = db + "_rowbinary";
    for (String statement : ClickHouseMigrations.newDatabaseStatements(binaryDb)) {
      current.execute(statement);
    }
    insertRowBinary(binaryDb, SinkTable.REQUEST_COSTS, ClickHouseViewsTest.records());
    insertRowBinary(binaryDb, SinkTable.COST_AGGREGATES, AGGREGATES);
    insertRowBinary(binaryDb, SinkTable.COST_ALERTS, ALERTS);

    for (SinkTable table : SinkTable.values()) {
      String sql = "SELECT * FROM %s." + table.tableName() + " FINAL FORMAT JSONEachRow";
      assertThat(same(current.query(sql.formatted(binaryDb)))).as(table.tableName()).isNotEmpty()
          .isEqualTo(same(current.query(sql.formatted(db))));
    }
  }

  /**
   * Rows of both deliveries encoded as the sink encodes them for 26's column types ({@link RowBinaryRows}), given to
   * 26 through the format() table function (chDB's Node API takes text formats only).
   */
  private static void insertRowBinary(String database, SinkTable table, List<String> records) throws Exception {
    Map<String, String> types = new LinkedHashMap<>();
    for (Map<String, Object> c : current.query(ClickHouseRowInserter.columnTypesSql(database, table))) {
      types.put((String) c.get("name"), (String) c.get("type"));
    }
    RowBinaryRows encoding = RowBinaryRows.of(types, table.columns())
        .orElseThrow(() -> new AssertionError(table + ": a column type of 26 the sink cannot write: " + types));
    RowBinaryOutput out = new RowBinaryOutput(64 * 1024);
    for (long ingestedAt : table == SinkTable.REQUEST_COSTS ? DELIVERIES : new long[] {DELIVERIES[0]}) {
      for (String record : records) {
        encoding.encode(table.rowValues(record.getBytes(StandardCharsets.UTF_8), ingestedAt), out);
      }
    }
    StringBuilder structure = new StringBuilder();
    for (String column : encoding.columns()) {
      structure.append(structure.isEmpty() ? "" : ", ").append('`').append(column).append("` ").append(types.get(column));
    }
    StringBuilder data = new StringBuilder();
    for (byte b : out.toByteArray()) {
      data.append(String.format("\\x%02x", b & 0xff));
    }
    current.execute("INSERT INTO " + database + "." + table.tableName() + " (" + String.join(", ", encoding.columns())
        + ") SELECT * FROM format(RowBinary, '" + structure.toString().replace("'", "\\'") + "', '" + data + "')");
  }

  @Test
  void aUserWithoutSessionsHasNoneOnBothNotNullOn1816() {
    // 18.16's uniqExact over only NULLs is NULL, 26's is 0: the view says ifNull(…, 0)
    String sql = "SELECT toString(day) AS d, sessions FROM " + db + ".v_cost_per_user WHERE user_id = 'carol'"
        + " ORDER BY d FORMAT JSONEachRow";
    assertThat(same(old.query(sql))).isEqualTo(same(current.query(sql)))
        .extracting(r -> r.get("sessions")).containsExactly("0", "0");
  }

  /** Each table's column rows, in their order. */
  private static Map<Object, List<Map<String, Object>>> byTable(List<Map<String, Object>> columns) {
    Map<Object, List<Map<String, Object>>> out = new TreeMap<>();
    for (Map<String, Object> column : columns) {
      out.computeIfAbsent(column.get("table"), t -> new ArrayList<>()).add(column);
    }
    return out;
  }

  /**
   * Rows in a form both versions' JSONEachRow agree on when their values do: 18.16 quotes 64-bit integers and 26
   * does not (output_format_json_quote_64bit_integers is 0 by default since 25.x), and Decimal digits are compared
   * by value; rows sorted, for views whose ORDER BY leaves ties.
   */
  static List<Map<String, Object>> same(List<Map<String, Object>> rows) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Map<String, Object> row : rows) {
      Map<String, Object> normal = new LinkedHashMap<>();
      row.forEach((k, v) -> normal.put(k, value(v)));
      out.add(normal);
    }
    out.sort(Comparator.comparing(Object::toString));
    return out;
  }

  private static Object value(Object v) {
    if (v instanceof List<?> list) {
      return list.stream().map(CurrentClickHouseViewsTest::value).toList();
    }
    if (v instanceof BigDecimal d) {
      return d.signum() == 0 ? "0" : d.stripTrailingZeros().toPlainString();
    }
    if (v instanceof Number || (v instanceof String s && s.matches("-?\\d{1,20}"))) {
      return new BigInteger(v.toString()).toString();
    }
    return v;
  }
}
