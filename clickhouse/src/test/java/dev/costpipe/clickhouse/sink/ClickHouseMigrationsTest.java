package dev.costpipe.clickhouse.sink;

import static org.assertj.core.api.Assertions.assertThat;

import com.clickhouse.client.api.Client;
import dev.costpipe.testsupport.ClickHouseTestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The schema on a real ClickHouse (18.16 here): tables, views, idempotence, changed and dropped views. */
class ClickHouseMigrationsTest {
  private static ClickHouseTestServer server;
  private static Client client;

  @BeforeAll
  static void start() {
    server = ClickHouseTestServer.shared();
    client = server.client();
  }

  private static Map<String, String> engines(String db) {
    return server.query("SELECT name, engine FROM system.tables WHERE database = '" + db + "' FORMAT JSONEachRow")
        .stream().collect(Collectors.toMap(r -> (String) r.get("name"), r -> (String) r.get("engine")));
  }

  @Test
  void anAlterWhoseColumnsExistAlreadyIsRecordedNotRunAgain() {
    // as on a cluster whose replicated DDL (deploy/clickhouse/replicated) added the columns before the sink started
    String db = TestRecords.unique("cp_alter_done");
    server.execute("CREATE DATABASE " + db);
    for (String migration : List.of("V001__request_costs.sql", "V004__request_costs_usage_fields.sql")) {
      server.execute(ClickHouseMigrations.resource("migrations/" + migration).replace("{db}", db).strip()
          .replaceAll(";$", ""));
    }
    ClickHouseMigrations.Result result = new ClickHouseMigrations(client, db).migrate();
    assertThat(result.appliedMigrations()).containsExactlyElementsOf(ClickHouseMigrations.MIGRATIONS);
    assertThat(new ClickHouseMigrations(client, db).migrate().appliedMigrations()).isEmpty();
  }

  @Test
  void migrationsRunTwiceAndCreateEveryTableAndView() {
    String db = TestRecords.unique("cp_migrations");
    ClickHouseMigrations migrations = new ClickHouseMigrations(client, db);

    ClickHouseMigrations.Result first = migrations.migrate();
    assertThat(first.appliedMigrations()).containsExactlyElementsOf(ClickHouseMigrations.MIGRATIONS);
    assertThat(first.createdViews()).hasSize(ClickHouseMigrations.VIEWS.size());
    ClickHouseMigrations.Result second = migrations.migrate();
    assertThat(second.appliedMigrations()).isEmpty();
    assertThat(second.createdViews()).isEmpty();
    // a third run on a fresh instance, as a second sink starting would do
    assertThat(new ClickHouseMigrations(client, db).migrate().appliedMigrations()).isEmpty();

    Map<String, String> engines = engines(db);
    assertThat(engines).containsEntry("request_costs", "ReplacingMergeTree")
        .containsEntry("cost_aggregates", "ReplacingMergeTree")
        .containsEntry("cost_alerts", "ReplacingMergeTree")
        .containsEntry("schema_migrations", "ReplacingMergeTree");
    for (String view : ClickHouseMigrations.VIEWS) {
      String name = view.replace(".sql", "");
      assertThat(engines).containsEntry(name, "View");
      // every view runs on the empty tables
      assertThat(server.query("SELECT * FROM " + db + "." + name + " FORMAT JSONEachRow")).isEmpty();
    }
    assertThat(server.query("SELECT count() AS n FROM " + db + ".schema_migrations FINAL FORMAT JSONEachRow")
        .get(0).get("n")).isEqualTo(String.valueOf(ClickHouseMigrations.MIGRATIONS.size()
        + ClickHouseMigrations.VIEWS.size()));

    // the column types the contract asks for
    Map<String, String> columns = server.query("SELECT name, type FROM system.columns WHERE database = '" + db
        + "' AND table = 'request_costs' FORMAT JSONEachRow").stream()
        .collect(Collectors.toMap(r -> (String) r.get("name"), r -> (String) r.get("type")));
    assertThat(columns).hasSize(43)
        .containsEntry("timestamp", "DateTime('UTC')")
        .containsEntry("cost_nano_usd", "Nullable(Int64)")
        .containsEntry("cost_usd", "Nullable(Decimal(18, 9))")
        .containsEntry("cost_breakdown_keys", "Array(String)")
        .containsEntry("cost_breakdown_values", "Array(Int64)")
        .containsEntry("property_values", "Array(String)")
        .containsEntry("user_id", "Nullable(String)")
        .containsEntry("cache_write_1h_tokens", "UInt64")
        .containsEntry("revision", "UInt32")
        .containsEntry("reported_cost_nano_usd", "Nullable(Int64)")
        .containsEntry("image_input_tokens", "UInt64")
        .containsEntry("video_input_tokens", "UInt64")
        .containsEntry("ingested_at", "DateTime('UTC')");
  }

  @Test
  void aChangedViewIsRecreatedAndADroppedOneComesBack() {
    String db = TestRecords.unique("cp_migrations");
    ClickHouseMigrations migrations = new ClickHouseMigrations(client, db);
    migrations.migrate();

    // as if v_cost_per_day had been created from an older version of its file
    server.execute("INSERT INTO " + db + ".schema_migrations VALUES ('view:v_cost_per_day', 'v_cost_per_day',"
        + " 'old', now() + 5)");
    server.execute("DROP TABLE " + db + ".v_top_requests");
    ClickHouseMigrations.Result again = migrations.migrate();
    assertThat(again.createdViews()).containsExactly("v_cost_per_day");
    assertThat(engines(db)).containsEntry("v_cost_per_day", "View").containsEntry("v_top_requests", "View");
  }

  @Test
  void everySqlFileIsListedAndHoldsStatementsThat18_16Runs() throws IOException {
    Path root = Path.of("src/main/resources/clickhouse");
    try (Stream<Path> files = Files.list(root.resolve("migrations"))) {
      assertThat(files.map(p -> p.getFileName().toString()).sorted().toList())
          .containsExactlyElementsOf(ClickHouseMigrations.MIGRATIONS);
    }
    // V008 (time-led request_costs, created AS the table) before V009's ALTER, which thus reaches the new table
    assertThat(ClickHouseMigrations.MIGRATIONS).containsSequence("V008__request_costs_time_led.sql",
        "V009__request_costs_prompt_modalities.sql");
    try (Stream<Path> files = Files.list(root.resolve("views"))) {
      assertThat(files.map(p -> p.getFileName().toString()).sorted().toList())
          .containsExactlyInAnyOrderElementsOf(ClickHouseMigrations.VIEWS);
    }
    for (String f : ClickHouseMigrations.MIGRATIONS) {
      // several statements only where a RENAME must follow (V008); each ends in ';' at the end of a line
      for (String statement : ClickHouseMigrations.resource("migrations/" + f).split(";\\n")) {
        assertOneStatement(statement);
      }
    }
    for (String f : ClickHouseMigrations.VIEWS) {
      String sql = ClickHouseMigrations.resource("views/" + f);
      assertOneStatement(sql);
      // views count a re-delivered row once
      assertThat(sql).containsAnyOf("request_costs FINAL", "v_session_costs");
    }
  }

  private static void assertOneStatement(String sql) {
    String code = sql.lines().map(l -> l.replaceAll("--.*", "")).collect(Collectors.joining("\n")).strip();
    assertThat(code).startsWith(code.startsWith("ALTER ") ? "ALTER TABLE {db}."
            : code.startsWith("RENAME ") ? "RENAME TABLE {db}." : "CREATE ").contains("{db}.")
        .doesNotContain(";").doesNotContain("ADD COLUMN IF NOT EXISTS"); // fails on 18.16
    assertThat(List.of("Map(", "DateTime64", "TTL ", "CODEC", "CREATE OR REPLACE", "LowCardinality"))
        .noneMatch(code::contains);
  }
}
