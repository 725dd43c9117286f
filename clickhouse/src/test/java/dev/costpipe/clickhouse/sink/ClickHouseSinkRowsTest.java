package dev.costpipe.clickhouse.sink;

import static dev.costpipe.clickhouse.sink.TestRecords.cost;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.clickhouse.client.api.ClientException;
import com.clickhouse.client.api.ConnectionInitiationException;
import com.clickhouse.client.api.ServerException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.costpipe.engine.json.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Record → row (as its JSONEachRow line), the checks in front of ClickHouse, the settings; no server needed. */
class ClickHouseSinkRowsTest {
  private static final long INGESTED = 1_780_000_000L;

  private static JsonNode costRow(String json) throws Exception {
    byte[] row = SinkTable.REQUEST_COSTS.row(json.getBytes(StandardCharsets.UTF_8), INGESTED);
    assertThat(row[row.length - 1]).isEqualTo((byte) '\n');
    return Json.MAPPER.readTree(row);
  }

  private static String reason(SinkTable table, String json) {
    try {
      table.row(json == null ? null : json.getBytes(StandardCharsets.UTF_8), INGESTED);
    } catch (InvalidRecordException e) {
      return e.reason() + ": " + e.getMessage();
    }
    throw new AssertionError("accepted: " + json);
  }

  private static String with(String json, String field, Object value) throws Exception {
    ObjectNode o = (ObjectNode) Json.MAPPER.readTree(json);
    o.set(field, Json.MAPPER.valueToTree(value));
    return o.toString();
  }

  @Test
  void aStringWithoutAUtf8FormIsAnInvalidRecord() throws Exception {
    String loneSurrogate = cost("r-s").json().replace("\"request_id\":\"r-s\"", "\"request_id\":\"r-s\\ud800\"");
    assertThat(reason(SinkTable.REQUEST_COSTS, loneSurrogate)).startsWith("invalid_record: request_id");
    assertThat(reason(SinkTable.REQUEST_COSTS, cost("r-p").property("Team", "x").json().replace("\"x\"",
        "\"\\udfff\"")))
        .startsWith("invalid_record: property_values");
    assertThat(costRow(cost("r-pair").user("a\ud83d\ude00").json()).get("user_id").asText()).isEqualTo("a😀");
  }

  @Test
  void everyFieldOfTheCostRecordBecomesAColumn() throws Exception {
    String json = cost("r-1").at("2026-11-20T09:15:02.999Z").user("alice").session("s-1", "support-chat", "/triage")
        .property("Environment", "production").property("Team", "a\"b\\c\u0001é😀").streamed()
        .usage(new dev.costpipe.engine.usage.Usage(1200, 40, 1024, 1, 2, 3, 4, 5, 6, 7))
        .cost(128_160).breakdown(Map.of("input", 26_400L, "cache_read", 76_800L, "output", 24_960L))
        .savings(76_800).error("incomplete").json();
    JsonNode row = costRow(json);

    assertThat(row.get("request_id").asText()).isEqualTo("r-1");
    assertThat(row.get("timestamp").asLong()).isEqualTo(1_795_166_102L); // truncated to the second
    assertThat(row.get("provider").asText()).isEqualTo("openai");
    assertThat(row.get("model_key").asText()).isEqualTo("openai/gpt-4o-mini");
    assertThat(row.get("user_id").asText()).isEqualTo("alice");
    assertThat(row.get("session_name").asText()).isEqualTo("support-chat");
    assertThat(row.get("session_path").asText()).isEqualTo("/triage");
    assertThat(row.get("property_keys")).hasToString("[\"Environment\",\"Team\"]");
    assertThat(row.get("property_values").get(1).asText()).isEqualTo("a\"b\\c\u0001é😀");
    assertThat(row.get("status").asInt()).isEqualTo(200);
    assertThat(row.get("streamed").asInt()).isEqualTo(1);
    assertThat(row.get("cache_hit").asInt()).isZero();
    assertThat(row.get("input_tokens").asLong()).isEqualTo(1200);
    assertThat(row.get("cache_write_1h_tokens").asLong()).isEqualTo(2);
    assertThat(row.get("images").asLong()).isEqualTo(7);
    assertThat(row.get("usage_source").asText()).isEqualTo("provider");
    assertThat(row.get("pricing_status").asText()).isEqualTo("priced");
    assertThat(row.get("cost_nano_usd").asLong()).isEqualTo(128_160);
    // Decimal: an unquoted number with exactly the column's 9 places
    assertThat(new String(SinkTable.REQUEST_COSTS.row(json.getBytes(StandardCharsets.UTF_8), INGESTED),
        StandardCharsets.UTF_8))
        .contains("\"cost_usd\":0.000128160,");
    assertThat(row.get("cost_breakdown_keys")).hasSize(3);
    assertThat(row.get("cost_breakdown_values")).hasSize(3);
    assertThat(row.get("cache_savings_nano_usd").asLong()).isEqualTo(76_800);
    assertThat(row.get("errors")).hasToString("[\"incomplete\"]");
    assertThat(row.get("ingested_at").asLong()).isEqualTo(INGESTED);
    assertThat(row.get("image_output_tokens").asLong()).isZero();
    assertThat(row.get("service_tier").asText()).isEmpty();
    assertThat(row.get("revision").asLong()).isZero();
    assertThat(row.get("reported_cost_nano_usd").isNull()).isTrue();
    assertThat(row.get("image_input_tokens").asLong()).isZero();
    assertThat(row.size()).isEqualTo(43); // every column of request_costs
  }

  @Test
  void theUsageFieldsOfV004AreWrittenWhenPresentAndDefaultWhenNot() throws Exception {
    ObjectNode record = (ObjectNode) Json.MAPPER.readTree(cost("r-5").json());
    ObjectNode usage = (ObjectNode) record.get("usage");
    usage.put("image_output_tokens", 1290).put("cache_read_audio_tokens", 40).put("search_sources", 7)
        .put("server_tool_calls", 3).put("image_input_tokens", 1806).put("video_input_tokens", 7920)
        .put("service_tier", "batch").put("inference_geo", "us");
    JsonNode row = costRow(record.toString());
    assertThat(row.get("image_output_tokens").asLong()).isEqualTo(1290);
    assertThat(row.get("cache_read_audio_tokens").asLong()).isEqualTo(40);
    assertThat(row.get("search_sources").asLong()).isEqualTo(7);
    assertThat(row.get("server_tool_calls").asLong()).isEqualTo(3);
    assertThat(row.get("image_input_tokens").asLong()).isEqualTo(1806);
    assertThat(row.get("video_input_tokens").asLong()).isEqualTo(7920);
    assertThat(row.get("service_tier").asText()).isEqualTo("batch");
    assertThat(row.get("inference_geo").asText()).isEqualTo("us");
  }

  @Test
  void aRevisionIsWrittenAndSortsAfterTheOnesBeforeItInTheSameSecond() throws Exception {
    JsonNode row = costRow(cost("r-6").revision(3).json());
    assertThat(row.get("revision").asLong()).isEqualTo(3);
    assertThat(row.get("ingested_at").asLong()).isEqualTo(INGESTED + 3);
    assertThat(costRow(with(cost("r-6").json(), "revision", null)).get("revision").asLong())
        .as("a record written before revisions").isZero();
    assertThat(reason(SinkTable.REQUEST_COSTS, with(cost("r-6").json(), "revision", -1))).startsWith("out_of_range");
  }

  @Test
  void aReportedCostIsWrittenAndARecordBeforeV006HasNone() throws Exception {
    assertThat(costRow(cost("r-7").reportedCost(127_300).json()).get("reported_cost_nano_usd").asLong())
        .isEqualTo(127_300);
    assertThat(costRow(with(cost("r-7").json(), "reported_cost_nano_usd", null)).get("reported_cost_nano_usd")
        .isNull()).isTrue();
    assertThat(reason(SinkTable.REQUEST_COSTS, with(cost("r-7").json(), "reported_cost_nano_usd", "many")))
        .startsWith("invalid_record");
  }

  @Test
  void nullsStayNullAndAnUnpricedRecordHasNoCost() throws Exception {
    JsonNode row = costRow(cost("r-2").model("mystery", "m-1", null).status(null).unknownModel().json());
    assertThat(row.get("user_id").isNull()).isTrue();
    assertThat(row.get("session_id").isNull()).isTrue();
    assertThat(row.get("model_key").isNull()).isTrue();
    assertThat(row.get("status").isNull()).isTrue();
    assertThat(row.get("cost_nano_usd").isNull()).isTrue();
    assertThat(row.get("cost_usd").isNull()).isTrue();
    assertThat(row.get("pricing_status").asText()).isEqualTo("unknown_model");
    assertThat(row.get("property_keys")).isEmpty();
  }

  @Test
  void invalidCostRecordsAreRefusedWithTheirReason() throws Exception {
    String good = cost("r-3").json();
    assertThat(reason(SinkTable.REQUEST_COSTS, "not json{")).startsWith("invalid_json");
    assertThat(reason(SinkTable.REQUEST_COSTS, "[1,2]")).startsWith("invalid_json");
    assertThat(reason(SinkTable.REQUEST_COSTS, null)).startsWith("invalid_json");
    assertThat(reason(SinkTable.REQUEST_COSTS, "{\"a\":1} trailing")).startsWith("invalid_json");
    assertThat(reason(SinkTable.REQUEST_COSTS, with(good, "timestamp", "2200-01-01T00:00:00Z")))
        .startsWith("out_of_range").contains("DateTime");
    assertThat(reason(SinkTable.REQUEST_COSTS, with(good, "timestamp", "1969-12-31T23:59:59Z"))).startsWith("out_of_range");
    assertThat(reason(SinkTable.REQUEST_COSTS, with(good, "timestamp", "yesterday"))).startsWith("invalid_record");
    assertThat(reason(SinkTable.REQUEST_COSTS, with(good, "timestamp", null))).startsWith("invalid_record");
    assertThat(reason(SinkTable.REQUEST_COSTS, with(good, "status", "abc"))).startsWith("invalid_record: status");
    assertThat(reason(SinkTable.REQUEST_COSTS, with(good, "status", 3_000_000_000L))).startsWith("out_of_range");
    assertThat(reason(SinkTable.REQUEST_COSTS, with(good, "request_id", ""))).startsWith("invalid_record");
    assertThat(reason(SinkTable.REQUEST_COSTS, with(good, "streamed", "yes"))).startsWith("invalid_record");
    assertThat(reason(SinkTable.REQUEST_COSTS, with(good, "pricing_status", "free"))).startsWith("invalid_record");
    assertThat(reason(SinkTable.REQUEST_COSTS, with(good, "user_id", 42))).startsWith("invalid_record: user_id");
    assertThat(reason(SinkTable.REQUEST_COSTS, with(good, "properties", Map.of("n", 1)))).startsWith("invalid_record");
    assertThat(reason(SinkTable.REQUEST_COSTS, with(good, "cost_nano_usd", 1_000_000_000_000_000_000L)))
        .startsWith("out_of_range").contains("Decimal(18, 9)");
    assertThat(reason(SinkTable.REQUEST_COSTS, with(good, "cost_usd", "0.5"))).startsWith("invalid_record")
        .contains("disagrees");
    assertThat(reason(SinkTable.REQUEST_COSTS, with(good, "cost_nano_usd", 1.5))).startsWith("invalid_record");
    ObjectNode negative = (ObjectNode) Json.MAPPER.readTree(good);
    ((ObjectNode) negative.get("usage")).put("input_tokens", -3);
    assertThat(reason(SinkTable.REQUEST_COSTS, negative.toString())).startsWith("out_of_range: usage.input_tokens");
    ObjectNode huge = (ObjectNode) Json.MAPPER.readTree(good);
    ((ObjectNode) huge.get("usage")).put("output_tokens", new java.math.BigInteger("18446744073709551616"));
    assertThat(reason(SinkTable.REQUEST_COSTS, huge.toString())).startsWith("out_of_range");
    ObjectNode noUsage = (ObjectNode) Json.MAPPER.readTree(good);
    noUsage.remove("usage");
    assertThat(reason(SinkTable.REQUEST_COSTS, noUsage.toString())).startsWith("invalid_record: usage");
  }

  @Test
  void aggregatesAndAlertsBecomeRows() throws Exception {
    String agg = TestRecords.aggregate("session", "s1", "1h", "2026-06-01T10:00:00Z", "2026-06-01T11:00:00Z",
        3_000_000_000L, 2, 2, "support", Map.of("/refund", new long[] {2_000_000_000L, 1}, "", new long[] {
            1_000_000_000L, 1}));
    JsonNode row = Json.MAPPER.readTree(SinkTable.COST_AGGREGATES.row(agg.getBytes(StandardCharsets.UTF_8), INGESTED));
    assertThat(row.get("window").asText()).isEqualTo("1h");
    assertThat(row.get("window_start").asLong()).isEqualTo(1_780_308_000L);
    assertThat(row.get("version").asLong()).isEqualTo(2);
    assertThat(row.get("session_name").asText()).isEqualTo("support");
    assertThat(row.get("session_paths_path")).hasSize(2);
    assertThat(row.get("session_paths_cost_nano_usd")).hasSize(2);
    assertThat(row.size()).isEqualTo(21);

    String alert = TestRecords.alert("prod-daily", 80, "100", "80.000000001", "2026-06-01T00:00:00Z",
        "2026-06-02T00:00:00Z", "2026-06-01T13:00:00.123Z", "r-9");
    byte[] alertRow = SinkTable.COST_ALERTS.row(alert.getBytes(StandardCharsets.UTF_8), INGESTED);
    assertThat(new String(alertRow, StandardCharsets.UTF_8)).contains("\"budget\":100.000000000,")
        .contains("\"spent\":80.000000001,");
    JsonNode a = Json.MAPPER.readTree(alertRow);
    assertThat(a.get("crossed_at").asLong()).isEqualTo(1_780_318_800L);
    assertThat(Json.MAPPER.readTree(a.get("channels").asText()).get(0).get("type").asText()).isEqualTo("slack");
    assertThat(a.get("partial_since").isNull()).isTrue();
    assertThat(a.get("per").asText()).isEmpty();
    assertThat(a.get("per_value").asText()).isEmpty();
    assertThat(a.size()).isEqualTo(15);
    assertThat(Json.MAPPER.readTree(SinkTable.COST_ALERTS.row(with(alert, "partial_since", "2026-06-01T14:05:00Z")
        .getBytes(StandardCharsets.UTF_8), INGESTED)).get("partial_since").asLong()).isEqualTo(1_780_322_700L);
    assertThat(reason(SinkTable.COST_ALERTS, with(alert, "partial_since", "14:05"))).startsWith("invalid_record");
    JsonNode perUser = Json.MAPPER.readTree(SinkTable.COST_ALERTS.row(with(with(alert, "per", "user_id"), "per_value",
        "alice").getBytes(StandardCharsets.UTF_8), INGESTED));
    assertThat(perUser.get("rule_id").asText()).isEqualTo("prod-daily/alice");
    assertThat(perUser.get("per_value").asText()).isEqualTo("alice");

    assertThat(reason(SinkTable.COST_ALERTS, with(alert, "spent", 0.0000000001))).startsWith("out_of_range");
    assertThat(reason(SinkTable.COST_ALERTS, with(alert, "metric", "tokens"))).startsWith("invalid_record");
    assertThat(reason(SinkTable.COST_AGGREGATES, with(agg, "version", -1))).startsWith("out_of_range");
    assertThat(reason(SinkTable.COST_AGGREGATES, with(agg, "window_start", "2106-02-08T00:00:00Z")))
        .startsWith("out_of_range");
  }

  @Test
  void settingsHaveTheirDefaultsAndNeverShowThePassword(@TempDir Path dir) throws Exception {
    Properties p = new Properties();
    p.setProperty("bootstrap.servers", "127.0.0.1:9092");
    p.setProperty("costpipe.sink.clickhouse.password", "s3cr3t-pw");
    p.setProperty("sasl.jaas.config", "secret jaas");
    p.setProperty("enable.auto.commit", "true");
    ClickHouseSinkConfig c = ClickHouseSinkConfig.from(p);
    assertThat(c.database()).isEqualTo("costpipe");
    assertThat(c.batchRows()).isEqualTo(25_000);
    assertThat(c.insertsInFlight()).isEqualTo(2);
    assertThat(c.batchTime()).hasMillis(1_000);
    assertThat(c.sourceTopics()).containsExactly("llm.costs", "llm.cost-aggregates", "llm.cost-alerts");
    assertThat(c.deadLetterTopic()).isEqualTo("llm.sink.dlq");
    assertThat(c.toString()).doesNotContain("s3cr3t-pw").doesNotContain("secret jaas").contains("password=****")
        .contains("batchTime=1s", "retryBackoff=200ms", "socketTimeout=2m");
    Properties consumer = c.consumerProperties();
    assertThat(consumer.getProperty("group.id")).isEqualTo("costpipe-clickhouse-sink");
    assertThat(consumer.getProperty("enable.auto.commit")).isEqualTo("false");
    assertThat(consumer.getProperty("isolation.level")).isEqualTo("read_committed");
    assertThat(consumer.getProperty("bootstrap.servers")).isEqualTo("127.0.0.1:9092");

    Path file = dir.resolve("pw");
    Files.writeString(file, "from-file\n");
    Properties q = new Properties();
    q.setProperty("costpipe.sink.clickhouse.password-file", file.toString());
    q.setProperty("costpipe.sink.clickhouse.database", "analytics");
    q.setProperty("costpipe.sink.clickhouse.batch-rows", "500");
    q.setProperty("costpipe.topic.costs", "my.costs");
    q.setProperty("group.id", "other");
    ClickHouseSinkConfig d = ClickHouseSinkConfig.from(q);
    assertThat(d.password()).isEqualTo("from-file");
    assertThat(d.toString()).doesNotContain("from-file");
    assertThat(d.batchRows()).isEqualTo(500);
    assertThat(d.costsTopic()).isEqualTo("my.costs");
    assertThat(d.consumerProperties().getProperty("group.id")).isEqualTo("other");

    Properties bad = new Properties();
    bad.setProperty("costpipe.sink.clickhouse.database", "x; DROP TABLE y");
    assertThatThrownBy(() -> ClickHouseSinkConfig.from(bad)).isInstanceOf(IllegalArgumentException.class);
    Properties typo = new Properties();
    typo.setProperty("costpipe.sink.clickhouse.batch-row", "5");
    assertThatThrownBy(() -> ClickHouseSinkConfig.from(typo)).hasMessageContaining("unknown setting");
    Properties both = new Properties();
    both.setProperty("costpipe.sink.clickhouse.password", "a");
    both.setProperty("costpipe.sink.clickhouse.password-file", file.toString());
    assertThatThrownBy(() -> ClickHouseSinkConfig.from(both)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("from-file");
  }

  @Test
  void failuresAreSortedIntoOutagesAndRefusals() {
    var refused = ClickHouseErrors.Kind.REFUSED;
    var outage = ClickHouseErrors.Kind.OUTAGE;
    assertThat(ClickHouseErrors.classify(new ServerException(27, "Cannot parse input", 500, "q"))).isEqualTo(refused);
    assertThat(ClickHouseErrors.classify(new ServerException(0, "Unreadable error message", 500, "q")))
        .isEqualTo(refused); // 18.16
    assertThat(ClickHouseErrors.classify(new java.util.concurrent.ExecutionException(
        new ServerException(69, "Decimal value is too big", 500, "q")))).isEqualTo(refused);
    assertThat(ClickHouseErrors.classify(new ServerException(0, "Unreadable error message", 404, "q")))
        .isEqualTo(outage); // a missing table or database
    assertThat(ClickHouseErrors.classify(new ServerException(241, "Memory limit exceeded", 500, "q"))).isEqualTo(outage);
    assertThat(ClickHouseErrors.classify(new ServerException(252, "Too many parts", 500, "q"))).isEqualTo(outage);
    assertThat(ClickHouseErrors.classify(new ServerException(516, "Authentication failed", 401, "q"))).isEqualTo(outage);
    assertThat(ClickHouseErrors.classify(new ServerException(0, "", 503, "q"))).isEqualTo(outage);
    assertThat(ClickHouseErrors.classify(new ConnectionInitiationException("refused",
        new java.net.ConnectException("Connection refused")))).isEqualTo(outage);
    assertThat(ClickHouseErrors.classify(new ClientException("read timed out",
        new java.net.SocketTimeoutException()))).isEqualTo(outage);
    assertThat(ClickHouseErrors.describe(new java.util.concurrent.ExecutionException(
        new ServerException(27, "Cannot\n parse", 500, "q")))).startsWith("ClickHouse error 27 (HTTP 500): Cannot");
  }

  @Test
  void rowsStreamBackToBack() throws Exception {
    byte[] a = "ab".getBytes(StandardCharsets.UTF_8);
    byte[] b = new byte[0];
    byte[] c = "cde".getBytes(StandardCharsets.UTF_8);
    assertThat(new RowsInputStream(java.util.List.of(a, b, c)).readAllBytes()).containsExactly('a', 'b', 'c', 'd', 'e');
    RowsInputStream in = new RowsInputStream(java.util.List.of(a, c));
    assertThat(in.read()).isEqualTo('a');
    byte[] buf = new byte[10];
    assertThat(in.read(buf, 0, 10)).isEqualTo(4);
    assertThat(in.read(buf, 0, 10)).isEqualTo(-1);
  }
}
