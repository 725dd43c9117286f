package dev.costpipe.clickhouse.costsql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.costpipe.testsupport.ChdbEngine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Every test of {@link ClickHouseCostSqlTest} on ClickHouse 26 (chDB): the generated cost SQL, CASE and lookup
 * forms, the test registry and the real catalogues, gives on 26 the cost Java computes for every row, as on 18.16.
 */
class CurrentClickHouseCostSqlTest extends ClickHouseCostSqlTest {
  private static ChdbEngine current;

  /** Runs after ClickHouseCostSqlTest's own @BeforeAll (which starts 18.16): its tests then run on 26. */
  @BeforeAll
  static void startClickHouse26() {
    current = ChdbEngine.start();
    server = current;
    assertThat(server.query("SELECT version() AS v FORMAT JSONEachRow").get(0).get("v").toString()).startsWith("26.");
    server.execute("CREATE DATABASE IF NOT EXISTS " + DB);
  }

  @AfterAll
  static void stopClickHouse26() {
    current.close();
  }
}
