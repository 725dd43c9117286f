package dev.costpipe.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChdbEngineTest {

  private static ChdbEngine engine;

  @BeforeAll
  static void startEngine() {
    engine = ChdbEngine.start();
  }

  @AfterAll
  static void stopEngine() {
    engine.close();
  }

  @Test
  void isACurrentClickHouse() {
    assertThat(engine.version()).matches("2[6-9]\\.\\d+\\.\\d+\\.\\d+");
    assertThat(engine.query("SELECT version() AS v FORMAT JSONEachRow")).containsExactly(Map.of("v", engine.version()));
  }

  @Test
  void mergeTreeRowsPersistAndDecimalsComeBackExact() {
    engine.execute("CREATE DATABASE IF NOT EXISTS chdb_engine_test");
    engine.execute("CREATE TABLE chdb_engine_test.costs (id String, ts DateTime('UTC'), cost Decimal(38,12))"
        + " ENGINE = ReplacingMergeTree ORDER BY id");
    engine.insertJsonEachRow("chdb_engine_test.costs",
        "{\"id\":\"a\",\"ts\":\"2026-12-07 08:00:00\",\"cost\":0.000000000001}\n"
            + "{\"id\":\"b\",\"ts\":\"2026-12-07 09:00:00\",\"cost\":12.5}\n");

    List<Map<String, Object>> rows = engine.query(
        "SELECT id, ts, cost FROM chdb_engine_test.costs FINAL ORDER BY id FORMAT JSONEachRow");

    assertThat(rows).containsExactly(
        Map.of("id", "a", "ts", "2026-12-07 08:00:00", "cost", new BigDecimal("0.000000000001")),
        Map.of("id", "b", "ts", "2026-12-07 09:00:00", "cost", new BigDecimal("12.5")));
  }

  @Test
  void aTemporaryTableLastsFromOneStatementToTheNext() {
    engine.execute("CREATE TEMPORARY TABLE numbers_kept ENGINE = Memory AS SELECT number FROM system.numbers LIMIT 3");

    assertThat(engine.query("SELECT sum(number) AS s FROM numbers_kept FORMAT JSONEachRow"))
        .containsExactly(Map.of("s", 3));
  }

  @Test
  void aRefusedStatementThrowsClickHousesMessageAndTheEngineGoesOn() {
    assertThatThrownBy(() -> engine.execute("SELECT no_such_function(1)"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("SELECT no_such_function(1)")
        .hasMessageContaining("UNKNOWN_FUNCTION");
    assertThat(engine.query("SELECT 1 AS one FORMAT JSONEachRow")).containsExactly(Map.of("one", 1));
  }

  @Test
  void withoutTheChdbPackageStartSaysWhatToRun(@TempDir Path empty) throws Exception {
    Files.writeString(empty.resolve("runner.js"), "");
    String before = System.getProperty("costpipe.chdb.dir");
    System.setProperty("costpipe.chdb.dir", empty.toString());
    try {
      assertThatThrownBy(ChdbEngine::start)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("chDB is not installed")
          .hasMessageContaining("run test-support/chdb/install.sh")
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    } finally {
      if (before == null) {
        System.clearProperty("costpipe.chdb.dir");
      } else {
        System.setProperty("costpipe.chdb.dir", before);
      }
    }
  }
}
