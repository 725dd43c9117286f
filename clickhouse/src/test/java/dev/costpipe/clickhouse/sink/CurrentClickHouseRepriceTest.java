package dev.costpipe.clickhouse.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.costpipe.engine.pricing.PricingRegistry;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code costpipe reprice} on a current ClickHouse (26, through chDB) beside 18.16: its statements (the range's
 * pairs, the CASE SQL of each chunk of pairs, the {@code INSERT … SELECT} of the re-priced rows) give the same
 * counts and totals, dry run and real, and leave the same rows, on ClickHouseRepriceTest's requests; with the
 * whole built-in catalogue (31 queries of 100 pairs) every row gets the engine's cost on 26 as on 18.16.
 */
class CurrentClickHouseRepriceTest {
  private static final LocalDate JUNE_1 = LocalDate.parse("2026-06-01");

  private static TwoClickHouses both;

  @BeforeAll
  static void start() {
    both = TwoClickHouses.start();
  }

  @AfterAll
  static void stop() {
    if (both != null) {
      both.close();
    }
  }

  @Test
  void repricesTheSameRowsToTheSameCostsOnBoth() throws Exception {
    String db = both.newDatabase("cp_reprice26");
    long ingested = Instant.now().getEpochSecond();
    both.insert(db, ingested, ClickHouseRepriceTest.records());
    PricingRegistry registry = ClickHouseRepriceTest.registry();
    LocalDate june2 = LocalDate.parse("2026-06-02");

    Reprice.Result dry = new Reprice(both.on26(), db).reprice(registry, JUNE_1, june2, true);
    assertThat(dry).isEqualTo(new Reprice(both.on1816(), db).reprice(registry, JUNE_1, june2, true));
    assertThat(dry.rowsInRange()).isEqualTo(10);
    assertThat(dry.rowsRepriced()).isEqualTo(4);
    assertThat(both.sameOnBoth("SELECT count() AS n FROM " + db + ".request_costs FORMAT JSONEachRow"))
        .as("a dry run writes nothing").containsExactly(Map.of("n", "11"));

    Reprice.Result done = new Reprice(both.on26(), db).reprice(registry, JUNE_1, june2, false);
    assertThat(done).isEqualTo(new Reprice(both.on1816(), db).reprice(registry, JUNE_1, june2, false)).isEqualTo(dry);
    // every column the same but ingested_at, which reprice sets from the server's clock: later than before
    List<Map<String, Object>> on26 = withoutIngestedAt(both.current.query(rewritten(db, ingested)));
    assertThat(on26).isEqualTo(withoutIngestedAt(both.old.query(rewritten(db, ingested)))).hasSize(11);
    assertThat(on26).filteredOn(r -> r.get("rewritten").equals("1")).extracting(r -> r.get("request_id"))
        .containsExactlyInAnyOrder("a1", "m1", "b1", "i1");
    assertThat(both.sameOnBoth("SELECT sum(total_cost_nano_usd) AS s FROM " + db + ".v_cost_per_day"
        + " FORMAT JSONEachRow")).containsExactly(Map.of("s", String.valueOf(done.newTotalNanoUsd() + 1)));
    assertThat(new Reprice(both.on26(), db).reprice(registry, JUNE_1, june2, false).rowsRepriced()).isZero();
  }

  /**
   * On 26 only, checked as ClickHouseRepriceCatalogueTest checks it on 18.16 (against the engine's cost of every
   * row): running it on 18.16 here again would add its ~45 s to every build.
   */
  @Test
  void repricesTheWholeCatalogueAsTheEngineDoes(@TempDir Path dir) throws Exception {
    ClickHouseRepriceCatalogueTest.Scenario scenario = ClickHouseRepriceCatalogueTest.scenario(dir);
    String db = both.newDatabase("cp_reprice_all26");
    both.insert(db, Instant.now().getEpochSecond(), scenario.records());
    LocalDate june30 = LocalDate.parse("2026-06-30");

    long started = System.nanoTime();
    Reprice.Result r = new Reprice(both.on26(), db).reprice(scenario.registry(), JUNE_1, june30, false);
    System.out.printf("reprice on 26 (chDB), built-in catalogue: %d rows, %d pairs, %d ms%n", r.rowsInRange(),
        scenario.pairs(), (System.nanoTime() - started) / 1_000_000);
    assertThat(r.rowsInRange()).isEqualTo(scenario.records().size());
    assertThat(r.rowsRepriced()).isEqualTo(scenario.expected().values().stream().filter(Objects::nonNull).count())
        .isGreaterThan(2 * Reprice.PAIRS_PER_QUERY);
    assertThat(r.oldTotalNanoUsd()).isZero();
    assertThat(r.newTotalNanoUsd())
        .isEqualTo(scenario.expected().values().stream().filter(Objects::nonNull).mapToLong(Long::longValue).sum());
    assertThat(r.stillUnknown()).containsExactly(Map.entry("openai/gpt-99-experimental", 2L),
        Map.entry("openai/o99", 1L));

    Map<String, Long> stored = new HashMap<>();
    for (Map<String, Object> row : both.current.query("SELECT request_id, cost_nano_usd FROM " + db
        + ".request_costs FINAL FORMAT JSONEachRow")) {
      Object cost = row.get("cost_nano_usd");
      stored.put((String) row.get("request_id"), cost == null ? null : Long.parseLong(cost.toString()));
    }
    List<String> wrong = new ArrayList<>();
    scenario.expected().forEach((id, cost) -> {
      if (!Objects.equals(stored.get(id), cost)) {
        wrong.add(id + ": engine " + cost + ", reprice on 26 " + stored.get(id));
      }
    });
    assertThat(wrong).isEmpty();
    assertThat(new Reprice(both.on26(), db).reprice(scenario.registry(), JUNE_1, june30, true).rowsRepriced())
        .isZero();
  }

  private static String rewritten(String db, long ingested) {
    return "SELECT *, toUInt32(ingested_at) > " + ingested + " AS rewritten FROM " + db + ".request_costs FINAL"
        + " FORMAT JSONEachRow";
  }

  private static List<Map<String, Object>> withoutIngestedAt(List<Map<String, Object>> rows) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Map<String, Object> row : CurrentClickHouseViewsTest.same(rows)) {
      Map<String, Object> copy = new LinkedHashMap<>(row);
      copy.remove("ingested_at");
      out.add(copy);
    }
    return CurrentClickHouseViewsTest.same(out);
  }
}
