package dev.costpipe.clickhouse.sink;

import static dev.costpipe.clickhouse.sink.TestRecords.cost;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.clickhouse.client.api.Client;
import com.clickhouse.data.ClickHouseFormat;
import dev.costpipe.engine.usage.Usage;
import dev.costpipe.testsupport.ClickHouseTestServer;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * On a real server: rows the sink writes as RowBinary straight from their values read back exactly as the same
 * values written as JSONEachRow lines (the format ClickHouse parses itself, and what the sink sent before), for
 * every column type of the sink's tables: Nullable strings and numbers, arrays of strings and of 64-bit integers,
 * Int64 nano-USD and Decimal money, DateTime, UInt8 flags, properties, the image and video usage columns, strings
 * with non-ASCII and control characters; plus the integer, float, Decimal and Date widths a table may use on
 * current servers.
 */
class RowBinaryRowsTest {
  private static final long INGESTED = 1_780_000_000L;
  private static ClickHouseTestServer server;
  private static Client client;
  private static String jsonDb;
  private static String binaryDb;
  private static final RowEncodings ENCODINGS = new RowEncodings();
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
    inserter = new ClickHouseRowInserter(client, ClickHouseSinkConfig.from(p), ENCODINGS);
    inserter.learnEncodings();
  }

  private static List<byte[]> records(String... records) {
    return Arrays.stream(records).map(r -> r.getBytes(StandardCharsets.UTF_8)).toList();
  }

  /**
   * The rows as the sink buffers them: every other one encoded as it was read (the table's layout known), the others
   * read again and encoded at insert (a layout learnt since), so that one insert mixes both.
   */
  private static List<SinkRow> sinkRows(SinkTable table, List<byte[]> records) {
    List<RowConverter.Value> values = records.stream().map(r -> new RowConverter.Value(table, r, null)).toList();
    List<RowConverter.Converted> converted = RowConverter.rows(values, INGESTED, ENCODINGS);
    List<SinkRow> rows = new ArrayList<>();
    for (int i = 0; i < records.size(); i++) {
      RowConverter.Converted c = converted.get(i);
      assertThat(c.invalid()).isNull();
      assertThat(c.rowBinary()).as("encoded as read").isNotNull();
      ConsumerRecord<byte[], byte[]> source = new ConsumerRecord<>("t", 0, i, null, records.get(i));
      rows.add(i % 2 == 0 ? new SinkRow(source, records.get(i), INGESTED, c.encoding(), c.rowBinary())
          : new SinkRow(source, records.get(i), INGESTED, null, null));
    }
    return rows;
  }

  private static Map<String, String> types(String db, String table) {
    Map<String, String> types = new HashMap<>();
    server.query("SELECT name, type FROM system.columns WHERE database = '" + db + "' AND table = '" + table
        + "' FORMAT JSONEachRow").forEach(c -> types.put(String.valueOf(c.get("name")), String.valueOf(c.get("type"))));
    return types;
  }

  /** Writes the records' rows both ways and compares each table's content, sorted. */
  private static void assertSameBothWays(SinkTable table, List<byte[]> records, String orderBy) throws Exception {
    List<Object[]> rows = new ArrayList<>();
    for (byte[] r : records) {
      rows.add(table.rowValues(r, INGESTED));
    }
    RowBinaryRows encoding = RowBinaryRows.of(types(binaryDb, table.tableName()), table.columns()).orElseThrow();
    for (Object[] row : rows) { // so the inserter sends them as RowBinary, not as JSON
      encoding.encode(row, new RowBinaryOutput(16));
    }
    client.insert(jsonDb + "." + table.tableName(), new RowsInputStream(rows.stream().map(table::json).toList()),
        ClickHouseFormat.JSONEachRow).get().close();
    inserter.insert(table, sinkRows(table, records), "token-ignored-by-18.16");

    String select = "SELECT * FROM %s." + table.tableName() + " ORDER BY " + orderBy + " FORMAT JSONEachRow";
    List<Map<String, Object>> viaJson = server.query(select.formatted(jsonDb));
    List<Map<String, Object>> viaRowBinary = server.query(select.formatted(binaryDb));
    assertThat(viaRowBinary).hasSize(rows.size()).isEqualTo(viaJson);
  }

  @Test
  void costRecordsReadBackAsTheirJsonRows() throws Exception {
    List<byte[]> records = records(
        cost("rb-full").at("2026-11-20T09:15:02.999Z").user("alice").session("s-1", "support-chat", "/triage")
            .property("Environment", "production").property("Team", "a\"b\\c\u0001é😀 日本語").streamed()
            .usage(new Usage(1200, 40, 1024, 1, 2, 3, 4, 5, 6, 7)).cost(128_160)
            .breakdown(Map.of("input", 26_400L, "cache_read", 76_800L, "output", 24_960L)).savings(76_800)
            .error("incomplete").error("ünïcödé ✓").revision(2).json(),
        cost("rb-unknown").at(Instant.parse("2106-02-07T06:28:15Z")).status(null).unknownModel().json(),
        cost("rb-no-usage").at(Instant.EPOCH.plusSeconds(1)).noUsage().json(),
        cost("rb-reported").providerReported(999_999_999_999_999_999L).json(),
        cost("rb-negative").cost(-123_456_789L).breakdown(Map.of("refund", -123_456_789L)).savings(-5).json(),
        cost("rb-🚀-ид").cacheHit(42).json(),
        cost("rb-media").property("a", "").property("b", "x").usage(Usage.builder().inputTokens(10)
            .imageInputTokens(1_000).videoInputTokens(2_000).imageOutputTokens(3).cacheReadAudioTokens(4)
            .searchSources(5).serverToolCalls(6).serviceTier("priority").inferenceGeo("eu").build()).json());

    assertSameBothWays(SinkTable.REQUEST_COSTS, records, "request_id");
  }

  @Test
  void aggregatesAndAlertsReadBackAsTheirJsonRows() throws Exception {
    assertSameBothWays(SinkTable.COST_AGGREGATES, records(
        TestRecords.aggregate("session", "s-ß", "1h", "2026-06-01T10:00:00Z", "2026-06-01T11:00:00Z", 5_000, 3, 7,
            "naïve session", Map.of("/a", new long[] {3_000, 2}, "/b/ç", new long[] {2_000, 1})),
        TestRecords.aggregate("user", "bob", "1d", "2026-06-01T00:00:00Z", "2026-06-02T00:00:00Z",
            Long.MAX_VALUE, Long.MAX_VALUE / 100, 1, null, Map.of())), "dimension");
    assertSameBothWays(SinkTable.COST_ALERTS, records(
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
    List<String> many = IntStream.range(0, 300).mapToObj(Integer::toString).toList(); // a length of 2 LEB128 bytes
    List<String> names = List.of("k", "u8", "i8", "u16", "i16", "u32", "i32", "u64", "i64", "f32", "f64", "d32", "d64",
        "d128", "d", "dt", "n", "a", "big");
    List<Object[]> rows = List.of(
        new Object[] {"min", 0L, -128L, 0L, -32768L, 0L, -2147483648L, 0L, Long.MIN_VALUE, new BigDecimal("-1.5"),
            new BigDecimal("-2.25e-10"), new BigDecimal("-99999.9999"), new BigDecimal("-999999999.999999999"),
            new BigDecimal("-99999999999999999999999999.999999999999"), "1970-01-01", 0L, null, List.of(),
            List.of()},
        new Object[] {"max", 255L, 127L, 65535L, 32767L, 4294967295L, 2147483647L, Long.MAX_VALUE, Long.MAX_VALUE,
            new BigDecimal("3.25"), 1_000_000_000_000L, new BigDecimal("99999.9999"),
            new BigDecimal("999999999.999999999"), new BigDecimal("99999999999999999999999999.999999999999"),
            "2105-12-31", 4294967295L, new BigDecimal("-12345678901234567890123456789.123456789"),
            List.of(Arrays.asList("x", null, "ÿ"), List.of(), many), List.of(1L, Long.MAX_VALUE)},
        new Object[] {"typed", 1L, -1L, 2L, -2L, 3L, -3L, 4L, -4L, 5L, new BigDecimal("0.1"), 7L, 8L, 9L, "2024-10-04",
            1_780_000_000L, 10L, List.of(List.of("é😀")), List.of(0L)});
    Map<String, String> types = types(binaryDb, "widths");
    RowBinaryRows encoding = RowBinaryRows.of(types, names).orElseThrow();
    RowBinaryOutput body = new RowBinaryOutput(16);
    for (Object[] row : rows) {
      encoding.encode(row, body);
    }
    client.insert(binaryDb + ".widths", encoding.columns(), body.stream(), ClickHouseFormat.RowBinary).get().close();
    client.insert(jsonDb + ".widths", new RowsInputStream(rows.stream().map(r -> RowJson.line(names, r)).toList()),
        ClickHouseFormat.JSONEachRow).get().close();

    String select = "SELECT * FROM %s.widths ORDER BY k FORMAT JSONEachRow";
    assertThat(server.query(select.formatted(binaryDb))).hasSize(3).isEqualTo(server.query(select.formatted(jsonDb)));
  }

  @Test
  void typesWithoutAnEncodingAndRowsThatDoNotFitAreLeftToJson() throws Exception {
    List<String> columns = List.of("k", "e");
    assertThat(RowBinaryRows.of(Map.of("k", "String", "e", "Enum8('a' = 1)"), columns)).isEmpty();
    assertThat(RowBinaryRows.of(Map.of("k", "String", "e", "Map(String, String)"), columns)).isEmpty();
    assertThat(RowBinaryRows.of(Map.of("k", "String"), columns)).as("a column the table lacks").isEmpty();

    RowBinaryRows encoding = RowBinaryRows.of(Map.of("k", "String", "e", "UInt8"), columns).orElseThrow();
    assertThatThrownBy(() -> encoding.encode(new Object[] {"x", "a"}, new RowBinaryOutput(16)))
        .isInstanceOf(IOException.class).hasMessageContaining("e: expected an integer");
    assertThatThrownBy(() -> encoding.encode(new Object[] {"x", null}, new RowBinaryOutput(16)))
        .as("null in a column that is not Nullable").isInstanceOf(IOException.class);
    assertThatThrownBy(() -> encoding.encode(new Object[] {"x", 256L}, new RowBinaryOutput(16)))
        .isInstanceOf(IOException.class).hasMessageContaining("UInt8");
    RowBinaryRows money = RowBinaryRows.of(Map.of("k", "String", "usd", "Nullable(Decimal(12, 9))"),
        List.of("k", "usd")).orElseThrow();
    assertThatThrownBy(() -> money.encode(new Object[] {"x", new BigDecimal("5000.000000000")},
        new RowBinaryOutput(16))).as("ClickHouse refuses it in JSON").isInstanceOf(IOException.class)
        .hasMessageContaining("digits");
    assertThatThrownBy(() -> money.encode(new Object[] {"x", new BigDecimal("1.0000000001")},
        new RowBinaryOutput(16))).isInstanceOf(IOException.class).hasMessageContaining("decimal places");
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
