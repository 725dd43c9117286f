package dev.costpipe.clickhouse.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.costpipe.clickhouse.sink.ClickHouseMigrations;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The replicated DDL derived from the single-node migrations (its real-cluster test is in deploy). */
class ReplicatedDdlTest {

  @Test
  void oneFileForTheDatabaseThenOnePerMigrationInOrder() {
    Map<String, String> files = ReplicatedDdl.files();
    assertThat(files.keySet()).containsExactlyElementsOf(
        Stream.concat(Stream.of("V000__database.sql"), ClickHouseMigrations.MIGRATIONS.stream()).toList());
    assertThat(files.get("V000__database.sql"))
        .endsWith("\nCREATE DATABASE IF NOT EXISTS costpipe ON CLUSTER '{cluster}';\n");
  }

  @Test
  void theLocalTableKeepsTheMigrationsColumnsAndKeysAndTheDistributedTableShardsBySortKey() {
    String migration = ClickHouseMigrations.resource("migrations/V002__cost_aggregates.sql");
    String columns = migration.substring(migration.indexOf("\n(\n"), migration.indexOf("ENGINE"));
    String ddl = ReplicatedDdl.files().get("V002__cost_aggregates.sql");

    assertThat(ddl).contains("\nCREATE TABLE IF NOT EXISTS costpipe.cost_aggregates_local ON CLUSTER '{cluster}'"
            + columns + "ENGINE = ReplicatedReplacingMergeTree("
            + "'/clickhouse/tables/{shard}/costpipe/cost_aggregates', '{replica}', version)\n"
            + "PARTITION BY toYYYYMM(window_start)\nORDER BY (dimension, dimension_value, `window`, window_start);\n")
        .endsWith("\nCREATE TABLE IF NOT EXISTS costpipe.cost_aggregates ON CLUSTER '{cluster}' AS"
            + " costpipe.cost_aggregates_local\nENGINE = Distributed('{cluster}', costpipe, cost_aggregates_local,"
            + " cityHash64(dimension, dimension_value, `window`, window_start));\n")
        // the migration's own description comes along
        .contains("\n-- The topology's window totals");
  }

  @Test
  void aMergeTreeWithoutArgumentsAndASortKeyWithoutParentheses() {
    String ddl = ReplicatedDdl.table("V008__events.sql", """
        -- Events.
        CREATE TABLE IF NOT EXISTS {db}.events
        (
            id String
        )
        ENGINE = MergeTree()
        ORDER BY id
        """, new HashMap<>());
    assertThat(ddl).contains("ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/costpipe/events', '{replica}')\n"
            + "ORDER BY id;\n")
        .contains("ENGINE = Distributed('{cluster}', costpipe, events_local, cityHash64(id));")
        .doesNotContain("{db}", "{table}", "{comment}");
  }

  @Test
  void aMigrationOfAnotherShapeIsRefused() {
    assertThatThrownBy(() -> ReplicatedDdl.table("V008__drop.sql", "DROP TABLE {db}.request_costs", Map.of()))
        .isInstanceOf(IllegalStateException.class).hasMessageStartingWith("V008__drop.sql: not a CREATE TABLE");
  }

  @Test
  void anAlterChangesTheLocalTableThenCreatesTheDistributedOneAgain() {
    String ddl = ReplicatedDdl.table("V008__add_column.sql", """
        -- why
        ALTER TABLE {db}.request_costs
            ADD COLUMN region String DEFAULT '' AFTER images
        """, Map.of("request_costs", "request_id"));
    assertThat(ddl).contains("-- why\n")
        .contains("ALTER TABLE costpipe.request_costs_local ON CLUSTER '{cluster}'\n"
            + "    ADD COLUMN region String DEFAULT '' AFTER images;\n\n"
            + "DROP TABLE IF EXISTS costpipe.request_costs ON CLUSTER '{cluster}';\n\n"
            + "CREATE TABLE IF NOT EXISTS costpipe.request_costs ON CLUSTER '{cluster}' AS costpipe.request_costs_local\n"
            + "ENGINE = Distributed('{cluster}', costpipe, request_costs_local, cityHash64(request_id));");
    assertThatThrownBy(() -> ReplicatedDdl.table("V008__add_column.sql", "ALTER TABLE {db}.nowhere\n ADD COLUMN x UInt8",
        Map.of())).isInstanceOf(IllegalStateException.class).hasMessageContaining("which no earlier migration creates");
  }
}
