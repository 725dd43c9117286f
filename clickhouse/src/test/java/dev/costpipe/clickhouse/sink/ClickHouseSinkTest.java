package dev.costpipe.clickhouse.sink;

import static dev.costpipe.clickhouse.sink.SinkTestSupport.await;
import static dev.costpipe.clickhouse.sink.SinkTestSupport.header;
import static dev.costpipe.clickhouse.sink.SinkTestSupport.uncommitted;
import static dev.costpipe.clickhouse.sink.TestRecords.cost;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.costpipe.engine.json.Json;
import dev.costpipe.engine.record.CostRecord;
import dev.costpipe.engine.record.CostRecordJson;
import dev.costpipe.testsupport.ClickHouseTestServer;
import dev.costpipe.clickhouse.sink.SinkTestSupport.RunningSink;
import dev.costpipe.clickhouse.sink.SinkTestSupport.Topics;
import dev.costpipe.contracts.DeadLetterHeaders;
import dev.costpipe.testsupport.KafkaTestBroker;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The sink end to end on a real Kafka broker and a real ClickHouse: every record type, dead letters,
 * offsets, a full re-delivery, and rows ClickHouse itself refuses.
 */
class ClickHouseSinkTest {
  private static final Duration WAIT = Duration.ofSeconds(40);
  private static final Instant BASE = Instant.parse("2026-06-01T00:00:00.500Z");
  private static KafkaTestBroker broker;
  private static ClickHouseTestServer clickhouse;

  @BeforeAll
  static void servers() {
    clickhouse = ClickHouseTestServer.shared();
    broker = KafkaTestBroker.shared();
  }

  private static long count(String sql) {
    return Long.parseLong(clickhouse.query(sql + " FORMAT JSONEachRow").get(0).values().iterator().next().toString());
  }

  private static Object one(String sql) {
    return clickhouse.query(sql + " FORMAT JSONEachRow").get(0).values().iterator().next();
  }

  private static void createTopics(Topics t, int costPartitions) {
    broker.createTopic(t.costs(), costPartitions, Map.of());
    broker.createTopic(t.aggregates(), 2, Map.of());
    broker.createTopic(t.alerts(), 1, Map.of());
  }

  /** 300 cost records with users, sessions, properties, unknown models, no-usage, cache hits; some nulls. */
  private static List<CostRecord> costRecords() {
    List<CostRecord> out = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      TestRecords.Builder b = cost(String.format("req-%04d", i)).at(BASE.plusSeconds(i * 421L));
      if (i % 11 != 0) {
        b.user("u" + (i % 7));
      }
      int s = i / 5;
      b.session("sess-" + s, s % 2 == 0 ? "support" : "sales", i % 5 == 0 ? null : "/step" + (i % 5));
      b.property("Environment", i % 3 == 0 ? "production" : "staging");
      if (i % 4 == 0) {
        b.property("Team", "t" + (i % 2));
      }
      if (i % 10 == 0) {
        b.model("mystery", "m-" + (i % 3), null).unknownModel();
      } else if (i % 13 == 0) {
        b.status(429).noUsage();
      } else if (i % 17 == 0) {
        b.cacheHit(50_000 + i);
      } else {
        b.usage(1000 + i, 50 + i, i % 2 == 0 ? 100 : 0).cost(1_000_000L + i * 1_234L)
            .savings(i % 2 == 0 ? 10_000 : 0);
      }
      if (i % 9 == 0) {
        b.streamed();
      }
      out.add(b.build());
    }
    return out;
  }

  private static List<Map.Entry<String, String>> asJson(List<CostRecord> records) {
    return records.stream().map(r -> Map.entry(r.requestId(), CostRecordJson.write(r))).toList();
  }

  private static String withField(String json, String path, Object value) {
    try {
      ObjectNode o = (ObjectNode) Json.MAPPER.readTree(json);
      ObjectNode target = o;
      String[] parts = path.split("\\.");
      for (int i = 0; i < parts.length - 1; i++) {
        target = (ObjectNode) target.get(parts[i]);
      }
      target.set(parts[parts.length - 1], Json.MAPPER.valueToTree(value));
      return o.toString();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void writesEveryRecordOnceDeadLettersTheBadOnesAndSurvivesAFullRedelivery() throws Exception {
    Topics t = Topics.unique();
    createTopics(t, 3);
    String db = TestRecords.unique("cp_sink");
    String group = TestRecords.unique("group");

    List<CostRecord> costs = costRecords();
    List<Map.Entry<String, String>> costJson = new ArrayList<>(asJson(costs));
    String good = costJson.get(1).getValue();
    Map<String, String> bad = new LinkedHashMap<>();
    bad.put("bad-json", "not json{");
    bad.put("bad-year", withField(good, "timestamp", "2200-01-01T00:00:00Z"));
    bad.put("bad-type", withField(good, "status", "abc"));
    bad.put("bad-negative", withField(good, "usage.input_tokens", -3));
    // the bad records sit between good ones
    int at = 37;
    for (var e : bad.entrySet()) {
      costJson.add(at, Map.entry(e.getKey(), e.getValue()));
      at += 50;
    }
    broker.produce(t.costs(), costJson);

    // 10 hourly user windows, each sent as versions 1, 3, 2 (the highest must win), and a session window
    List<Map.Entry<String, String>> aggregates = new ArrayList<>();
    for (int w = 0; w < 10; w++) {
      String start = BASE.plusSeconds(3600L * w).toString().replace(".500", "");
      String end = BASE.plusSeconds(3600L * (w + 1)).toString().replace(".500", "");
      for (int version : new int[] {1, 3, 2}) {
        aggregates.add(Map.entry("user/u" + w + "/1h/" + start, TestRecords.aggregate("user", "u" + w, "1h", start, end,
            version * 1_000_000L + w, version, version, null, Map.of())));
      }
    }
    Map<String, long[]> paths = new TreeMap<>(Map.of("/refund", new long[] {2_000_000_000L, 1}, "",
        new long[] {1_000_000_000L, 1}));
    aggregates.add(Map.entry("session/s1/1d", TestRecords.aggregate("session", "s1", "1d", "2026-06-01T00:00:00Z",
        "2026-06-02T00:00:00Z", 1_000_000_000L, 1, 1, "support", Map.of("", new long[] {1_000_000_000L, 1}))));
    aggregates.add(Map.entry("session/s1/1d", TestRecords.aggregate("session", "s1", "1d", "2026-06-01T00:00:00Z",
        "2026-06-02T00:00:00Z", 3_000_000_000L, 2, 2, "support", paths)));
    aggregates.add(Map.entry("bad-agg", "[]"));
    broker.produce(t.aggregates(), aggregates);

    List<Map.Entry<String, String>> alerts = new ArrayList<>();
    for (String rule : List.of("rule-a", "rule-b")) {
      for (int level : rule.equals("rule-a") ? new int[] {50, 80, 100} : new int[] {50, 80}) {
        alerts.add(Map.entry(rule, TestRecords.alert(rule, level, "100", level + ".000000001",
            "2026-06-01T00:00:00Z", "2026-06-02T00:00:00Z", "2026-06-01T1" + (level / 50) + ":00:00.250Z",
            "req-000" + level / 50)));
      }
    }
    // a rule put mid-window that no aggregate could seed: its spend counts from then
    alerts.set(4, Map.entry("rule-b", withField(alerts.get(4).getValue(), "partial_since",
        "2026-06-01T14:05:00Z")));
    // a rule with per: one alert per user at the same level and window, two rows
    for (String user : List.of("alice", "bob")) {
      alerts.add(Map.entry("rule-c", withField(withField(alerts.get(3).getValue().replace("rule-b", "rule-c"), "per",
          "user_id"), "per_value", user)));
    }
    alerts.add(alerts.get(0)); // the topology may emit an event again after a restart
    String badAlert = withField(alerts.get(1).getValue(), "metric", "tokens");
    alerts.add(Map.entry("bad-alert", badAlert));
    broker.produce(t.alerts(), alerts);

    // what ClickHouse must hold
    long expectedCost = costs.stream().filter(r -> r.costNanoUsd() != null).mapToLong(CostRecord::costNanoUsd).sum();
    long unpriced = costs.stream().filter(r -> r.costNanoUsd() == null).count();
    Map<String, long[]> bySession = new HashMap<>(); // session → [cost, calls]
    Map<String, String> nameOf = new HashMap<>();
    for (CostRecord r : costs) {
      long[] v = bySession.computeIfAbsent(r.sessionId(), k -> new long[2]);
      v[0] += r.costNanoUsd() == null ? 0 : r.costNanoUsd();
      v[1]++;
      nameOf.put(r.sessionId(), r.sessionName());
    }

    var config = ClickHouseSinkConfig.from(SinkTestSupport.settings(broker, clickhouse.httpUrl(), db, t, group));
    try (RunningSink sink = new RunningSink(config)) {
      await(WAIT, () -> "all rows in ClickHouse and the offsets committed; sink " + sink.metrics(),
          () -> sink.metrics().rowsWritten(SinkTable.REQUEST_COSTS) >= 300
              && sink.metrics().rowsWritten(SinkTable.COST_AGGREGATES) >= 32
              && sink.metrics().rowsWritten(SinkTable.COST_ALERTS) >= 6
              && sink.metrics().deadLetters() >= 6
              && uncommitted(broker, group, t.sources()).isEmpty());
      assertThat(sink.metrics().rowsWritten(SinkTable.REQUEST_COSTS)).isEqualTo(300);
      assertThat(sink.metrics().batches()).isGreaterThanOrEqualTo(3); // batch-rows 100
      assertThat(sink.metrics().retries()).isZero();
      assertThat(sink.metrics().lastBatchLatencyMillis()).isGreaterThanOrEqualTo(0);
    }
    assertContents(db, expectedCost, unpriced, bySession, nameOf);

    // dead letters: original bytes, reason, where they came from
    List<ConsumerRecord<String, String>> dlq = broker.readAll(t.deadLetters(), Duration.ofSeconds(20));
    Map<String, ConsumerRecord<String, String>> byKey = dlq.stream()
        .collect(Collectors.toMap(ConsumerRecord::key, r -> r, (a, b) -> a));
    assertThat(dlq).hasSize(6);
    assertThat(byKey.keySet()).containsExactlyInAnyOrder("bad-json", "bad-year", "bad-type", "bad-negative", "bad-agg",
        "bad-alert");
    assertThat(header(byKey.get("bad-json"), DeadLetterHeaders.REASON)).isEqualTo("invalid_json");
    assertThat(header(byKey.get("bad-year"), DeadLetterHeaders.REASON)).isEqualTo("out_of_range");
    assertThat(header(byKey.get("bad-year"), DeadLetterHeaders.MESSAGE)).contains("2200-01-01T00:00:00Z");
    assertThat(header(byKey.get("bad-type"), DeadLetterHeaders.REASON)).isEqualTo("invalid_record");
    assertThat(header(byKey.get("bad-negative"), DeadLetterHeaders.REASON)).isEqualTo("out_of_range");
    assertThat(header(byKey.get("bad-agg"), DeadLetterHeaders.REASON)).isEqualTo("invalid_json");
    assertThat(header(byKey.get("bad-alert"), DeadLetterHeaders.REASON)).isEqualTo("invalid_record");
    List<ConsumerRecord<String, String>> sources = broker.readAll(t.costs(), Duration.ofSeconds(10));
    for (var e : bad.entrySet()) {
      ConsumerRecord<String, String> r = byKey.get(e.getKey());
      assertThat(r.value()).isEqualTo(e.getValue());
      assertThat(header(r, DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo(t.costs());
      assertThat(header(r, DeadLetterHeaders.STEP)).isEqualTo("clickhouse-sink");
      // the source coordinates point at the original record
      int partition = Integer.parseInt(header(r, DeadLetterHeaders.SOURCE_PARTITION));
      long offset = Long.parseLong(header(r, DeadLetterHeaders.SOURCE_OFFSET));
      assertThat(sources.stream()
          .filter(c -> c.partition() == partition && c.offset() == offset).map(ConsumerRecord::value).toList())
          .containsExactly(e.getValue());
    }
    assertThat(header(byKey.get("bad-alert"), DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo(t.alerts());

    // a full re-delivery: the group starts over from the beginning of every topic
    SinkTestSupport.resetToEarliest(broker, group, t.sources());
    assertThat(uncommitted(broker, group, t.sources())).isNotEmpty();
    try (RunningSink again = new RunningSink(config)) {
      await(WAIT, () -> "the re-delivery written and committed; sink " + again.metrics(),
          () -> again.metrics().rowsWritten(SinkTable.REQUEST_COSTS) >= 300
              && again.metrics().rowsWritten(SinkTable.COST_AGGREGATES) >= 32
              && again.metrics().rowsWritten(SinkTable.COST_ALERTS) >= 6
              && uncommitted(broker, group, t.sources()).isEmpty());
    }
    long stored = count("SELECT count() FROM " + db + ".request_costs");
    System.out.printf("after a full re-delivery: %d rows stored in request_costs, 300 with FINAL%n", stored);
    assertContents(db, expectedCost, unpriced, bySession, nameOf);
  }

  private static void assertContents(String db, long expectedCost, long unpriced, Map<String, long[]> bySession,
      Map<String, String> nameOf) {
    assertThat(count("SELECT count() FROM " + db + ".request_costs FINAL")).isEqualTo(300);
    assertThat(count("SELECT uniqExact(request_id) FROM " + db + ".request_costs")).isEqualTo(300);
    assertThat(count("SELECT sum(cost_nano_usd) FROM " + db + ".request_costs FINAL")).isEqualTo(expectedCost);
    assertThat(new BigDecimal(one("SELECT sum(cost_usd) FROM " + db + ".request_costs FINAL").toString()))
        .isEqualByComparingTo(BigDecimal.valueOf(expectedCost, 9));
    assertThat(count("SELECT countIf(cost_nano_usd IS NULL) FROM " + db + ".request_costs FINAL")).isEqualTo(unpriced);
    assertThat(count("SELECT countIf(user_id IS NULL) FROM " + db + ".request_costs FINAL")).isEqualTo(28);
    assertThat(count("SELECT countIf(session_path IS NULL) FROM " + db + ".request_costs FINAL")).isEqualTo(60);
    assertThat(count("SELECT countIf(has(property_keys, 'Team')) FROM " + db + ".request_costs FINAL")).isEqualTo(75);
    // the views
    assertThat(count("SELECT sum(total_cost_nano_usd) FROM " + db + ".v_cost_per_day")).isEqualTo(expectedCost);
    assertThat(count("SELECT sum(requests) FROM " + db + ".v_cost_per_day")).isEqualTo(300);
    assertThat(new BigDecimal(one("SELECT sum(total_cost_usd) FROM " + db + ".v_cost_per_user").toString()))
        .isEqualByComparingTo(BigDecimal.valueOf(expectedCost, 9));
    assertThat(count("SELECT sum(requests) FROM " + db + ".v_cost_per_property WHERE property_key = 'Environment'"))
        .isEqualTo(300);
    for (Map<String, Object> row : clickhouse.query("SELECT session_name, sessions, total_calls, total_cost_usd,"
        + " avg_cost_per_session_usd FROM " + db + ".v_cost_per_session_name FORMAT JSONEachRow")) {
      String name = (String) row.get("session_name");
      long sessions = bySession.keySet().stream().filter(s -> name.equals(nameOf.get(s))).count();
      long total = bySession.entrySet().stream().filter(e -> name.equals(nameOf.get(e.getKey())))
          .mapToLong(e -> e.getValue()[0]).sum();
      assertThat(row.get("sessions")).isEqualTo(String.valueOf(sessions));
      assertThat(row.get("total_calls")).isEqualTo(String.valueOf(sessions * 5));
      assertThat(new BigDecimal(row.get("total_cost_usd").toString())).isEqualByComparingTo(BigDecimal.valueOf(total, 9));
      assertThat(new BigDecimal(row.get("avg_cost_per_session_usd").toString())).isEqualByComparingTo(
          BigDecimal.valueOf(total, 9).divide(BigDecimal.valueOf(sessions), 9, RoundingMode.DOWN));
    }
    assertThat(count("SELECT sum(requests) FROM " + db + ".v_unknown_model_requests")).isEqualTo(30);
    // aggregates: the highest version of each window
    assertThat(count("SELECT count() FROM " + db + ".cost_aggregates FINAL")).isEqualTo(11);
    List<Map<String, Object>> users = clickhouse.query("SELECT dimension_value, version, cost_nano_usd, requests FROM "
        + db + ".cost_aggregates FINAL WHERE dimension = 'user' ORDER BY dimension_value FORMAT JSONEachRow");
    for (int w = 0; w < 10; w++) {
      assertThat(users.get(w)).containsEntry("dimension_value", "u" + w).containsEntry("version", "3")
          .containsEntry("cost_nano_usd", String.valueOf(3_000_000 + w)).containsEntry("requests", "3");
    }
    Map<String, Object> session = clickhouse.query("SELECT * FROM " + db
        + ".cost_aggregates FINAL WHERE dimension = 'session' FORMAT JSONEachRow").get(0);
    assertThat(session).containsEntry("window", "1d").containsEntry("window_start", "2026-06-01 00:00:00")
        .containsEntry("version", "2").containsEntry("session_name", "support")
        .containsEntry("session_paths_path", List.of("", "/refund"))
        .containsEntry("session_paths_cost_nano_usd", List.of("1000000000", "2000000000"))
        .containsEntry("session_paths_requests", List.of("1", "1"));
    // alerts: one row per rule, window and level (and key, for a rule with per)
    List<Map<String, Object>> alerts = clickhouse.query("SELECT rule_id, level_pct, budget, spent,"
        + " toString(crossed_at) AS crossed, last_request_id, channels, toString(partial_since) AS partial, per_value"
        + " FROM " + db + ".cost_alerts FINAL ORDER BY rule_id, level_pct FORMAT JSONEachRow");
    assertThat(alerts).extracting(r -> r.get("rule_id") + "@" + r.get("level_pct") + " " + r.get("per_value"))
        .containsExactly("rule-a@50 ", "rule-a@80 ", "rule-a@100 ", "rule-b@50 ", "rule-b@80 ", "rule-c/alice@50 alice",
            "rule-c/bob@50 bob");
    assertThat(new BigDecimal(alerts.get(1).get("spent").toString())).isEqualByComparingTo("80.000000001");
    assertThat(new BigDecimal(alerts.get(1).get("budget").toString())).isEqualByComparingTo("100");
    assertThat(alerts.get(2)).containsEntry("crossed", "2026-06-01 12:00:00").containsEntry("last_request_id", "req-0002");
    assertThat((String) alerts.get(0).get("channels")).contains("\"type\":\"slack\"");
    assertThat(alerts.get(0).get("partial")).isNull();
    assertThat(alerts.get(4)).containsEntry("partial", "2026-06-01 14:05:00");
  }

  @Test
  void rowsClickHouseRefusesAreDeadLetteredAndTheRestOfTheBatchIsWritten() throws Exception {
    Topics t = Topics.unique();
    createTopics(t, 1);
    String db = TestRecords.unique("cp_refused");
    String group = TestRecords.unique("group");
    // An operator narrowed cost_usd to Decimal(12, 9) (< $1000): the sink's own checks (Decimal(18, 9)) let a
    // $5000 request through and ClickHouse refuses it.
    new ClickHouseMigrations(clickhouse.client(), db).migrate();
    clickhouse.execute("ALTER TABLE " + db + ".request_costs MODIFY COLUMN cost_usd Nullable(Decimal(12, 9))");

    List<Map.Entry<String, String>> first = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      first.add(Map.entry("a" + i, cost("a" + i).at(BASE.plusSeconds(i)).cost(i == 7 ? 5_000_000_000_000L : 1_000 + i)
          .json()));
    }
    // not JSON, and too large to forward whole under the dead-letter producer's max.request.size below
    first.add(Map.entry("huge", "x".repeat(200_000)));
    broker.produce(t.costs(), first);
    broker.produce(t.alerts(), List.of(Map.entry("rule-a", TestRecords.alert("rule-a", 50, "10", "5",
        "2026-06-01T00:00:00Z", "2026-06-02T00:00:00Z", "2026-06-01T10:00:00Z", "a1"))));

    var settings = SinkTestSupport.settings(broker, clickhouse.httpUrl(), db, t, group);
    settings.setProperty("costpipe.sink.clickhouse.batch-rows", "1000");
    settings.setProperty("costpipe.sink.clickhouse.batch-ms", "300");
    settings.setProperty("max.request.size", "100000"); // a producer setting: reaches the dead-letter producer
    try (RunningSink sink = new RunningSink(ClickHouseSinkConfig.from(settings))) {
      await(WAIT, () -> "19 rows and 1 dead letter; sink " + sink.metrics(),
          () -> sink.metrics().deadLetters(ClickHouseSink.REJECTED) == 1
              && count("SELECT count() FROM " + db + ".request_costs FINAL") == 19
              && uncommitted(broker, group, t.sources()).isEmpty());
      assertThat(count("SELECT countIf(request_id = 'a7') FROM " + db + ".request_costs")).isZero();
      assertThat(count("SELECT sum(cost_nano_usd) FROM " + db + ".request_costs FINAL"))
          .isEqualTo(19 * 1_000 + (190 - 7));

      // a second batch with a bad row, now that ClickHouse has accepted rows (the probe path)
      List<Map.Entry<String, String>> second = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        second.add(Map.entry("b" + i, cost("b" + i).at(BASE.plusSeconds(100 + i)).cost(i == 3 ? 2_000_000_000_000L : 5)
            .json()));
      }
      broker.produce(t.costs(), second);
      await(WAIT, () -> "28 rows and 2 dead letters; sink " + sink.metrics(),
          () -> sink.metrics().deadLetters(ClickHouseSink.REJECTED) == 2
              && count("SELECT count() FROM " + db + ".request_costs FINAL") == 28
              && uncommitted(broker, group, t.sources()).isEmpty());

      // A table that refuses every row (a column was dropped) is not the data's fault: nothing is
      // dead-lettered, the sink retries until the table is fixed.
      clickhouse.execute("ALTER TABLE " + db + ".cost_alerts DROP COLUMN channels");
      long retriesBefore = sink.metrics().retries();
      broker.produce(t.alerts(), List.of(
          Map.entry("rule-a", TestRecords.alert("rule-a", 80, "10", "8", "2026-06-01T00:00:00Z",
              "2026-06-02T00:00:00Z", "2026-06-01T11:00:00Z", "a2")),
          Map.entry("rule-a", TestRecords.alert("rule-a", 100, "10", "10", "2026-06-01T00:00:00Z",
              "2026-06-02T00:00:00Z", "2026-06-01T12:00:00Z", "a3"))));
      await(WAIT, "retries while the table is broken", () -> sink.metrics().retries() >= retriesBefore + 3);
      assertThat(sink.metrics().deadLetters()).isEqualTo(3);
      assertThat(uncommitted(broker, group, t.sources())).isNotEmpty();
      clickhouse.execute("ALTER TABLE " + db + ".cost_alerts ADD COLUMN channels String AFTER last_request_id");
      await(WAIT, () -> "the alerts written once the table is fixed; sink " + sink.metrics(),
          () -> count("SELECT count() FROM " + db + ".cost_alerts FINAL") == 3
              && uncommitted(broker, group, t.sources()).isEmpty());
      assertThat(sink.metrics().deadLetters()).isEqualTo(3);
    }

    List<ConsumerRecord<String, String>> all = broker.readAll(t.deadLetters(), Duration.ofSeconds(20));
    ConsumerRecord<String, String> huge = all.stream().filter(r -> r.key().equals("huge")).findFirst().orElseThrow();
    assertThat(huge.value()).isNull();
    assertThat(header(huge, ClickHouseSink.VALUE_OMITTED)).isEqualTo("true");
    assertThat(header(huge, DeadLetterHeaders.REASON)).isEqualTo("invalid_json");
    assertThat(header(huge, DeadLetterHeaders.SOURCE_OFFSET)).isEqualTo("20");
    List<ConsumerRecord<String, String>> dlq = all.stream().filter(r -> !r.key().equals("huge")).toList();
    assertThat(dlq).extracting(ConsumerRecord::key).containsExactly("a7", "b3");
    for (ConsumerRecord<String, String> r : dlq) {
      assertThat(header(r, DeadLetterHeaders.REASON)).isEqualTo("clickhouse_rejected");
      assertThat(header(r, DeadLetterHeaders.MESSAGE)).contains("ClickHouse error");
      assertThat(header(r, DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo(t.costs());
      assertThat(header(r, DeadLetterHeaders.SOURCE_PARTITION)).isEqualTo("0");
    }
    assertThat(header(dlq.get(0), DeadLetterHeaders.SOURCE_OFFSET)).isEqualTo("7");
    assertThat(header(dlq.get(1), DeadLetterHeaders.SOURCE_OFFSET)).isEqualTo("24");
    assertThat(dlq.get(0).value()).isEqualTo(first.get(7).getValue());
  }
}
