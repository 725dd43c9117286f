package dev.costpipe.clickhouse.sink;

import static dev.costpipe.clickhouse.sink.TestRecords.cost;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.clickhouse.client.api.Client;
import com.clickhouse.data.ClickHouseFormat;
import dev.costpipe.engine.usage.Usage;
import dev.costpipe.testsupport.ClickHouseTestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * On a real server: rows the sink writes as RowBinary read back exactly as the same rows written as JSONEachRow
 * (the format ClickHouse parses itself), for every column type of the sink's tables: Nullable strings and
 * numbers, arrays of strings and of 64-bit integers, Int64 nano-USD and Decimal money, DateTime, UInt8 flags,
 * strings with non-ASCII and control characters; plus the integer, float, Decimal and Date widths a table may
 * use on current servers.
 */
class RowBinaryRowsTest {
  private static final long INGESTED = 1_780_000_000L;
  private static ClickHouseTestServer server;
  private static Client client;
  private static String jsonDb;
  private static String binaryDb;
  private static ClickHouseRowInserter inserter;

  @BeforeAll
  static void migrate() {
    server = ClickHouseTestServer.shared();
    client = server.client();
    jsonDb = TestRecords.unique("cp_json");
    binaryDb = TestRecords.unique("cp_rowbinary");
    new ClickHouseMigrations(client, jsonDb).migrate();
    new ClickHouseMigrations(client, binaryDb).migrate();
    Properties p = new Properties();
    p.setProperty("costpipe.sink.clickhouse.database", binaryDb);
    inserter = new ClickHouseRowInserter(client, ClickHouseSinkConfig.from(p));
  }

  private static List<byte[]> rows(SinkTable table, String... records) throws InvalidRecordException {
    List<byte[]> rows = new ArrayList<>();
    for (String r : records) {
      rows.add(table.row(r.getBytes(StandardCharsets.UTF_8), INGESTED));
    }
    return rows;
  }

  private static Map<String, String> types(String db, String table) {
    Map<String, String> types = new HashMap<>();
    server.query("SELECT name, type FROM system.columns WHERE database = '" + db + "' AND table = '" + table
        + "' FORMAT JSONEachRow").forEach(c -> types.put(String.valueOf(c.get("name")), String.valueOf(c.get("type"))));
    return types;
  }

  /** Writes the rows both ways and returns each table's content, sorted, as text. */
  private static void assertSameBothWays(SinkTable table, List<byte[]> rows, String orderBy) throws Exception {
    RowBinaryRows encoding = RowBinaryRows.of(types(binaryDb, table.tableName()), rows.get(0)).orElseThrow();
    encoding.encode(rows, new RowBinaryOutput(16)); // so the inserter sends them as RowBinary, not as JSON
    client.insert(jsonDb + "." + table.tableName(), new RowsInputStream(rows), ClickHouseFormat.JSONEachRow)
        .get().close();
    inserter.insert(table, rows, "token-ignored-by-18.16");

    String select = "SELECT * FROM %s." + table.tableName() + " ORDER BY " + orderBy + " FORMAT JSONEachRow";
    List<Map<String, Object>> viaJson = server.query(select.formatted(jsonDb));
    List<Map<String, Object>> viaRowBinary = server.query(select.formatted(binaryDb));
    assertThat(viaRowBinary).hasSize(rows.size()).isEqualTo(viaJson);
  }

  @Test
  void costRecordsReadBackAsTheirJsonRows() throws Exception {
    List<byte[]> rows = rows(SinkTable.REQUEST_COSTS,
        cost("rb-full").at("2026-11-20T09:15:02.999Z").user("alice").session("s-1", "support-chat", "/triage")
            .property("Environment", "production").property("Team", "a\"b\\c\u0001é😀 日本語").streamed()
            .usage(new Usage(1200, 40, 1024, 1, 2, 3, 4, 5, 6, 7)).cost(128_160)
            .breakdown(Map.of("input", 26_400L, "cache_read", 76_800L, "output", 24_960L)).savings(76_800)
            .error("incomplete").error("ünïcödé ✓").revision(2).json(),
        cost("rb-unknown").at(Instant.parse("2106-02-07T06:28:15Z")).status(null).unknownModel().json(),
        cost("rb-no-usage").at(Instant.EPOCH.plusSeconds(1)).noUsage().json(),
        cost("rb-reported").providerReported(999_999_999_999_999_999L).json(),
        cost("rb-negative").cost(-123_456_789L).breakdown(Map.of("refund", -123_456_789L)).savings(-5).json(),
        cost("rb-🚀-ид").cacheHit(42).json());

    assertSameBothWays(SinkTable.REQUEST_COSTS, rows, "request_id");
  }

  @Test
  void aggregatesAndAlertsReadBackAsTheirJsonRows() throws Exception {
    assertSameBothWays(SinkTable.COST_AGGREGATES, rows(SinkTable.COST_AGGREGATES,
        TestRecords.aggregate("session", "s-ß", "1h", "2026-06-01T10:00:00Z", "2026-06-01T11:00:00Z", 5_000, 3, 7,
            "naïve session", Map.of("/a", new long[] {3_000, 2}, "/b/ç", new long[] {2_000, 1})),
        TestRecords.aggregate("user", "bob", "1d", "2026-06-01T00:00:00Z", "2026-06-02T00:00:00Z",
            Long.MAX_VALUE, Long.MAX_VALUE / 100, 1, null, Map.of())), "dimension");
    assertSameBothWays(SinkTable.COST_ALERTS, rows(SinkTable.COST_ALERTS,
        TestRecords.alert("rule-1", 80, "100.5", "80.400000001", "2026-06-01T00:00:00Z", "2026-06-02T00:00:00Z",
            "2026-06-01T12:00:00Z", "req-é"),
        TestRecords.alert("rule-2", 150, "99999999999999999999999999999.999999999", "-0.000000001",
            "2026-06-01T00:00:00Z", "2026-06-02T00:00:00Z", "2026-06-01T12:00:00Z", null)), "rule_id");
  }

  @Test
  void everyWidthOfIntegerFloatDecimalAndDateReadsBackAsTheJsonDoes() throws Exception {
    String columns = "k String, u8 UInt8, i8 Int8, u16 UInt16, i16 Int16, u32 UInt32, i32 Int32, u64 UInt64,"
        + " i64 Int64, f32 Float32, f64 Float64, d32 Decimal32(4), d64 Decimal64(9), d128 Decimal128(12),"
        + " d Date, dt DateTime, n Nullable(Decimal(38, 9)), a Array(Array(Nullable(String))), big Array(UInt64)";
    for (String db : List.of(jsonDb, binaryDb)) {
      server.execute("CREATE TABLE " + db + ".widths (" + columns + ") ENGINE = MergeTree ORDER BY k");
    }
    StringBuilder many = new StringBuilder();
    for (int i = 0; i < 300; i++) { // an array longer than one LEB128 byte counts
      many.append(i == 0 ? "" : ",").append('"').append(i).append('"');
    }
    List<byte[]> rows = List.of(
        ("{\"k\":\"min\",\"u8\":0,\"i8\":-128,\"u16\":0,\"i16\":-32768,\"u32\":0,\"i32\":-2147483648,\"u64\":0,"
            + "\"i64\":-9223372036854775808,\"f32\":-1.5,\"f64\":-2.25e-300,\"d32\":-99999.9999,"
            + "\"d64\":-999999999.999999999,\"d128\":-99999999999999999999999999.999999999999,\"d\":\"1970-01-01\","
            + "\"dt\":0,\"n\":null,\"a\":[],\"big\":[]}\n").getBytes(StandardCharsets.UTF_8),
        ("{\"k\":\"max\",\"u8\":255,\"i8\":127,\"u16\":65535,\"i16\":32767,\"u32\":4294967295,\"i32\":2147483647,"
            + "\"u64\":18446744073709551615,\"i64\":9223372036854775807,\"f32\":3.25,\"f64\":1e300,"
            + "\"d32\":99999.9999,\"d64\":999999999.999999999,\"d128\":99999999999999999999999999.999999999999,"
            + "\"d\":\"2105-12-31\",\"dt\":4294967295,\"n\":-12345678901234567890123456789.123456789,"
            + "\"a\":[[\"x\",null,\"ÿ\"],[],[" + many + "]],\"big\":[1,18446744073709551615]}\n")
            .getBytes(StandardCharsets.UTF_8));
    Map<String, String> types = types(binaryDb, "widths");
    RowBinaryRows encoding = RowBinaryRows.of(types, rows.get(0)).orElseThrow();
    RowBinaryOutput body = new RowBinaryOutput(16);
    encoding.encode(rows, body);
    client.insert(binaryDb + ".widths", encoding.columns(), body.stream(), ClickHouseFormat.RowBinary).get().close();
    client.insert(jsonDb + ".widths", new RowsInputStream(rows), ClickHouseFormat.JSONEachRow).get().close();

    String select = "SELECT * FROM %s.widths ORDER BY k FORMAT JSONEachRow";
    assertThat(server.query(select.formatted(binaryDb))).hasSize(2).isEqualTo(server.query(select.formatted(jsonDb)));
  }

  @Test
  void typesWithoutAnEncodingAndRowsThatDoNotFitAreLeftToJson() throws Exception {
    byte[] row = "{\"k\":\"x\",\"e\":\"a\"}\n".getBytes(StandardCharsets.UTF_8);
    assertThat(RowBinaryRows.of(Map.of("k", "String", "e", "Enum8('a' = 1)"), row)).isEmpty();
    assertThat(RowBinaryRows.of(Map.of("k", "String", "e", "Map(String, String)"), row)).isEmpty();
    assertThat(RowBinaryRows.of(Map.of("k", "String"), row)).as("a field the table lacks").isEmpty();

    RowBinaryRows encoding = RowBinaryRows.of(Map.of("k", "String", "e", "UInt8"), "{\"k\":\"x\",\"e\":1}"
        .getBytes(StandardCharsets.UTF_8)).orElseThrow();
    assertThatThrownBy(() -> encoding.encode(List.of(row), new RowBinaryOutput(16))).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> encoding.encode(List.of("{\"k\":\"x\",\"e\":256}".getBytes(StandardCharsets.UTF_8)),
        new RowBinaryOutput(16))).isInstanceOf(IOException.class).hasMessageContaining("UInt8");
    RowBinaryRows money = RowBinaryRows.of(Map.of("k", "String", "usd", "Nullable(Decimal(12, 9))"),
        "{\"k\":\"x\",\"usd\":null}".getBytes(StandardCharsets.UTF_8)).orElseThrow();
    assertThatThrownBy(() -> money.encode(List.of("{\"k\":\"x\",\"usd\":5000.000000000}"
        .getBytes(StandardCharsets.UTF_8)), new RowBinaryOutput(16))).as("ClickHouse refuses it in JSON")
        .isInstanceOf(IOException.class).hasMessageContaining("digits");
    assertThatThrownBy(() -> money.encode(List.of("{\"k\":\"x\",\"usd\":1.0000000001}"
        .getBytes(StandardCharsets.UTF_8)), new RowBinaryOutput(16))).isInstanceOf(IOException.class)
        .hasMessageContaining("decimal places");
  }

  @Test
  void versionsKnowingDeduplicationTokens() {
    int[] since = {22, 2};
    assertThat(ClickHouseRowInserter.atLeast("18.16.1", since)).isFalse();
    assertThat(ClickHouseRowInserter.atLeast("22.1.3.7", since)).isFalse();
    assertThat(ClickHouseRowInserter.atLeast("22.2.1", since)).isTrue();
    assertThat(ClickHouseRowInserter.atLeast("24.8.4.13", since)).isTrue();
  }
}
