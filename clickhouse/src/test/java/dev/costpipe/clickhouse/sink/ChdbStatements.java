package dev.costpipe.clickhouse.sink;

import com.fasterxml.jackson.databind.JsonNode;
import dev.costpipe.testsupport.ChdbEngine;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * {@link StatementRunner} over ClickHouse 26 in chDB: {@code migrate-layout}, {@code retention} and {@code reprice}
 * send their statements there as they send them to a server; ClickHouse's refusal is an
 * {@link IllegalStateException} as over client-v2. Statements run one at a time.
 */
final class ChdbStatements implements StatementRunner {
  private final ChdbEngine engine;

  ChdbStatements(ChdbEngine engine) {
    this.engine = engine;
  }

  @Override
  public void execute(String sql) {
    engine.execute(sql);
  }

  @Override
  public List<JsonNode> query(String sql) {
    try (BufferedReader output = new BufferedReader(new StringReader(engine.run(sql, "JSONEachRow")))) {
      return ClickHouseStatements.rows(output, sql);
    } catch (IOException e) {
      throw new UncheckedIOException("not JSONEachRow from chDB for " + ClickHouseStatements.head(sql), e);
    }
  }
}
