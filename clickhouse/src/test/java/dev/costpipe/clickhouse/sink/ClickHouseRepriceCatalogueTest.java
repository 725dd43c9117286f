package dev.costpipe.clickhouse.sink;

import static dev.costpipe.clickhouse.sink.TestRecords.cost;
import static org.assertj.core.api.Assertions.assertThat;

import com.clickhouse.client.api.Client;
import dev.costpipe.engine.catalogue.CatalogueLoader;
import dev.costpipe.engine.pricing.CostCalculator;
import dev.costpipe.engine.pricing.Endpoint;
import dev.costpipe.engine.pricing.PricingEntry;
import dev.costpipe.engine.pricing.PricingRegistry;
import dev.costpipe.engine.usage.Usage;
import dev.costpipe.testsupport.ClickHouseTestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code reprice} with the whole built-in catalogue (3,000+ entries): every model recorded as
 * {@code unknown_model} is priced once its price is in the registry, at exactly the engine's cost, with
 * the rules the cost SQL must follow (tiers "above" and "from", Batch and flex/priority service tiers,
 * time-of-day prices), in several queries because one CASE over all of them exceeds 18.16's limits;
 * what stays unknown is reported per model.
 */
class ClickHouseRepriceCatalogueTest {
  /** Prices that "arrive" after the rows were recorded: a time-of-day price and an at-or-above tier. */
  private static final String ARRIVING = """
      provider: deepseek
      name: DeepSeek
      pricing_url: https://api-docs.deepseek.com/quick_start/pricing
      api_pattern: 'api\\.deepseek\\.com'
      models:
        - model: deepseek/deepseek-v9-test
          ids: [deepseek-v9-test]
          prices:
            - effective_from: 2026-01-01
              input_mtok: 0.28
              cache_read_mtok: 0.028
              output_mtok: 0.42
              tiers:
                - {from_input_tokens: 200000, input_mtok: 0.56, output_mtok: 0.84}
              time_of_day:
                - {from: "16:30", until: "00:30", multiplier: 0.5}
      """;

  /**
   * What the test re-prices: the built-in catalogue plus DeepSeek's arriving price; one {@code unknown_model} row
   * per endpoint without deployment (its first listed id) at random times of June 2026, the rules on named models
   * (tiers, Batch, flex, time of day), and three rows of models with no price; the engine's cost of each (null:
   * none).
   */
  record Scenario(PricingRegistry registry, List<String> records, Map<String, Long> expected, int pairs) {}

  static Scenario scenario(Path dir) throws IOException {
    Path arriving = dir.resolve("deepseek.yml");
    Files.writeString(arriving, ARRIVING, StandardCharsets.UTF_8);
    List<PricingEntry> entries = new ArrayList<>(CatalogueLoader.builtIn().entries());
    entries.addAll(CatalogueLoader.load(arriving).entries());
    PricingRegistry registry = PricingRegistry.of(entries);

    Random random = new Random(13);
    Map<String, Long> expected = new LinkedHashMap<>();
    List<String> records = new ArrayList<>();
    Map<String, String> pairSeen = new HashMap<>();
    long june = Instant.parse("2026-06-01T00:00:00Z").getEpochSecond();
    for (PricingEntry e : registry.entries()) {
      for (Endpoint ep : e.endpoints()) {
        if (ep.deployment() != null) {
          continue;
        }
        String id = ep.ids().get(0);
        if (pairSeen.putIfAbsent(ep.provider() + "\u0000" + id, id) == null) {
          Instant at = Instant.ofEpochSecond(june + random.nextInt(30 * 86_400));
          add(records, expected, registry, "r" + records.size(), ep.provider(), id, at, usage(random));
        }
      }
    }
    Usage longContext = Usage.builder().inputTokens(300_000).outputTokens(1_000).build();
    add(records, expected, registry, "tier", "openai", "gpt-5-4", Instant.parse("2026-06-10T12:00:00Z"), longContext);
    Usage batch = Usage.builder().inputTokens(1_000_000).outputTokens(100_000).serviceTier("batch").build();
    add(records, expected, registry, "batch", "openai", "gpt-5.6", Instant.parse("2026-06-10T12:00:00Z"), batch);
    Usage longFlex = Usage.builder().inputTokens(300_000).outputTokens(1_000).serviceTier("flex").build();
    add(records, expected, registry, "flex", "openai", "gpt-5.6", Instant.parse("2026-06-10T12:00:00Z"), longFlex);
    Usage dsUsage = Usage.builder().inputTokens(200_000).outputTokens(10_000).cacheReadTokens(100_000).build();
    add(records, expected, registry, "offpeak", "deepseek", "deepseek-v9-test", Instant.parse("2026-06-10T23:00:00Z"),
        dsUsage);
    add(records, expected, registry, "peak", "deepseek", "deepseek-v9-test", Instant.parse("2026-06-10T12:00:00Z"),
        dsUsage);
    for (String model : List.of("gpt-99-experimental", "gpt-99-experimental", "o99")) {
      records.add(cost("u" + records.size()).at("2026-06-15T00:00:00Z").model("openai", model, null)
          .usage(new Usage(10, 10, 0, 0, 0, 0, 0, 0, 0, 0)).unknownModel().json());
    }
    return new Scenario(registry, records, expected, pairSeen.size());
  }

  @Test
  void repricesUnknownModelsWithTheWholeCatalogueAndTheNewRulesAsTheEngineDoes(@TempDir Path dir) throws Exception {
    Scenario scenario = scenario(dir);
    PricingRegistry registry = scenario.registry();
    List<String> records = scenario.records();
    Map<String, Long> expected = scenario.expected();
    // the rules, on named models: the engine's costs computed by hand
    // gpt-5.4 above 272,000 input: 300,000 × $5 + 1,000 × $22.5 per million = $1.5 + $0.0225 = $1.5225
    assertThat(expected.get("tier")).isEqualTo(1_522_500_000L);
    // gpt-5.6 Batch (LiteLLM's batch rates on genai-prices' entry): 1M × $2.5 + 100k × $15 per million = $4
    assertThat(expected.get("batch")).isEqualTo(4_000_000_000L);
    // gpt-5.6 flex above 272,000 input: half the tier's rates, (300,000 × $10 + 1,000 × $45 per million) / 2
    // = ($3 + $0.045) / 2 = $1.5225
    assertThat(expected.get("flex")).isEqualTo(1_522_500_000L);
    // deepseek-v9-test from 200,000 input: 100,000 × 0.56 + 100,000 × 0.028 (cache read, no tier rate) + 10,000 × 0.84
    // per million = 0.056 + 0.0028 + 0.0084 = $0.0672 at 12:00; off-peak (23:00) half: $0.0336
    assertThat(expected.get("peak")).isEqualTo(67_200_000L);
    assertThat(expected.get("offpeak")).isEqualTo(33_600_000L);

    ClickHouseTestServer server = ClickHouseTestServer.shared();
    Client client = server.client();
    String db = TestRecords.unique("cp_reprice_all");
    new ClickHouseMigrations(client, db).migrate();
    insert(client, db, records);

    long started = System.nanoTime();
    Reprice.Result r = new Reprice(client, db).reprice(registry, LocalDate.parse("2026-06-01"),
        LocalDate.parse("2026-06-30"), false);
    long millis = (System.nanoTime() - started) / 1_000_000;
    System.out.printf("reprice, built-in catalogue: %d rows of %d (provider, model) pairs in %d queries, %d ms%n",
        r.rowsInRange(), scenario.pairs(), (scenario.pairs() + Reprice.PAIRS_PER_QUERY - 1) / Reprice.PAIRS_PER_QUERY,
        millis);

    long priced = expected.values().stream().filter(v -> v != null).count();
    assertThat(r.rowsInRange()).isEqualTo(records.size());
    assertThat(r.rowsRepriced()).isEqualTo(priced);
    assertThat(r.oldTotalNanoUsd()).isZero();
    assertThat(r.newTotalNanoUsd()).isEqualTo(expected.values().stream().mapToLong(v -> v == null ? 0 : v).sum());
    assertThat(r.stillUnknown()).containsExactly(Map.entry("openai/gpt-99-experimental", 2L), Map.entry("openai/o99", 1L));

    Map<String, Long> stored = new HashMap<>();
    for (Map<String, Object> row : server.query("SELECT request_id, cost_nano_usd, pricing_status FROM " + db
        + ".request_costs FINAL FORMAT JSONEachRow")) {
      Object c = row.get("cost_nano_usd");
      stored.put((String) row.get("request_id"), c == null ? null : Long.parseLong(c.toString()));
    }
    List<String> wrong = new ArrayList<>();
    expected.forEach((id, cost) -> {
      if (!Objects.equals(stored.get(id), cost)) {
        wrong.add(id + ": engine " + cost + ", reprice " + stored.get(id));
      }
    });
    assertThat(wrong).isEmpty();
    // nothing left to re-price, the same models still unknown
    Reprice.Result again = new Reprice(client, db).reprice(registry, LocalDate.parse("2026-06-01"),
        LocalDate.parse("2026-06-30"), true);
    assertThat(again.rowsRepriced()).isZero();
    assertThat(again.stillUnknown()).isEqualTo(r.stillUnknown());
  }

  private static void add(List<String> records, Map<String, Long> expected, PricingRegistry registry, String id,
      String provider, String model, Instant at, Usage usage) {
    records.add(cost(id).at(at).model(provider, model, null).usage(usage).unknownModel().json());
    expected.put(id, registry.resolve(provider, model, null)
        .map(m -> CostCalculator.compute(m.planAt(at), usage, at).nanoUsd()).orElse(null));
  }

  private static Usage usage(Random random) {
    long input = random.nextInt(4) == 0 ? random.nextInt(400_000) : random.nextInt(20_000);
    long cacheRead = random.nextBoolean() ? random.nextLong(input + 1) : 0;
    long output = random.nextInt(5_000);
    String tier = switch (random.nextInt(8)) {
      case 0 -> "batch";
      case 1 -> "flex";
      case 2 -> "priority";
      default -> "";
    };
    return Usage.builder().inputTokens(input).cacheReadTokens(cacheRead).outputTokens(output)
        .reasoningTokens(random.nextBoolean() ? random.nextLong(output + 1) : 0).serviceTier(tier).build();
  }

  private static void insert(Client client, String db, List<String> records) throws Exception {
    TestRecords.insertRows(client, db, Instant.now().getEpochSecond(), records);
  }
}
