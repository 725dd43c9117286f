package dev.costpipe.deploy.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.costpipe.clickhouse.sink.ClickHouseMigrations;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The replicated DDL keeps the columns and keys of the sink's single-node migrations, file for file. */
class ReplicatedDdlTest {
  private final ClickHouseMigrations migrations = new ClickHouseMigrations(null, "costpipe");

  @Test
  void everyMigrationHasAReplicatedTwinWithTheSameColumnsAndKeys() {
    List<String> replicated = ReplicatedDdl.files().stream().map(p -> p.getFileName().toString()).toList();
    assertThat(replicated).containsExactlyElementsOf(
        Stream.concat(Stream.of("V000__database.sql"), ClickHouseMigrations.MIGRATIONS.stream()).toList());

    for (String file : ClickHouseMigrations.MIGRATIONS) {
      String single = migrations.sql("migrations/" + file);
      String table = single.replaceAll("(?s).*CREATE TABLE IF NOT EXISTS costpipe\\.(\\w+).*", "$1");
      List<String> statements = ReplicatedDdl.statements(ReplicatedDdl.DIR.resolve(file));
      assertThat(statements).as(file).hasSize(2);
      String local = statements.get(0);
      String distributed = statements.get(1);

      assertThat(local).as(file)
          .startsWith("CREATE TABLE IF NOT EXISTS costpipe." + table + "_local ON CLUSTER '{cluster}'")
          .contains("ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/costpipe/" + table
              + "', '{replica}', " + versionColumn(single) + ")");
      assertThat(ReplicatedDdl.columns(local)).as(file + ": columns").isNotEmpty()
          .containsExactlyElementsOf(ReplicatedDdl.columns(single));
      assertThat(ReplicatedDdl.keyClauses(local)).as(file + ": PARTITION BY / ORDER BY").hasSize(2)
          .containsExactlyElementsOf(ReplicatedDdl.keyClauses(single));

      assertThat(distributed).as(file)
          .startsWith("CREATE TABLE IF NOT EXISTS costpipe." + table + " ON CLUSTER '{cluster}' AS costpipe."
              + table + "_local")
          .contains("ENGINE = Distributed('{cluster}', costpipe, " + table + "_local, cityHash64(");
    }
  }

  private static String versionColumn(String createTable) {
    return createTable.replaceAll("(?s).*ENGINE = ReplacingMergeTree\\((\\w+)\\).*", "$1");
  }

  @Test
  void theColumnParserSeesEveryColumnOfRequestCosts() {
    List<String> columns = ReplicatedDdl.columns(migrations.sql("migrations/V001__request_costs.sql"));
    assertThat(columns).hasSize(33).startsWith("request_id String", "timestamp DateTime('UTC')")
        .endsWith("ingested_at DateTime('UTC')").contains("cost_usd Nullable(Decimal(18, 9))");
    assertThat(ReplicatedDdl.statements(Path.of("clickhouse/replicated/V000__database.sql")))
        .containsExactly("CREATE DATABASE IF NOT EXISTS costpipe ON CLUSTER '{cluster}'");
  }
}
