package dev.costpipe.clickhouse.sink;

import static dev.costpipe.clickhouse.sink.TestRecords.cost;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.clickhouse.client.api.Client;
import dev.costpipe.testsupport.ClickHouseTestServer;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each view on known rows with known answers. The rows are inserted twice (a re-delivery, newer
 * ingested_at): every answer must still count them once.
 */
class ClickHouseViewsTest {
  private static final String D1 = "2026-06-01T10:";
  private static final String D2 = "2026-06-02T10:";
  private static ClickHouseTestServer server;
  private static String db;

  @BeforeAll
  static void load() throws Exception {
    server = ClickHouseTestServer.shared();
    Client client = server.client();
    db = TestRecords.unique("cp_views");
    new ClickHouseMigrations(client, db).migrate();
    for (long ingestedAt : new long[] {1_780_400_000L, 1_780_400_010L}) {
      TestRecords.insertRows(client, db, ingestedAt, records());
    }
  }

  /** The cost records every view here is checked on (CurrentClickHouseViewsTest loads them into ClickHouse 26 too). */
  static List<String> records() {
    return List.of(
        cost("r01").at(D1 + "01:00Z").user("alice").session("s1", "support-chat", "/a")
            .property("Environment", "production").property("Team", "core").usage(1000, 100, 0).cost(100_000_000).json(),
        cost("r02").at(D1 + "02:00Z").user("alice").session("s1", "support-chat", "/b")
            .property("Environment", "production").usage(1000, 100, 500).cost(20_000_000).savings(1_000_000).json(),
        cost("r03").at(D1 + "03:00Z").user("alice").session("s1", "support-chat", "/a")
            .property("Environment", "production").model("anthropic", "claude-x", "anthropic/claude-x")
            .usage(2000, 50, 0).cost(30_000_000).json(),
        cost("r04").at(D2 + "04:00Z").user("alice").session("s2", "support-chat", "/a")
            .property("Environment", "production").cost(50_000_000).json(),
        cost("r05").at(D2 + "05:00Z").user("alice").session("s2", "support-chat", "/a")
            .property("Environment", "production").cost(40_000_000).json(),
        cost("r06").at(D1 + "06:00Z").user("bob").session("s3", "support-chat", "/x")
            .property("Environment", "staging").cost(30_000_000).json(),
        cost("r07").at(D1 + "07:00Z").user("bob").session("s3", "support-chat", "/x")
            .property("Environment", "staging").cost(30_000_000).json(),
        cost("r08").at(D2 + "08:00Z").user("bob").session("s3", "support-chat", "/x")
            .property("Environment", "staging").model("anthropic", "claude-x", "anthropic/claude-x")
            .cost(30_000_000).json(),
        cost("r09").at(D2 + "09:00Z").user("bob").session("s3", "support-chat", "/x")
            .property("Environment", "staging").model("mystery", "m-1", null).unknownModel().json(),
        cost("r10").at(D2 + "10:00Z").user("bob").session("s4", "onboarding", "/").cost(70_000_001).json(),
        cost("r11").at(D1 + "11:00Z").session("s5", null, null).cost(5_000_000).json(),
        cost("r12").at(D1 + "12:00Z").property("Team", "core").model("mystery", "m-1", null).usage(300, 30, 0)
            .unknownModel().json(),
        cost("r13").at(D2 + "13:00Z").user("carol").cacheHit(8_000_000).json(),
        cost("r14").at(D2 + "14:00Z").user("carol").model("openrouter", "meta/llama", null).providerReported(12_345)
            .json(),
        cost("r15").at(D1 + "15:00Z").user("carol").status(500).noUsage().json());
  }

  private static List<Map<String, Object>> q(String sql) {
    return server.query(sql.replace("{db}", db) + " FORMAT JSONEachRow");
  }

  private static BigDecimal usd(Object v) {
    return new BigDecimal(v.toString());
  }

  @Test
  void rowsAreStoredFieldByFieldAndCountedOnce() {
    assertThat(q("SELECT count() AS n FROM {db}.request_costs FINAL").get(0).get("n")).isEqualTo("15");
    Map<String, Object> r02 = q("SELECT * FROM {db}.request_costs FINAL WHERE request_id = 'r02'").get(0);
    assertThat(r02).containsEntry("timestamp", "2026-06-01 10:02:00").containsEntry("user_id", "alice")
        .containsEntry("session_name", "support-chat").containsEntry("session_path", "/b")
        .containsEntry("property_keys", List.of("Environment")).containsEntry("property_values", List.of("production"))
        .containsEntry("status", 200).containsEntry("streamed", 0).containsEntry("cache_hit", 0)
        .containsEntry("input_tokens", "1000").containsEntry("cache_read_tokens", "500")
        .containsEntry("usage_source", "provider").containsEntry("pricing_status", "priced")
        .containsEntry("cost_nano_usd", "20000000").containsEntry("cost_breakdown_keys", List.of("input", "output"))
        .containsEntry("cost_breakdown_values", List.of("13333334", "6666666"))
        .containsEntry("cache_savings_nano_usd", "1000000").containsEntry("errors", List.of())
        .containsEntry("ingested_at", "2026-06-02 11:33:30");
    assertThat(usd(r02.get("cost_usd"))).isEqualByComparingTo("0.02");
    Map<String, Object> r09 = q("SELECT * FROM {db}.request_costs FINAL WHERE request_id = 'r09'").get(0);
    assertThat(r09.get("cost_nano_usd")).isNull();
    assertThat(r09.get("cost_usd")).isNull();
    assertThat(r09.get("model_key")).isNull();
    assertThat(r09.get("errors")).isEqualTo(List.of("unknown model: mystery/m-1"));
  }

  @Test
  void costPerDay() {
    List<Map<String, Object>> days = q("SELECT toString(day) AS d, requests, unpriced_requests, total_cost_nano_usd,"
        + " total_cost_usd, users FROM {db}.v_cost_per_day");
    assertThat(days).hasSize(2);
    assertThat(days.get(0)).containsEntry("d", "2026-06-01").containsEntry("requests", "8")
        .containsEntry("unpriced_requests", "2").containsEntry("total_cost_nano_usd", "215000000")
        .containsEntry("users", "3");
    assertThat(usd(days.get(0).get("total_cost_usd"))).isEqualByComparingTo("0.215");
    assertThat(days.get(1)).containsEntry("d", "2026-06-02").containsEntry("requests", "7")
        .containsEntry("unpriced_requests", "1").containsEntry("total_cost_nano_usd", "190012346");
    assertThat(usd(days.get(1).get("total_cost_usd"))).isEqualByComparingTo("0.190012346");
    // exact over the whole range: 405,012,346 nano-USD
    assertThat(usd(q("SELECT sum(total_cost_usd) AS s FROM {db}.v_cost_per_day").get(0).get("s")))
        .isEqualByComparingTo("0.405012346");
  }

  @Test
  void costPerUser() {
    List<Map<String, Object>> users = q("SELECT ifNull(user_id, '(none)') AS u, sum(requests) AS n,"
        + " sum(total_cost_usd) AS usd, sum(unpriced_requests) AS unpriced FROM {db}.v_cost_per_user GROUP BY u"
        + " ORDER BY u");
    assertThat(users).extracting(r -> r.get("u")).containsExactly("(none)", "alice", "bob", "carol");
    assertThat(users).extracting(r -> usd(r.get("usd")).stripTrailingZeros().toPlainString())
        .containsExactly("0.005", "0.24", "0.160000001", "0.000012345");
    assertThat(users).extracting(r -> r.get("n")).containsExactly("2", "5", "5", "3");
    assertThat(users).extracting(r -> r.get("unpriced")).containsExactly("1", "0", "1", "1");
  }

  @Test
  void costPerSessionName() {
    List<Map<String, Object>> names = q("SELECT * FROM {db}.v_cost_per_session_name");
    assertThat(names).hasSize(2);
    Map<String, Object> onboarding = names.get(0);
    assertThat(onboarding).containsEntry("session_name", "onboarding").containsEntry("sessions", "1")
        .containsEntry("total_calls", "1");
    assertThat(usd(onboarding.get("avg_cost_per_session_usd"))).isEqualByComparingTo("0.070000001");
    // "a support chat costs $0.11 on average with 3 calls": sessions s1 (3 calls, $0.15), s2 (2, $0.09),
    // s3 (4 calls, one of them unpriced, $0.09)
    Map<String, Object> support = names.get(1);
    assertThat(support).containsEntry("session_name", "support-chat").containsEntry("sessions", "3")
        .containsEntry("total_calls", "9").containsEntry("total_unpriced_calls", "1");
    assertThat(usd(support.get("total_cost_usd"))).isEqualByComparingTo("0.33");
    assertThat(usd(support.get("avg_cost_per_session_usd"))).isEqualByComparingTo("0.11");
    assertThat(usd(support.get("avg_calls_per_session"))).isEqualByComparingTo("3");

    List<Map<String, Object>> sessions = q("SELECT session_id, session_name, user_id, calls, total_cost_usd,"
        + " toString(first_request_at) AS first FROM {db}.v_session_costs ORDER BY session_id");
    assertThat(sessions).extracting(r -> r.get("session_id")).containsExactly("s1", "s2", "s3", "s4", "s5");
    assertThat(sessions.get(4).get("session_name")).isNull();
    assertThat(sessions.get(2)).containsEntry("user_id", "bob").containsEntry("calls", "4")
        .containsEntry("first", "2026-06-01 10:06:00");
    assertThat(usd(sessions.get(0).get("total_cost_usd"))).isEqualByComparingTo("0.15");
  }

  @Test
  void costPerPropertyValue() {
    List<Map<String, Object>> props = q("SELECT property_key, property_value, sum(requests) AS n,"
        + " sum(unpriced_requests) AS unpriced, sum(total_cost_usd) AS usd FROM {db}.v_cost_per_property"
        + " GROUP BY property_key, property_value ORDER BY property_key, property_value");
    assertThat(props).extracting(r -> r.get("property_key") + "=" + r.get("property_value") + " " + r.get("n") + " "
            + r.get("unpriced") + " " + usd(r.get("usd")).stripTrailingZeros().toPlainString())
        .containsExactly("Environment=production 5 0 0.24", "Environment=staging 4 1 0.09", "Team=core 2 1 0.1");
    assertThat(q("SELECT toString(day) AS d, requests FROM {db}.v_cost_per_property WHERE property_value = 'staging'"))
        .extracting(r -> r.get("d") + ":" + r.get("requests")).containsExactly("2026-06-01:2", "2026-06-02:2");
  }

  @Test
  void costPerModelAndProvider() {
    List<Map<String, Object>> models = q("SELECT provider, model, ifNull(model_key, '') AS k, sum(requests) AS n,"
        + " sum(unpriced_requests) AS unpriced, sum(total_cost_nano_usd) AS nano, sum(total_cost_usd) AS usd"
        + " FROM {db}.v_cost_per_model GROUP BY provider, model, k ORDER BY provider, model");
    assertThat(models).extracting(r -> r.get("provider") + "/" + r.get("model") + " [" + r.get("k") + "] "
            + r.get("n") + " " + r.get("unpriced") + " " + r.get("nano"))
        .containsExactly("anthropic/claude-x [anthropic/claude-x] 2 0 60000000",
            "mystery/m-1 [] 2 2 0",
            "openai/gpt-4o-mini [openai/gpt-4o-mini] 10 1 345000001",
            "openrouter/meta/llama [] 1 0 12345");
    assertThat(usd(models.get(2).get("usd"))).isEqualByComparingTo("0.345000001");
    assertThat(q("SELECT provider, sum(total_cost_usd) AS usd FROM {db}.v_cost_per_model GROUP BY provider"
        + " ORDER BY provider")).extracting(r -> r.get("provider") + " " + usd(r.get("usd")).stripTrailingZeros()
        .toPlainString()).containsExactly("anthropic 0.06", "mystery 0", "openai 0.345000001", "openrouter 0.000012345");
  }

  @Test
  void topExpensiveRequests() {
    assertThat(q("SELECT request_id, cost_nano_usd FROM {db}.v_top_requests LIMIT 6"))
        .extracting(r -> r.get("request_id") + ":" + r.get("cost_nano_usd"))
        .containsExactly("r01:100000000", "r10:70000001", "r04:50000000", "r05:40000000", "r03:30000000",
            "r06:30000000");
    assertThat(q("SELECT request_id FROM {db}.v_top_requests WHERE timestamp >= toDateTime('2026-06-02 00:00:00')"
        + " LIMIT 2")).extracting(r -> r.get("request_id")).containsExactly("r10", "r04");
    assertThat(q("SELECT count() AS n FROM {db}.v_top_requests").get(0).get("n")).isEqualTo("12"); // priced only
  }

  @Test
  void cacheHitRateAndSavings() {
    List<Map<String, Object>> rows = q("SELECT toString(day) AS d, requests, response_cache_hits,"
        + " response_cache_hit_rate, prompt_cache_hits, total_cache_read_tokens, total_input_tokens,"
        + " cache_read_token_rate, total_cache_savings_nano_usd, total_cache_savings_usd FROM {db}.v_cache_per_day"
        + " WHERE provider = 'openai'");
    assertThat(rows).hasSize(2);
    Map<String, Object> d1 = rows.get(0);
    assertThat(d1).containsEntry("d", "2026-06-01").containsEntry("requests", "6")
        .containsEntry("response_cache_hits", "0").containsEntry("prompt_cache_hits", "1")
        .containsEntry("total_cache_read_tokens", "500").containsEntry("total_cache_savings_nano_usd", "1000000");
    // input tokens on day 1: r01 1000 + r02 1000 + r06 100 + r07 100 + r11 100 + r15 0 = 2300
    assertThat(d1).containsEntry("total_input_tokens", "2300");
    assertThat(usd(d1.get("cache_read_token_rate")).doubleValue()).isCloseTo(500.0 / 2300, within(1e-12));
    Map<String, Object> d2 = rows.get(1);
    assertThat(d2).containsEntry("d", "2026-06-02").containsEntry("requests", "4")
        .containsEntry("response_cache_hits", "1").containsEntry("total_cache_savings_nano_usd", "8000000");
    assertThat(usd(d2.get("response_cache_hit_rate"))).isEqualByComparingTo("0.25");
    assertThat(usd(q("SELECT sum(total_cache_savings_usd) AS s FROM {db}.v_cache_per_day").get(0).get("s")))
        .isEqualByComparingTo("0.009");
  }

  @Test
  void unknownModelRequests() {
    List<Map<String, Object>> rows = q("SELECT provider, model, requests, toString(first_seen) AS f,"
        + " toString(last_seen) AS l, total_input_tokens, example_request_id FROM {db}.v_unknown_model_requests");
    assertThat(rows).hasSize(1);
    assertThat(rows.get(0)).containsEntry("provider", "mystery").containsEntry("model", "m-1")
        .containsEntry("requests", "2").containsEntry("f", "2026-06-01 10:12:00")
        .containsEntry("l", "2026-06-02 10:09:00").containsEntry("total_input_tokens", "400")
        .containsEntry("example_request_id", "r09");
  }

  @Test
  void theSecondCopyIsReallyStoredUntilAMerge() {
    // the re-delivery did write rows: FINAL (as the views read) is what keeps totals single
    List<Map<String, Object>> r = q("SELECT count() AS n, uniqExact(request_id) AS u FROM {db}.request_costs");
    assertThat(Long.parseLong((String) r.get(0).get("n"))).isBetween(15L, 30L);
    assertThat(r.get(0).get("u")).isEqualTo("15");
  }
}
