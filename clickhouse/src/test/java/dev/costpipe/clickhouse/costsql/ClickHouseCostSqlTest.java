package dev.costpipe.clickhouse.costsql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.costpipe.engine.catalogue.Catalogue;
import dev.costpipe.engine.catalogue.CatalogueBuilder;
import dev.costpipe.engine.catalogue.CatalogueLoader;
import dev.costpipe.engine.catalogue.GenAiPricesImporter;
import dev.costpipe.engine.catalogue.LiteLlmImporter;
import dev.costpipe.engine.pricing.CostCalculator;
import dev.costpipe.engine.pricing.Endpoint;
import dev.costpipe.engine.pricing.PriceMatch;
import dev.costpipe.engine.pricing.PriceMode;
import dev.costpipe.engine.pricing.PricePeriod;
import dev.costpipe.engine.pricing.PricePlan;
import dev.costpipe.engine.pricing.PriceTier;
import dev.costpipe.engine.pricing.PricingEntry;
import dev.costpipe.engine.pricing.PricingRegistry;
import dev.costpipe.engine.pricing.Rates;
import dev.costpipe.engine.pricing.TimeOfDayPrice;
import dev.costpipe.testsupport.ClickHouseTestServer;
import dev.costpipe.testsupport.SqlEngine;
import dev.costpipe.engine.usage.Usage;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.StringJoiner;
import java.util.function.BiFunction;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs the generated SQL on a real ClickHouse (18.16 here, 26 in CurrentClickHouseCostSqlTest) and compares every row with
 * {@link CostCalculator}: the CASE form against {@code registry.resolve} (aliases included), the
 * lookup form against the listed-id resolution it documents.
 */
class ClickHouseCostSqlTest {
  static final String DB = "costpipe_sql_test";
  private static final int DEFAULT_MAX_QUERY_SIZE = 262_144;
  private static final Path LITELLM = Path.of("/work/shared/data/litellm_model_prices.json");
  private static final DateTimeFormatter DATETIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);
  private static final Instant JUNE_1 = Instant.parse("2024-06-01T00:00:00Z");
  private static final Instant PRICE_CUT = Instant.parse("2024-06-15T12:00:00.500Z");

  /** 18.16 here; CurrentClickHouseCostSqlTest puts ClickHouse 26 (chDB) here instead before its tests run. */
  static SqlEngine server;

  @BeforeAll
  static void startServer() {
    server = ClickHouseTestServer.shared();
    server.execute("CREATE DATABASE IF NOT EXISTS " + DB);
  }

  // ---------------------------------------------------------------------------------------------
  // Literals

  @Test
  void escapesQuotesBackslashesAndControlCharacters() {
    assertThat(SqlLiterals.string("gpt-4o")).isEqualTo("'gpt-4o'");
    assertThat(SqlLiterals.string("x' OR 1=1 --")).isEqualTo("'x\\' OR 1=1 --'");
    assertThat(SqlLiterals.string("a\\b")).isEqualTo("'a\\\\b'");
    assertThat(SqlLiterals.string("\\'")).isEqualTo("'\\\\\\''");
    assertThat(SqlLiterals.string("t\tn\nz\u0000d\u007f\u001f")).isEqualTo("'t\\x09n\\x0Az\\x00d\\x7F\\x1F'");
    assertThat(SqlLiterals.string("modèle-ü 😀")).isEqualTo("'modèle-ü 😀'");
    assertThat(SqlLiterals.string("")).isEqualTo("''");
    assertThatThrownBy(() -> SqlLiterals.string("bad\uD800")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SqlLiterals.string("bad\uDC00x")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void decimalLiteralsAreExactPlainStrings() {
    assertThat(SqlLiterals.decimal128(new BigDecimal("2.50"), 3)).isEqualTo("toDecimal128('2.5', 3)");
    assertThat(SqlLiterals.decimal128(new BigDecimal("7.5E-8"), 9)).isEqualTo("toDecimal128('0.000000075', 9)");
    assertThat(SqlLiterals.decimal128(new BigDecimal("1E+3"), 1)).isEqualTo("toDecimal128('1000', 1)");
    assertThatThrownBy(() -> SqlLiterals.decimal128(new BigDecimal("0.25"), 1))
        .isInstanceOf(ArithmeticException.class);
  }

  @Test
  void escapedLiteralsRoundTripThroughTheServer() {
    List<String> nasty = List.of("x' OR 1=1 --", "a\\b", "\\'", "'; DROP TABLE t; --", "t\tn\nr\rz\u0000d\u007f",
        "modèle-ü 😀", "\\x41", "?{p:String}", "");
    for (String s : nasty) {
      List<Map<String, Object>> rows =
          server.query("SELECT " + SqlLiterals.string(s) + " AS s FORMAT JSONEachRow");
      assertThat(rows).hasSize(1);
      assertThat(rows.get(0).get("s")).as("round trip of %s", s).isEqualTo(s);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The test registry and rows

  @Test
  void caseFormEqualsJavaOnEveryRow() {
    PricingRegistry registry = testRegistry();
    List<Row> rows = testRows();
    String table = createTable("case_rows", rows);
    Set<ProviderModel> present = presentPairs(rows);

    String sql = ClickHouseCostSql.caseExpression(registry, present);
    Map<Integer, Long> expected = expected(rows, (row, usage) -> javaCost(registry, row));
    Timed<Map<Integer, Long>> actual = costs(table, sql);

    assertSameCosts(rows, expected, actual.value);
    assertThat(typeName(table, sql)).isEqualTo("Nullable(Int64)");
    // The rows exercise what the brief asks for.
    assertThat(expected.values()).contains((Long) null);
    assertThat(expected.values().stream().filter(Objects::nonNull).filter(v -> v < 0)).isNotEmpty();
    assertThat(expected.get(idOf(rows, "openai", "gpt-4o-2024-08-06"))).isNotNull(); // dated alias
    assertThat(expected.get(idOf(rows, "openai", "x' OR 1=1 --"))).isNotNull();
    // standard, batch, fast, priority, each with the US region, and geo_us twice (as a tier and a region)
    assertThat(rows.stream().filter(r -> r.model().equals("claude-opus-4-6") && r.usage().inputTokens() == 150_000)
        .map(r -> expected.get(r.id())).distinct().count()).isEqualTo(9);
    // issue 13 §2, by hand. grok-4.5 from 200,000 (150,000 uncached, 50,000 cached, 1,000 out):
    // 150,000 × $4/M + 50,000 × $0.6/M + 1,000 × $12/M = 0.6 + 0.03 + 0.012 = $0.642; at 199,999
    // (150,000 + 49,999 cached): 0.3 + 0.0149997 + 0.006 = $0.3209997
    assertThat(expected.get(ruleRow(rows, "grok-4.5", JUNE_1, 200_000, ""))).isEqualTo(642_000_000L);
    assertThat(expected.get(ruleRow(rows, "grok-4.5", JUNE_1, 199_999, ""))).isEqualTo(320_999_700L);
    // claude-sonnet-5: intro $2/$10 until 06:00:00.25 (10,000 in, 1,000 out: $0.03), then $3/$15 ($0.045)
    Instant end = Instant.parse("2024-06-20T06:00:00Z");
    assertThat(expected.get(ruleRow(rows, "claude-sonnet-5", end, 10_000, ""))).isEqualTo(30_000_000L);
    assertThat(expected.get(ruleRow(rows, "claude-sonnet-5", end.plusSeconds(1), 10_000, ""))).isEqualTo(45_000_000L);
    // deepseek-chat (6,000 uncached, 4,000 cached, 1,000 out): $0.003 standard, half off-peak, half again batch
    Instant monday = Instant.parse("2024-06-17T16:30:00Z");
    assertThat(expected.get(ruleRow(rows, "deepseek-chat", monday.minusSeconds(1), 10_000, ""))).isEqualTo(3_000_000L);
    assertThat(expected.get(ruleRow(rows, "deepseek-chat", monday, 10_000, ""))).isEqualTo(1_500_000L);
    assertThat(expected.get(ruleRow(rows, "deepseek-chat", monday, 10_000, "batch"))).isEqualTo(750_000L);
    // deepseek-v4-flash at 01:00: peak on Friday 06-14 ($0.004016), off-peak on Saturday 06-15 ($0.002008)
    assertThat(expected.get(ruleRow(rows, "deepseek-v4-flash", Instant.parse("2024-06-14T01:00:00Z"), 10_000, "")))
        .isEqualTo(4_016_000L);
    assertThat(expected.get(ruleRow(rows, "deepseek-v4-flash", Instant.parse("2024-06-15T01:00:00Z"), 10_000, "")))
        .isEqualTo(2_008_000L);
    System.out.printf("CASE form, test registry: %,d bytes of SQL for %d (provider, model) pairs;"
        + " %d rows priced in %d ms%n", sql.length(), present.size(), rows.size(), actual.millis);
  }

  @Test
  void lookupFormEqualsJavaOnEveryRowForListedIds() {
    PricingRegistry registry = testRegistry();
    List<Row> rows = testRows();
    String table = createTable("lookup_rows", rows);

    String sql = ClickHouseCostSql.lookupExpression(registry);
    Map<Integer, Long> expected = expected(rows, (row, usage) -> listedIdCost(registry, row));
    Timed<Map<Integer, Long>> actual = costs(table, sql);

    assertSameCosts(rows, expected, actual.value);
    assertThat(typeName(table, sql)).isEqualTo("Nullable(Int64)");
    // Listed ids (any ASCII case) are priced; aliases and author fallbacks are left to the CASE form.
    assertThat(expected.get(idOf(rows, "openai", "GPT-4o"))).isNotNull();
    assertThat(expected.get(idOf(rows, "bedrock", "us.anthropic.claude-sonnet-4-20250514-v1:0"))).isNotNull();
    assertThat(expected.get(idOf(rows, "openai", "x' OR 1=1 --"))).isNotNull();
    assertThat(expected.get(idOf(rows, "openai", "gpt-4o-2024-08-06"))).isNull();
    assertThat(expected.get(idOf(rows, "azure", "gpt-4o"))).isNull();
    assertThat(expected.get(idOf(rows, "weird", "modèle-ü"))).isNull();
    System.out.printf("lookup form, test registry: %,d bytes of SQL; %d rows priced in %d ms%n",
        sql.length(), rows.size(), actual.millis);
  }

  @Test
  void halfEvenRoundingOfTiesBothWays() {
    PricingRegistry registry = testRegistry();
    // halfco/half-even: 2.5 nano-USD per input token, 0.5 per output token, cache reads free.
    List<Row> rows = new ArrayList<>();
    long[][] usages = {{1, 0, 0}, {3, 0, 0}, {5, 0, 0}, {7, 0, 0}, {0, 1, 0}, {0, 3, 0}, {1, 1, 0}, {2, 1, 0},
        {0, 0, 1}, {0, 0, 3}, {1, 0, 2}, {0, 5, 3}};
    for (long[] u : usages) {
      rows.add(new Row(rows.size() + 1, "halfco", "half-even", JUNE_1.getEpochSecond(),
          new Usage(u[0], u[1], u[2], 0, 0, 0, 0, 0, 0, 0)));
    }
    String table = createTable("ties", rows);
    Map<Integer, Long> java = expected(rows, (row, usage) -> javaCost(registry, row));
    // 2.5→2, 7.5→8, 12.5→12, 17.5→18, 0.5→0, 1.5→2, 3→3, 5.5→6; invalid usage (cache_read > input):
    // -2.5→-2, -7.5→-8, 2×0 + (1-2)×2.5 = -2.5→-2, 2.5 - 7.5 = -5
    assertThat(java.values()).containsExactly(2L, 8L, 12L, 18L, 0L, 2L, 3L, 6L, -2L, -8L, -2L, -5L);
    assertSameCosts(rows, java, costs(table, ClickHouseCostSql.caseExpression(registry, presentPairs(rows))).value);
    assertSameCosts(rows, java, costs(table, ClickHouseCostSql.lookupExpression(registry)).value);
  }

  @Test
  void nothingPricedGivesNull() {
    PricingRegistry registry = testRegistry();
    List<Row> rows = List.of(new Row(1, "nobody", "no-such-model", JUNE_1.getEpochSecond(), Usage.ZERO));
    String table = createTable("unpriced", rows);
    String sql = ClickHouseCostSql.caseExpression(registry, presentPairs(rows));
    assertThat(sql).isEqualTo("CAST(NULL AS Nullable(Int64))");
    assertThat(costs(table, sql).value).containsEntry(1, null);
    assertThat(typeName(table, ClickHouseCostSql.lookupExpression(PricingRegistry.of(List.of()))))
        .isEqualTo("Nullable(Int64)");
  }

  @Test
  void twoExpressionsCanShareOneSelect() {
    PricingRegistry registry = testRegistry();
    List<Row> rows = testRows();
    String table = createTable("two_forms", rows);
    String caseSql = ClickHouseCostSql.caseExpression(registry, presentPairs(rows));
    String lookupSql = ClickHouseCostSql.lookupExpression(registry);
    List<Map<String, Object>> result = server.query("SELECT countIf(a = b) AS same,"
        + " countIf(a IS NOT NULL AND b IS NOT NULL AND a != b AND standard) AS different FROM (SELECT "
        + caseSql + " AS a, " + lookupSql + " AS b, service_tier = '' AND inference_geo = '' AND provider != 'deepseek'"
        + " AS standard FROM "
        + table + ") FORMAT JSONEachRow");
    assertThat(Long.parseLong(result.get(0).get("same").toString())).isGreaterThan(200);
    assertThat(result.get(0).get("different").toString()).isEqualTo("0");
  }

  @Test
  void pricesThatCouldOverflowAreRejected() {
    Rates huge = new Rates(new BigDecimal("100000"), BigDecimal.ONE, null, null, null, null, null, null, null,
        null, null); // $100,000 per token: 10^9 tokens would be 10^23 nano-USD, beyond Int64
    PricingRegistry registry = PricingRegistry.of(List.of(entry("big/model",
        endpoint("big", null, List.of("model"), period("2024-01-01T00:00:00Z", huge)))));
    assertThatThrownBy(() -> ClickHouseCostSql.caseExpression(registry, List.of(new ProviderModel("big", "model"))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("big/model");
    assertThatThrownBy(() -> ClickHouseCostSql.lookupExpression(registry))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("big/model");
  }

  // ---------------------------------------------------------------------------------------------
  // Real catalogues

  @Test
  void wholeLiteLlmCatalogueInLookupForm() {
    PricingRegistry registry = PricingRegistry.of(LiteLlmImporter.importFrom(LITELLM).entries());
    long start = System.nanoTime();
    String sql = ClickHouseCostSql.lookupExpression(registry);
    long generateMillis = (System.nanoTime() - start) / 1_000_000;
    assertThat(sql.getBytes(java.nio.charset.StandardCharsets.UTF_8).length)
        .as("lookup SQL must fit the default max_query_size").isLessThan(DEFAULT_MAX_QUERY_SIZE - 1_000);

    List<Row> rows = catalogueRows(registry, new Random(7), false);
    String table = createTable("litellm_lookup", rows);
    Map<Integer, Long> expected = expected(rows, (row, usage) -> listedIdCost(registry, row));
    costs(table, sql); // first run: includes the server parsing the constant arrays the first time
    Timed<Map<Integer, Long>> actual = costs(table, sql);
    assertSameCosts(rows, expected, actual.value);
    long priced = expected.values().stream().filter(Objects::nonNull).count();
    assertThat(priced).isGreaterThan(rows.size() * 9L / 10);

    // Throughput: the same expression over a million generated rows.
    server.execute("DROP TABLE IF EXISTS " + DB + ".litellm_million");
    server.execute("CREATE TABLE " + DB + ".litellm_million AS " + table + " ENGINE = MergeTree ORDER BY request_id");
    StringJoiner providers = new StringJoiner(", ", "[", "]");
    StringJoiner models = new StringJoiner(", ", "[", "]");
    List<Row> sample = rows.subList(0, Math.min(1_000, rows.size()));
    sample.forEach(r -> {
      providers.add(SqlLiterals.string(r.provider()));
      models.add(SqlLiterals.string(r.model()));
    });
    server.execute("INSERT INTO " + DB + ".litellm_million SELECT toUInt32(number),"
        + " arrayElement(" + providers + ", number % " + sample.size() + " + 1),"
        + " arrayElement(" + models + ", number % " + sample.size() + " + 1),"
        + " toDateTime(1717200000 + number % 2592000, 'UTC'), number % 300000, number % 5000, number % 1000,"
        + " number % 7, 0, number % 300, 0, 0, number % 2, 0, 0, 0, 0, 0, 0, 0, '', '' FROM numbers(1000000)");
    long millionStart = System.nanoTime();
    List<Map<String, Object>> sum = server.query("SELECT count() AS n, countIf(c IS NULL) AS unpriced FROM (SELECT "
        + sql + " AS c FROM " + DB + ".litellm_million) FORMAT JSONEachRow");
    long millionMillis = (System.nanoTime() - millionStart) / 1_000_000;
    assertThat(sum.get(0).get("n").toString()).isEqualTo("1000000");

    System.out.printf("lookup form, whole LiteLLM catalogue (%d entries): %,d bytes of SQL generated in %d ms"
            + " (default max_query_size %,d, no setting changed); %d rows (%d priced) in %d ms; 1M rows in %d ms%n",
        registry.size(), sql.length(), generateMillis, DEFAULT_MAX_QUERY_SIZE, rows.size(), priced, actual.millis,
        millionMillis);
  }

  @Test
  void caseFormOnASampleOfTheLiteLlmCatalogue() {
    PricingRegistry registry = PricingRegistry.of(LiteLlmImporter.importFrom(LITELLM).entries());
    List<Row> all = catalogueRows(registry, new Random(11), true);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < all.size(); i += Math.max(1, all.size() / 300)) {
      rows.add(all.get(i).withId(rows.size() + 1));
    }
    String table = createTable("litellm_case", rows);
    Set<ProviderModel> present = presentPairs(rows);
    String sql = ClickHouseCostSql.caseExpression(registry, present);
    Map<Integer, Long> expected = expected(rows, (row, usage) -> javaCost(registry, row));
    Timed<Map<Integer, Long>> actual = costs(table, sql);
    assertSameCosts(rows, expected, actual.value);
    System.out.printf("CASE form, LiteLLM sample: %,d bytes of SQL for %d pairs; %d rows in %d ms%n",
        sql.length(), present.size(), rows.size(), actual.millis);
  }

  @Test
  void caseFormWithTheBuiltInCatalogue() {
    Catalogue catalogue;
    try {
      catalogue = CatalogueLoader.builtIn();
    } catch (RuntimeException e) {
      throw new AssertionError("the built-in catalogue must load for this test to mean anything: " + e, e);
    }
    // The CASE form grows a branch per endpoint (past max_query_size from about 1,200) and the lookup form
    // with the price data: every curated entry, and every 20th of the generated ones (thousands)
    Set<String> upstreams = Set.of(CatalogueBuilder.LITELLM_SOURCE, GenAiPricesImporter.SOURCE);
    List<PricingEntry> sample = new ArrayList<>();
    int generated = 0;
    for (PricingEntry e : catalogue.entries()) {
      if (e.endpoints().stream().anyMatch(ep -> !upstreams.contains(ep.source())) || generated++ % 20 == 0) {
        sample.add(e);
      }
    }
    PricingRegistry registry = PricingRegistry.of(sample);
    List<Row> rows = catalogueRows(registry, new Random(13), true);
    String table = createTable("builtin_case", rows);
    Set<ProviderModel> present = presentPairs(rows);
    String sql = ClickHouseCostSql.caseExpression(registry, present);
    Map<Integer, Long> expected = expected(rows, (row, usage) -> javaCost(registry, row));
    Timed<Map<Integer, Long>> actual = costs(table, sql);
    assertSameCosts(rows, expected, actual.value);
    Timed<Map<Integer, Long>> lookup = costs(table, ClickHouseCostSql.lookupExpression(registry));
    assertSameCosts(rows, expected(rows, (row, usage) -> listedIdCost(registry, row)), lookup.value);
    System.out.printf("CASE form, built-in catalogue (%d entries of it): %,d bytes of SQL for %d pairs; %d rows in %d ms%n",
        registry.size(), sql.length(), present.size(), rows.size(), actual.millis);
  }

  // ---------------------------------------------------------------------------------------------
  // Fixtures

  private record Row(int id, String provider, String model, long epochSecond, Usage usage) {
    Row withId(int newId) {
      return new Row(newId, provider, model, epochSecond, usage);
    }

    Instant timestamp() {
      return Instant.ofEpochSecond(epochSecond);
    }
  }

  private record Timed<T>(T value, long millis) {}

  private static BigDecimal mtok(String usdPerMillion) {
    return usdPerMillion == null ? null : new BigDecimal(usdPerMillion).movePointLeft(6);
  }

  private static BigDecimal usd(String value) {
    return value == null ? null : new BigDecimal(value);
  }

  /** Token rates in USD per million tokens; fees in USD. */
  private static Rates rates(String in, String out, String cacheRead, String cacheWrite, String cacheWrite1h,
      String reasoning, String audioIn, String audioOut, String perSearch, String perImage, String perRequest) {
    return new Rates(mtok(in), mtok(out), mtok(cacheRead), mtok(cacheWrite), mtok(cacheWrite1h), mtok(reasoning),
        mtok(audioIn), mtok(audioOut), usd(perSearch), usd(perImage), usd(perRequest));
  }

  private static Rates rates(String in, String out) {
    return rates(in, out, null, null, null, null, null, null, null, null, null);
  }

  private static PricePeriod period(String from, Rates rates, PriceTier... tiers) {
    return new PricePeriod(Instant.parse(from), rates, List.of(tiers));
  }

  private static PricePeriod period(String from, Rates rates, Map<String, PriceMode> modes, PriceTier... tiers) {
    return new PricePeriod(Instant.parse(from), rates, List.of(tiers), modes);
  }

  private static Endpoint endpoint(String provider, String deployment, List<String> ids, PricePeriod... periods) {
    return new Endpoint(provider, deployment, ids, "test", "2024-06-01", List.of(periods));
  }

  private static PricingEntry entry(String key, Endpoint... endpoints) {
    return new PricingEntry(key, key, List.of(endpoints));
  }

  static PricingRegistry testRegistry() {
    return PricingRegistry.of(List.of(
        entry("openai/gpt-4o",
            endpoint("openai", null, List.of("gpt-4o", "gpt-4o-2024-05-13"),
                period("2024-01-01T00:00:00Z", rates("5", "15", "2.5", null, null, null, null, null, null, null, null)),
                // effective inside the rows' range, half a second after a whole second
                period(PRICE_CUT.toString(), rates("2.5", "10", "1.25", null, null, null, null, null, null, null, null))),
            endpoint("azure", "eastus", List.of("gpt-4o"), period("2024-01-01T00:00:00Z", rates("2.75", "11")))),
        entry("anthropic/claude-sonnet-4",
            endpoint("anthropic", null, List.of("claude-sonnet-4-20250514", "claude-sonnet-4"),
                period("2024-01-01T00:00:00Z", rates("3", "15", "0.3", "3.75", "6", null, null, null, "0.01", null, null),
                    new PriceTier(200_000, rates("6", "22.5", "0.6", "7.5", "12", null, null, null, null, null, null)))),
            endpoint("bedrock", null,
                List.of("anthropic.claude-sonnet-4-20250514-v1:0", "us.anthropic.claude-sonnet-4-20250514-v1:0"),
                period("2024-01-01T00:00:00Z", rates("3.3", "16.5", "0.33", "4.125", null, null, null, null, null, null, null),
                    new PriceTier(200_000, rates("6.6", "24.75")))),
            endpoint("bedrock", "eu-west-1", List.of("anthropic.claude-sonnet-4-20250514-v1:0"),
                period("2024-01-01T00:00:00Z", rates("99", "99")))),
        entry("google/gemini-2.5-pro",
            endpoint("google", null, List.of("gemini-2.5-pro"),
                period("2024-01-01T00:00:00Z",
                    rates("1.25", "10", "0.31", null, null, null, "2.5", null, "0.035", null, null),
                    new PriceTier(1_000_000, rates("5", "30")),
                    new PriceTier(128_000, rates("2.5", "15", "0.625", null, null, null, null, null, null, null, null))))),
        entry("openai/gpt-4o-audio-preview",
            endpoint("openai", null, List.of("gpt-4o-audio-preview"),
                period("2024-01-01T00:00:00Z", rates("2.5", "10", null, null, null, null, "40", "80", null, null, "0.0001")))),
        entry("openai/o3",
            endpoint("openai", null, List.of("o3"),
                period("2024-01-01T00:00:00Z", rates("2", "8", "0.5", null, null, null, null, null, null, "0.04", null)),
                period("2300-01-01T00:00:00Z", rates("1", "4")))), // after every DateTime
        entry("xai/grok-4",
            endpoint("xai", null, List.of("grok-4"),
                period("2024-01-01T00:00:00Z", rates("3", "15", "0.75", null, null, "20", null, null, "0.025", null, "0.0005")))),
        entry("halfco/half-even",
            endpoint("halfco", null, List.of("half-even"),
                period("2024-01-01T00:00:00Z", rates("0.0025", "0.0005", "0", null, null, null, null, null, null, null, null)))),
        entry("evil/injection",
            endpoint("openai", null, List.of("x' OR 1=1 --"), period("2024-01-01T00:00:00Z", rates("1", "2")))),
        entry("evil/backslash",
            endpoint("openai", null, List.of("back\\slash\\'q"), period("2024-01-01T00:00:00Z", rates("1.5", "3")))),
        entry("weird/names",
            endpoint("weird", null, List.of("tab\tmodel", "modèle-ü"), period("2024-01-01T00:00:00Z", rates("0.7", "1.4")))),
        entry("old/ancient",
            endpoint("old", null, List.of("ancient"),
                period("1960-01-01T00:00:00Z", rates("1", "1")),
                period("1965-01-01T00:00:00Z", rates("2", "2")))), // before 1970: in force for every DateTime
        // image output, cached audio, search sources
        entry("google/gemini-2.5-flash-image",
            endpoint("google", null, List.of("gemini-2.5-flash-image"),
                period("2024-01-01T00:00:00Z", new Rates(mtok("0.3"), mtok("2.5"), mtok("0.03"), null, null, null,
                    mtok("1"), null, usd("0.035"), null, null, mtok("30"), mtok("0.1"), usd("0.025"), usd("0.005"))))),
        // image and video prompt tokens at rates of their own, in a context tier and a billing mode too
        entry("google/gemini-3.1-flash-live-preview",
            endpoint("google", null, List.of("gemini-3.1-flash-live-preview"),
                period("2024-01-01T00:00:00Z", new Rates(mtok("0.75"), mtok("4.5"), mtok("0.075"), null, null, null,
                    mtok("3"), mtok("12"), null, null, null, null, null, null, null, mtok("1"), mtok("1.2")),
                    Map.of("batch", new PriceMode(new BigDecimal("0.5"), null)),
                    new PriceTier(100_000, new Rates(mtok("1.5"), mtok("9"), null, null, null, null, null, null, null,
                        null, null, null, null, null, null, mtok("2"), null))))),
        // service tiers as rates, batch as a multiplier, an inference region, over a context tier
        entry("anthropic/claude-opus-4-6",
            endpoint("anthropic", null, List.of("claude-opus-4-6"),
                period("2024-01-01T00:00:00Z", rates("5", "25", "0.5", "6.25", "10", null, null, null, "0.01", null, null),
                    Map.of("batch", new PriceMode(new BigDecimal("0.5"), null),
                        "fast", new PriceMode(new BigDecimal("6"), null),
                        "priority", new PriceMode(null, rates("7", "35")),
                        "geo_us", new PriceMode(new BigDecimal("1.1"), null)),
                    new PriceTier(200_000, rates("10", "37.5"))))),
        entry("meta/llama3-1-8b",
            endpoint("bedrock", null, List.of("meta.llama3-1-8b-instruct-v1:0"),
                period("2024-01-01T00:00:00Z", rates("0.22", "0.22")))),
        // issue 13 §2, prices as in PricingRulesTest: an "at or above" tier (xAI grok-4.5, docs.x.ai)
        entry("xai/grok-4.5",
            endpoint("xai", null, List.of("grok-4.5"),
                period("2024-01-01T00:00:00Z", rates("2", "6", "0.3", null, null, null, null, null, null, null, null),
                    new PriceTier(200_000, true, rates("4", "12", "0.6", null, null, null, null, null, null, null,
                        null))))),
        // an introductory price that ends inside the rows' month, falling back to the list price
        entry("anthropic/claude-sonnet-5",
            endpoint("anthropic", null, List.of("claude-sonnet-5"),
                period("2024-01-01T00:00:00Z", rates("3", "15")),
                new PricePeriod(Instant.parse("2024-06-10T00:00:00Z"), Instant.parse("2024-06-20T06:00:00.250Z"),
                    rates("2", "10"), List.of(), Map.of(), List.of()))),
        // DeepSeek off-peak across midnight, under a batch mode and over a context tier
        entry("deepseek/deepseek-chat",
            endpoint("deepseek", null, List.of("deepseek-chat"),
                new PricePeriod(Instant.parse("2024-01-01T00:00:00Z"), null,
                    rates("0.27", "1.1", "0.07", null, null, null, null, null, null, null, null),
                    List.of(new PriceTier(32_000, rates("0.54", "2.2"))),
                    Map.of("batch", new PriceMode(new BigDecimal("0.5"), null)),
                    List.of(new TimeOfDayPrice(LocalTime.of(16, 30), LocalTime.of(0, 30), Set.of(),
                        new PriceMode(new BigDecimal("0.5"), null)))))),
        // DeepSeek V4 peak windows on weekdays from a date, every day before it
        entry("deepseek/deepseek-v4-flash",
            endpoint("deepseek", null, List.of("deepseek-v4-flash"),
                new PricePeriod(Instant.parse("2024-01-01T00:00:00Z"), null,
                    rates("0.22", "0.66", "0.007", null, null, null, null, null, null, null, null), List.of(), Map.of(),
                    peakWindows(Set.of())),
                new PricePeriod(Instant.parse("2024-06-15T00:00:00Z"), null,
                    rates("0.22", "0.66", "0.007", null, null, null, null, null, null, null, null), List.of(), Map.of(),
                    peakWindows(EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY)))))));
  }

  private static List<TimeOfDayPrice> peakWindows(Set<DayOfWeek> days) {
    PriceMode peak = new PriceMode(null, rates("0.44", "1.32", "0.014", null, null, null, null, null, null, null, null));
    return List.of(new TimeOfDayPrice(LocalTime.of(1, 0), LocalTime.of(4, 0), days, peak),
        new TimeOfDayPrice(LocalTime.of(6, 0), LocalTime.of(10, 0), days, peak));
  }

  private static final List<ProviderModel> TEST_PAIRS = List.of(
      pm("openai", "gpt-4o"), pm("openai", "GPT-4o"), pm("openai", "gpt-4o-2024-05-13"),
      pm("openai", "gpt-4o-2024-08-06"), // dated snapshot: CASE only
      pm("openai", " gpt-4o "), // trimmed by Java: CASE only
      pm("azure", "gpt-4o"), // deployment endpoint only: Java prices at OpenAI's list (CASE only)
      pm("nobody", "gpt-4o"), // unknown provider, known model: author's list (CASE only)
      pm("anthropic", "claude-sonnet-4-20250514"), pm("anthropic", "claude-sonnet-4"),
      pm("bedrock", "us.anthropic.claude-sonnet-4-20250514-v1:0"), pm("bedrock", "anthropic.claude-sonnet-4-20250514-v1:0"),
      pm("bedrock", "eu.anthropic.claude-sonnet-4-20250514-v1:0"), // region prefix: CASE only
      pm("bedrock", "meta.llama3-1-8b-instruct-v1:0"),
      pm("google", "gemini-2.5-pro"), pm("google", "models/gemini-2.5-pro"),
      pm("openai", "gpt-4o-audio-preview"), pm("openai", "o3"), pm("xai", "grok-4"), pm("halfco", "half-even"),
      pm("openai", "x' OR 1=1 --"), pm("openai", "back\\slash\\'q"),
      pm("weird", "tab\tmodel"), pm("weird", "modèle-ü"), pm("old", "ancient"),
      pm("openai", "gpt-unknown-9"), pm("nobody", "no-such-model"), pm("openai", ""),
      pm("OpenAI", "gpt-4o"), // providers match exactly
      pm("google", "gemini-2.5-flash-image"), pm("anthropic", "claude-opus-4-6"), pm("xai", "grok-4.5"),
      pm("anthropic", "claude-sonnet-5"), pm("deepseek", "deepseek-chat"), pm("deepseek", "deepseek-v4-flash"),
      pm("google", "gemini-3.1-flash-live-preview"));

  private static ProviderModel pm(String provider, String model) {
    return new ProviderModel(provider, model);
  }

  /** About 12 random rows per pair, plus rows at tier and period boundaries. */
  static List<Row> testRows() {
    Random random = new Random(42);
    List<Row> rows = new ArrayList<>();
    long june = JUNE_1.getEpochSecond();
    for (ProviderModel pair : TEST_PAIRS) {
      for (int i = 0; i < 12; i++) {
        rows.add(new Row(rows.size() + 1, pair.provider(), pair.model(), june + random.nextInt(30 * 86_400),
            randomUsage(random)));
      }
    }
    long cut = PRICE_CUT.getEpochSecond(); // 12:00:00, before the cut at 12:00:00.5
    for (long at : new long[] {cut - 1, cut, cut + 1, cut + 2}) {
      rows.add(new Row(rows.size() + 1, "openai", "gpt-4o", at, new Usage(1000, 100, 300, 0, 0, 0, 0, 0, 0, 0)));
    }
    for (long input : new long[] {127_999, 128_000, 128_001, 199_999, 200_000, 200_001, 1_000_000, 1_000_001}) {
      for (ProviderModel pair : List.of(pm("anthropic", "claude-sonnet-4"), pm("google", "gemini-2.5-pro"),
          pm("bedrock", "us.anthropic.claude-sonnet-4-20250514-v1:0"))) {
        rows.add(new Row(rows.size() + 1, pair.provider(), pair.model(), june,
            new Usage(input, 777, input / 3, input / 10, input / 20, 0, 0, 0, 1, 0)));
      }
    }
    for (int input = 0; input < 10; input++) { // 2.5 nano-USD per token: every odd count is a tie
      rows.add(new Row(rows.size() + 1, "halfco", "half-even", june, new Usage(input, input % 3, 0, 0, 0, 0, 0, 0, 0, 0)));
    }
    // Invalid usage (parts above totals) is priced by Java's formula too: negative amounts, rounded half-even.
    rows.add(new Row(rows.size() + 1, "halfco", "half-even", june, new Usage(0, 0, 3, 0, 0, 0, 0, 0, 0, 0)));
    rows.add(new Row(rows.size() + 1, "xai", "grok-4", june, new Usage(10, 5, 0, 0, 0, 9, 0, 0, 0, 0)));
    rows.add(new Row(rows.size() + 1, "openai", "gpt-4o", june, Usage.ZERO));
    rows.add(new Row(rows.size() + 1, "openai", "gpt-4o", 0, new Usage(1, 1, 0, 0, 0, 0, 0, 0, 0, 0)));
    rows.add(new Row(rows.size() + 1, "openai", "o3", 4_294_967_295L, new Usage(1, 1, 0, 0, 0, 0, 0, 0, 0, 0)));
    rows.add(new Row(rows.size() + 1, "openai", "gpt-4o-audio-preview", june,
        new Usage(1_000_000_000, 1_000_000_000, 0, 0, 0, 0, 1_000_000_000, 1_000_000_000, 0, 0)));
    // image output, cached audio (inside cache reads and audio input), search sources
    rows.add(new Row(rows.size() + 1, "google", "gemini-2.5-flash-image", june, Usage.builder().inputTokens(9_660)
        .cacheReadTokens(9_651).audioInputTokens(3_000).cacheReadAudioTokens(2_500).outputTokens(1_400)
        .imageOutputTokens(1_290).webSearchCalls(1).searchSources(7).serverToolCalls(3).imageInputTokens(5)
        .build()));
    // image and video prompt tokens at their own rates (and at the input rate where a model has none), below and
    // above the context tier, standard and batch
    for (String tier : new String[] {"", "batch"}) {
      for (long input : new long[] {90_000, 100_000, 100_001, 300_000}) {
        for (ProviderModel pair : List.of(pm("google", "gemini-3.1-flash-live-preview"), pm("google", "gemini-2.5-pro"))) {
          rows.add(new Row(rows.size() + 1, pair.provider(), pair.model(), june, Usage.builder().inputTokens(input)
              .cacheReadTokens(input / 10).audioInputTokens(input / 8).cacheReadAudioTokens(input / 40)
              .imageInputTokens(input / 5).videoInputTokens(input / 3).outputTokens(2_000).serviceTier(tier).build()));
        }
      }
    }
    // every billing mode and combination, below and above the context tier; unknown ones at standard rates
    for (String tier : new String[] {"", "batch", "fast", "priority", "flex", "geo_us"}) {
      for (String geo : new String[] {"", "us", "eu"}) {
        for (long input : new long[] {150_000, 250_000}) {
          rows.add(new Row(rows.size() + 1, "anthropic", "claude-opus-4-6", june, Usage.builder().inputTokens(input)
              .cacheReadTokens(input / 2).cacheWriteTokens(input / 10).outputTokens(3_333).webSearchCalls(2)
              .serviceTier(tier).inferenceGeo(geo).build()));
        }
      }
    }
    // tier thresholds both ways, a period's end, times of day by the second, weekdays
    for (long input : new long[] {199_999, 200_000, 200_001}) {
      rows.add(new Row(rows.size() + 1, "xai", "grok-4.5", june, Usage.builder().inputTokens(input)
          .cacheReadTokens(input / 4).outputTokens(1_000).build()));
    }
    long end = Instant.parse("2024-06-20T06:00:00Z").getEpochSecond(); // the intro price ends 0.25 s later
    for (long at : new long[] {end - 864_000 - 1, end - 864_000, end - 1, end, end + 1, end + 2}) {
      rows.add(new Row(rows.size() + 1, "anthropic", "claude-sonnet-5", at, Usage.builder().inputTokens(10_000)
          .outputTokens(1_000).build()));
    }
    // 2024-06-14 is a Friday, 06-15 a Saturday, 06-17 a Monday
    for (String day : new String[] {"2024-06-14", "2024-06-15", "2024-06-16", "2024-06-17"}) {
      for (String time : new String[] {"00:29:59", "00:30:00", "00:59:59", "01:00:00", "03:59:59", "04:00:00",
          "09:59:59", "10:00:00", "16:29:59", "16:30:00", "23:59:59"}) {
        long at = Instant.parse(day + "T" + time + "Z").getEpochSecond();
        for (String model : new String[] {"deepseek-chat", "deepseek-v4-flash"}) {
          for (String tier : new String[] {"", "batch"}) {
            rows.add(new Row(rows.size() + 1, "deepseek", model, at, Usage.builder().inputTokens(40_000)
                .cacheReadTokens(16_000).outputTokens(1_000).serviceTier(tier).build()));
            rows.add(new Row(rows.size() + 1, "deepseek", model, at, Usage.builder().inputTokens(10_000)
                .cacheReadTokens(4_000).outputTokens(1_000).serviceTier(tier).build()));
          }
        }
      }
    }
    return rows;
  }

  private static Usage randomUsage(Random random) {
    long input = random.nextInt(4) == 0 ? random.nextInt(400_000) : random.nextInt(20_000);
    long cacheRead = random.nextBoolean() ? random.nextLong(input + 1) : 0;
    long cacheWrite = random.nextBoolean() ? random.nextLong(input - cacheRead + 1) : 0;
    long cacheWrite1h = random.nextBoolean() ? random.nextLong(input - cacheRead - cacheWrite + 1) : 0;
    long audioIn = random.nextInt(4) == 0 ? random.nextLong(input - cacheRead - cacheWrite - cacheWrite1h + 1) : 0;
    long output = random.nextInt(5_000);
    long reasoning = random.nextBoolean() ? random.nextLong(output + 1) : 0;
    long audioOut = random.nextInt(4) == 0 ? random.nextLong(output - reasoning + 1) : 0;
    long rest = input - cacheRead - cacheWrite - cacheWrite1h - audioIn;
    long imageIn = random.nextInt(4) == 0 ? random.nextLong(rest + 1) : 0;
    long videoIn = random.nextInt(6) == 0 ? random.nextLong(rest - imageIn + 1) : 0;
    return new Usage(input, output, cacheRead, cacheWrite, cacheWrite1h, reasoning, audioIn, audioOut,
        random.nextInt(3), random.nextInt(3) == 0 ? random.nextInt(3) : 0).toBuilder()
        .imageInputTokens(imageIn).videoInputTokens(videoIn).build();
  }

  /**
   * One row per listed id of the registry's endpoints (those without deployment), with random usage;
   * with {@code aliases}, also upper-cased, dated and region-prefixed variants and an unknown model.
   */
  private static List<Row> catalogueRows(PricingRegistry registry, Random random, boolean aliases) {
    List<Row> rows = new ArrayList<>();
    long june = JUNE_1.getEpochSecond();
    Set<ProviderModel> seen = new LinkedHashSet<>();
    for (PricingEntry entry : registry.entries()) {
      for (Endpoint endpoint : entry.endpoints()) {
        for (String id : endpoint.ids()) {
          List<String> models = aliases
              ? List.of(id, id.toUpperCase(Locale.ROOT), id + "-2025-01-01", "us." + id, id + "-unknown-xyz")
              : List.of(id);
          for (String model : models) {
            if (seen.add(pm(endpoint.provider(), model))) {
              rows.add(new Row(rows.size() + 1, endpoint.provider(), model, june + random.nextInt(30 * 86_400),
                  randomUsage(random)));
            }
          }
        }
      }
    }
    return rows;
  }

  private static Set<ProviderModel> presentPairs(List<Row> rows) {
    Set<ProviderModel> pairs = new LinkedHashSet<>();
    rows.forEach(r -> pairs.add(pm(r.provider(), r.model())));
    return pairs;
  }

  private static int ruleRow(List<Row> rows, String model, Instant at, long input, String serviceTier) {
    return rows.stream().filter(r -> r.model().equals(model) && r.epochSecond() == at.getEpochSecond()
            && r.usage().inputTokens() == input && r.usage().serviceTier().equals(serviceTier))
        .findFirst().orElseThrow().id();
  }

  private static int idOf(List<Row> rows, String provider, String model) {
    return rows.stream().filter(r -> r.provider().equals(provider) && r.model().equals(model))
        .findFirst().orElseThrow().id();
  }

  // ---------------------------------------------------------------------------------------------
  // Expected values (Java) and actual values (ClickHouse)

  /** What the CASE form must give: the registry's resolution, as CostRecord pricing does it. */
  private static Long javaCost(PricingRegistry registry, Row row) {
    Optional<PriceMatch> match = registry.resolve(row.provider(), row.model(), null);
    return match.map(m -> CostCalculator.compute(m.planAt(row.timestamp()), row.usage(), row.timestamp()).nanoUsd())
        .orElse(null);
  }

  /**
   * What the lookup form must give: priced iff the model, ASCII-lower-cased, is an id listed for the
   * provider on an endpoint without deployment (the first such endpoint, as the registry keeps it),
   * for names SQL's {@code lower} folds like Java (printable ASCII, no surrounding spaces).
   */
  private static Long listedIdCost(PricingRegistry registry, Row row) {
    String model = row.model();
    if (model.isEmpty() || !model.chars().allMatch(c -> c >= 0x20 && c <= 0x7E)
        || model.startsWith(" ") || model.endsWith(" ")) {
      return null;
    }
    String key = model.toLowerCase(Locale.ROOT);
    for (PricingEntry entry : registry.entries()) {
      for (Endpoint endpoint : entry.endpoints()) {
        if (endpoint.deployment() != null || !endpoint.provider().equals(row.provider())) {
          continue;
        }
        for (String id : endpoint.ids()) {
          if (id.toLowerCase(Locale.ROOT).equals(key)) {
            assertThat(registry.resolve(row.provider(), model, null).map(PriceMatch::endpoint)).contains(endpoint);
            // the lookup form prices billing modes and times of day at standard rates (see ClickHouseCostSql)
            Usage standard = row.usage().toBuilder().serviceTier("").inferenceGeo("").build();
            return CostCalculator.compute(PricePlan.of(endpoint.periodAt(row.timestamp())), standard).nanoUsd();
          }
        }
      }
    }
    return null;
  }

  private static Map<Integer, Long> expected(List<Row> rows, BiFunction<Row, Usage, Long> cost) {
    Map<Integer, Long> out = new LinkedHashMap<>();
    rows.forEach(r -> out.put(r.id(), cost.apply(r, r.usage())));
    return out;
  }

  private static String createTable(String name, List<Row> rows) {
    String table = DB + "." + name;
    server.execute("DROP TABLE IF EXISTS " + table);
    server.execute("CREATE TABLE " + table + " (request_id UInt32, provider String, model String,"
        + " timestamp DateTime('UTC'), input_tokens UInt64, output_tokens UInt64, cache_read_tokens UInt64,"
        + " cache_write_tokens UInt64, cache_write_1h_tokens UInt64, reasoning_tokens UInt64,"
        + " audio_input_tokens UInt64, audio_output_tokens UInt64, web_search_calls UInt64, images UInt64,"
        + " image_output_tokens UInt64, cache_read_audio_tokens UInt64, search_sources UInt64, server_tool_calls UInt64,"
        + " image_input_tokens UInt64, video_input_tokens UInt64, service_tier String,"
        + " inference_geo String)"
        + " ENGINE = MergeTree PARTITION BY toYYYYMM(timestamp) ORDER BY request_id");
    StringJoiner values = new StringJoiner(",\n");
    for (Row r : rows) {
      Usage u = r.usage();
      values.add("(" + r.id() + ", " + SqlLiterals.string(r.provider()) + ", " + SqlLiterals.string(r.model()) + ", '"
          + DATETIME.format(r.timestamp()) + "', " + u.inputTokens() + ", " + u.outputTokens() + ", "
          + u.cacheReadTokens() + ", " + u.cacheWriteTokens() + ", " + u.cacheWrite1hTokens() + ", "
          + u.reasoningTokens() + ", " + u.audioInputTokens() + ", " + u.audioOutputTokens() + ", "
          + u.webSearchCalls() + ", " + u.images() + ", " + u.imageOutputTokens() + ", " + u.cacheReadAudioTokens()
          + ", " + u.searchSources() + ", " + u.serverToolCalls() + ", " + u.imageInputTokens() + ", "
          + u.videoInputTokens() + ", " + SqlLiterals.string(u.serviceTier()) + ", "
          + SqlLiterals.string(u.inferenceGeo()) + ")");
    }
    server.execute("INSERT INTO " + table + " VALUES " + values);
    List<Map<String, Object>> check = server.query("SELECT count() AS n, groupUniqArray(model) AS models FROM "
        + table + " FORMAT JSONEachRow");
    assertThat(check.get(0).get("n").toString()).isEqualTo(Integer.toString(rows.size()));
    return table;
  }

  private static Timed<Map<Integer, Long>> costs(String table, String expression) {
    long start = System.nanoTime();
    List<Map<String, Object>> result = server.query("SELECT request_id, " + expression + " AS cost FROM " + table
        + " ORDER BY request_id FORMAT JSONEachRow");
    long millis = (System.nanoTime() - start) / 1_000_000;
    Map<Integer, Long> out = new LinkedHashMap<>();
    for (Map<String, Object> row : result) {
      Object cost = row.get("cost");
      out.put(Integer.parseInt(row.get("request_id").toString()), cost == null ? null : Long.parseLong(cost.toString()));
    }
    return new Timed<>(out, millis);
  }

  private static String typeName(String table, String expression) {
    return server.query("SELECT toTypeName(" + expression + ") AS t FROM " + table + " LIMIT 1 FORMAT JSONEachRow")
        .get(0).get("t").toString();
  }

  private static void assertSameCosts(List<Row> rows, Map<Integer, Long> expected, Map<Integer, Long> actual) {
    List<String> mismatches = new ArrayList<>();
    for (Row row : rows) {
      Long want = expected.get(row.id());
      Long got = actual.get(row.id());
      if (!actual.containsKey(row.id()) || !Objects.equals(want, got)) {
        mismatches.add(row + ": Java " + want + ", ClickHouse " + got);
      }
    }
    assertThat(actual).hasSize(rows.size());
    assertThat(mismatches).as("rows where ClickHouse and Java disagree").isEmpty();
  }
}
