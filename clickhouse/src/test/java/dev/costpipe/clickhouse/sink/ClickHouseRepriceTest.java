package dev.costpipe.clickhouse.sink;

import static dev.costpipe.clickhouse.sink.TestRecords.cost;
import static org.assertj.core.api.Assertions.assertThat;

import com.clickhouse.client.api.Client;
import dev.costpipe.engine.catalogue.PricingEntryJson;
import dev.costpipe.engine.pricing.CostCalculator;
import dev.costpipe.engine.pricing.PricingRegistry;
import dev.costpipe.testsupport.ClickHouseTestServer;
import dev.costpipe.engine.usage.Usage;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Re-pricing stored history server-side with a new registry; compared with the Java calculator. */
class ClickHouseRepriceTest {
  private static final String ALPHA = """
      {"model_key":"testco/alpha","name":"Alpha","endpoints":[{"provider":"testco","deployment":null,"ids":["alpha"],
       "source":"https://example.com","checked":"2026-06-01","prices":[
        {"effective_from":"2020-01-01T00:00:00Z","rates":{"input":0.000001,"output":0.000002},
         "modes":{"batch":{"multiplier":0.5,"rates":{}}}},
        {"effective_from":"2026-06-02T00:00:00Z","rates":{"input":0.0000005,"output":0.000001}}]}]}""";
  private static final String BETA = """
      {"model_key":"testco/beta","name":"Beta","endpoints":[{"provider":"testco","deployment":null,"ids":["beta"],
       "source":"https://example.com","checked":"2026-06-01","prices":[
        {"effective_from":"2020-01-01T00:00:00Z","rates":{"input":0.000003,"output":0.000004,"cache_read":0.0000003,
          "image_input":0.00001,"video_input":0.000002}}]}]}""";

  private static final Instant D1 = Instant.parse("2026-06-01T12:00:00Z");
  private static final Instant D2 = Instant.parse("2026-06-02T12:00:00Z");
  private static final Usage ALPHA_USAGE = new Usage(1000, 100, 0, 0, 0, 0, 0, 0, 0, 0);
  private static final Usage BETA_USAGE = new Usage(2000, 10, 1000, 0, 0, 0, 0, 0, 0, 0);
  /** A Batch API call with usage fields of V004: half price, and its usage kept as it is by the re-pricing. */
  private static final Usage BATCH_USAGE =
      ALPHA_USAGE.toBuilder().serviceTier("batch").searchSources(4).serverToolCalls(2).build();
  /** Image and video prompt tokens (V009), priced at beta's own rates. */
  private static final Usage IMAGE_USAGE =
      Usage.builder().inputTokens(1000).imageInputTokens(400).videoInputTokens(100).outputTokens(50).build();

  /** Alpha, cheaper from 2 June, and beta, with image and video rates. */
  static PricingRegistry registry() {
    return PricingRegistry.of(List.of(
        PricingEntryJson.read(ALPHA.getBytes(StandardCharsets.UTF_8)),
        PricingEntryJson.read(BETA.getBytes(StandardCharsets.UTF_8))));
  }

  /**
   * Eleven requests of 1–3 June: stale, current and unknown-model costs, a cache hit, a provider-reported cost,
   * one without usage, models without a price (one hostile), one after the range.
   */
  static List<String> records() {
    long a2 = javaCost(registry(), "alpha", D2, ALPHA_USAGE);
    return List.of(
        cost("a1").at(D1).model("testco", "alpha", "testco/alpha").usage(ALPHA_USAGE).cost(999).json(),
        cost("a2").at(D2).model("testco", "alpha", "testco/alpha").usage(ALPHA_USAGE).cost(a2).json(),
        cost("m1").at(D1).model("testco", "alpha", "testco/alpha").usage(BATCH_USAGE).cost(1_200_000).json(),
        cost("b1").at(D1).model("testco", "beta", null).usage(BETA_USAGE).unknownModel().error("incomplete")
            .reportedCost(4_000_000).json(),
        cost("i1").at(D1).model("testco", "beta", null).usage(IMAGE_USAGE).unknownModel().json(),
        cost("c1").at(D1).model("testco", "alpha", "testco/alpha").usage(ALPHA_USAGE).cacheHit(777).json(),
        cost("p1").at(D1).model("openrouter", "x/y", null).providerReported(5_000).json(),
        cost("n1").at(D1).model("testco", "alpha", "testco/alpha").noUsage().json(),
        cost("x1").at(D1).model("other", "zzz", null).unknownModel().json(),
        cost("q1").at(D1).model("testco", "alpha' OR 1=1 --", null).unknownModel().json(),
        cost("o1").at("2026-06-03T00:00:00Z").model("testco", "alpha", "testco/alpha").usage(ALPHA_USAGE).cost(1)
            .json());
  }

  private static long javaCost(PricingRegistry registry, String model, Instant at, Usage usage) {
    return CostCalculator.compute(registry.resolve("testco", model, null).orElseThrow().planAt(at), usage, at).nanoUsd();
  }

  @Test
  void repricesChangedRowsOnlyAndReturnsOldAndNewTotals() throws Exception {
    ClickHouseTestServer server = ClickHouseTestServer.shared();
    Client client = server.client();
    String db = TestRecords.unique("cp_reprice");
    new ClickHouseMigrations(client, db).migrate();
    PricingRegistry registry = registry();
    long a1New = javaCost(registry, "alpha", D1, ALPHA_USAGE);
    long a2 = javaCost(registry, "alpha", D2, ALPHA_USAGE);
    long b1New = javaCost(registry, "beta", D1, BETA_USAGE);
    assertThat(a1New).isEqualTo(1_200_000);
    assertThat(a2).isEqualTo(600_000);
    assertThat(b1New).isEqualTo(3_340_000);
    long m1New = javaCost(registry, "alpha", D1, BATCH_USAGE);
    assertThat(m1New).isEqualTo(600_000);
    // i1 was recorded unknown_model (as a model whose importers skipped it for its image rate was): text
    // (1000 - 400 - 100) x 3 = 1500, image 400 x 10 = 4000, video 100 x 2 = 200, output 50 x 4 = 200 micro-USD
    long i1New = javaCost(registry, "beta", D1, IMAGE_USAGE);
    assertThat(i1New).isEqualTo(5_900_000);

    List<String> records = records();
    long ingested = Instant.now().getEpochSecond();
    TestRecords.insertRows(client, db, ingested, records);

    Reprice reprice = new Reprice(client, db);
    LocalDate from = LocalDate.parse("2026-06-01");
    LocalDate to = LocalDate.parse("2026-06-02");
    Reprice.Result dry = reprice.reprice(registry, from, to, true);
    assertThat(dry).isEqualTo(new Reprice.Result(10, 4, 999 + a2 + 1_200_000 + 5_000,
        a1New + a2 + m1New + b1New + i1New + 5_000, Map.of("other/zzz", 1L, "testco/alpha' OR 1=1 --", 1L)));
    assertThat(server.query("SELECT count() AS n FROM " + db + ".request_costs FORMAT JSONEachRow").get(0).get("n"))
        .isEqualTo("11"); // a dry run writes nothing

    Reprice.Result done = reprice.reprice(registry, from, to, false);
    assertThat(done).isEqualTo(dry);

    Map<String, Map<String, Object>> rows = new java.util.TreeMap<>();
    for (Map<String, Object> r : server.query("SELECT request_id, model_key, pricing_status, cost_nano_usd, cost_usd,"
        + " cost_breakdown_keys, cost_breakdown_values, errors, toUInt32(ingested_at) AS v, service_tier,"
        + " search_sources, server_tool_calls, image_input_tokens, video_input_tokens, reported_cost_nano_usd FROM " + db
        + ".request_costs FINAL FORMAT JSONEachRow")) {
      rows.put((String) r.get("request_id"), r);
    }
    assertThat(rows).hasSize(11);
    assertThat(rows.get("i1")).containsEntry("cost_nano_usd", "5900000").containsEntry("pricing_status", "priced")
        .containsEntry("image_input_tokens", "400").containsEntry("video_input_tokens", "100");
    assertThat(rows.get("m1")).containsEntry("cost_nano_usd", "600000").containsEntry("service_tier", "batch")
        .containsEntry("search_sources", "4").containsEntry("server_tool_calls", "2");
    assertThat(rows.get("a1")).containsEntry("cost_nano_usd", "1200000").containsEntry("pricing_status", "priced")
        .containsEntry("cost_breakdown_keys", List.of("repriced")).containsEntry("cost_breakdown_values",
            List.of("1200000"));
    assertThat(new BigDecimal(rows.get("a1").get("cost_usd").toString())).isEqualByComparingTo("0.0012");
    assertThat(((Number) rows.get("a1").get("v")).longValue()).isGreaterThan(ingested);
    assertThat(rows.get("b1")).containsEntry("cost_nano_usd", "3340000").containsEntry("model_key", "testco/beta")
        .containsEntry("pricing_status", "priced").containsEntry("errors", List.of("incomplete"))
        .containsEntry("reported_cost_nano_usd", "4000000"); // the source's own figure survives the re-pricing
    assertThat(rows.get("a1").get("reported_cost_nano_usd")).isNull();
    assertThat(rows.get("a2")).containsEntry("cost_nano_usd", "600000").containsEntry("cost_breakdown_keys",
        List.of("input", "output"));
    assertThat(rows.get("c1")).containsEntry("cost_nano_usd", "0");
    assertThat(rows.get("p1")).containsEntry("cost_nano_usd", "5000").containsEntry("pricing_status",
        "provider_reported");
    assertThat(rows.get("n1").get("cost_nano_usd")).isNull();
    assertThat(rows.get("x1").get("cost_nano_usd")).isNull();
    assertThat(rows.get("q1")).containsEntry("pricing_status", "unknown_model");
    assertThat(rows.get("o1")).containsEntry("cost_nano_usd", "1");

    // the views see the new prices, once
    assertThat(server.query("SELECT sum(total_cost_nano_usd) AS s FROM " + db + ".v_cost_per_day FORMAT JSONEachRow")
        .get(0).get("s")).isEqualTo(String.valueOf(a1New + a2 + m1New + b1New + i1New + 5_000 + 1));
    // nothing left to re-price
    assertThat(reprice.reprice(registry, from, to, false).rowsRepriced()).isZero();
  }
}
