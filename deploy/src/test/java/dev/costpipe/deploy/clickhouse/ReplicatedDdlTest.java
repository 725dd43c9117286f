package dev.costpipe.deploy.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.costpipe.app.cli.CostpipeCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code deploy/clickhouse/replicated/} is exactly what {@code costpipe clickhouse ddl --replicated} generates. */
class ReplicatedDdlTest {
  private static final String REGENERATE = "deploy/clickhouse/replicated/ is not what the sink's migrations generate:"
      + " regenerate it with `deploy/costpipe clickhouse ddl --replicated --out deploy/clickhouse/replicated`";

  @TempDir
  Path generated;

  @Test
  void theCommittedFilesAreTheGeneratedOnes() throws IOException {
    int exit = new CommandLine(new CostpipeCommand())
        .execute("clickhouse", "ddl", "--replicated", "--out", generated.toString());
    assertThat(exit).isZero();

    List<String> names = names(generated);
    assertThat(names).startsWith("V000__database.sql", "V001__request_costs.sql");
    assertThat(names(ReplicatedDdlFiles.DIR)).as(REGENERATE).containsExactlyElementsOf(names);
    for (String name : names) {
      assertThat(Files.readString(ReplicatedDdlFiles.DIR.resolve(name))).as(REGENERATE + " (" + name + ")")
          .isEqualTo(Files.readString(generated.resolve(name)));
    }
  }

  @Test
  void everyFileSplitsIntoItsStatements() {
    for (Path file : ReplicatedDdlFiles.files(ReplicatedDdlFiles.DIR)) {
      List<String> statements = ReplicatedDdlFiles.statements(file);
      if (file.getFileName().toString().equals("V000__database.sql")) {
        assertThat(statements).containsExactly("CREATE DATABASE IF NOT EXISTS costpipe ON CLUSTER '{cluster}'");
      } else if (file.getFileName().toString().equals("V008__request_costs_time_led.sql")) {
        // written by hand: the time-led local table, the swap of the local tables, both Distributed tables
        assertThat(statements).as(file.toString()).hasSize(5);
        assertThat(statements.get(0)).contains("_local ON CLUSTER '{cluster}' AS costpipe.request_costs_local\n")
            .contains("ENGINE = Replicated").contains("ORDER BY (timestamp, request_id)");
        assertThat(statements.get(1)).startsWith("RENAME TABLE costpipe.request_costs_local TO ")
            .endsWith(" ON CLUSTER '{cluster}'");
        assertThat(statements.get(2)).startsWith("DROP TABLE IF EXISTS costpipe.request_costs ON CLUSTER");
        assertThat(statements.subList(3, 5)).allSatisfy(st -> assertThat(st)
            .contains("ENGINE = Distributed('{cluster}', costpipe, "));
      } else if (statements.get(0).startsWith("ALTER ")) {
        // an ALTER migration: the local table changed, the Distributed table created again over it
        assertThat(statements).as(file.toString()).hasSize(3);
        assertThat(statements.get(0)).as(file.toString()).contains("_local ON CLUSTER '{cluster}'\n")
            .doesNotContain("--", ";");
        assertThat(statements.get(1)).as(file.toString()).startsWith("DROP TABLE IF EXISTS costpipe.");
        assertThat(statements.get(2)).as(file.toString()).contains("ENGINE = Distributed('{cluster}', costpipe, ");
      } else {
        assertThat(statements).as(file.toString()).hasSize(2);
        assertThat(statements.get(0)).as(file.toString()).contains("_local ON CLUSTER '{cluster}'\n(")
            .contains("ENGINE = Replicated").doesNotContain("--", ";");
        assertThat(statements.get(1)).as(file.toString()).contains("ENGINE = Distributed('{cluster}', costpipe, ");
      }
    }
  }

  private static List<String> names(Path dir) {
    return ReplicatedDdlFiles.files(dir).stream().map(p -> p.getFileName().toString()).toList();
  }
}
