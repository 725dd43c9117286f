package dev.costpipe.clickhouse.sink;

import com.clickhouse.client.api.Client;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Objects;

/**
 * Where the operational commands ({@code migrate-layout}, {@code retention}, {@code reprice}) send their statements,
 * one at a time: a client-v2 client ({@link #of(Client)}, through {@link ClickHouseStatements}) when they run, or
 * another ClickHouse in the tests (26 through chDB), so that the very statements they send are checked there.
 */
public interface StatementRunner {

  /** Runs one statement whose output is not read (DDL, {@code INSERT … SELECT}, {@code ALTER}). */
  void execute(String sql);

  /**
   * Runs a SELECT that ends in {@code FORMAT JSONEachRow} and returns its rows; 64-bit integers come quoted from
   * 18.16 and as numbers from 26 ({@link JsonNode#asLong()} reads both).
   */
  List<JsonNode> query(String sql);

  /** Statements over a client-v2 client that the caller owns; failures as {@link ClickHouseStatements} throws them. */
  static StatementRunner of(Client client) {
    Objects.requireNonNull(client, "client");
    return new StatementRunner() {
      @Override
      public void execute(String sql) {
        ClickHouseStatements.execute(client, sql);
      }

      @Override
      public List<JsonNode> query(String sql) {
        return ClickHouseStatements.query(client, sql);
      }
    };
  }
}
