package dev.costpipe.clickhouse.sink;

import com.clickhouse.client.api.Client;
import com.clickhouse.client.api.command.CommandResponse;
import com.clickhouse.client.api.query.QueryResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.costpipe.engine.json.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;

/**
 * One SQL statement over client-v2, the way that works on 18.16 and current servers: one statement per
 * request, fully qualified names, results as {@code FORMAT JSONEachRow} written in the SQL. A failure is
 * an {@link IllegalStateException} naming the statement, with the client's exception as its cause (so
 * {@link ClickHouseErrors#classify} can tell an outage from an error).
 */
public final class ClickHouseStatements {
  private ClickHouseStatements() {}

  public static void execute(Client client, String sql) {
    try (CommandResponse ignored = client.execute(sql).get()) {
      // DDL and INSERT … SELECT return nothing worth reading
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + head(sql), e);
    } catch (ExecutionException e) {
      throw failure(sql, e.getCause());
    } catch (Exception e) {
      throw failure(sql, e);
    }
  }

  /** Runs a SELECT that ends in {@code FORMAT JSONEachRow} and returns its rows (64-bit integers come quoted). */
  public static List<JsonNode> query(Client client, String sql) {
    try (QueryResponse response = client.query(sql).get();
         BufferedReader reader = new BufferedReader(
             new InputStreamReader(response.getInputStream(), StandardCharsets.UTF_8))) {
      return rows(reader, sql);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + head(sql), e);
    } catch (ExecutionException e) {
      throw failure(sql, e.getCause());
    } catch (IllegalStateException e) {
      throw e;
    } catch (IOException e) {
      throw failure(sql, e);
    } catch (Exception e) {
      throw failure(sql, e);
    }
  }

  /** The rows of a {@code FORMAT JSONEachRow} answer to {@code sql}, read line by line. */
  static List<JsonNode> rows(BufferedReader reader, String sql) throws IOException {
    List<JsonNode> rows = new ArrayList<>();
    String line;
    while ((line = reader.readLine()) != null) {
      if (line.isBlank()) {
        continue;
      }
      if (line.startsWith("Code: ")) {
        // an error after the first block arrives with HTTP 200, appended to the body
        throw new IllegalStateException("ClickHouse failed mid-result for " + head(sql) + ": " + line);
      }
      rows.add(Json.MAPPER.readTree(line));
    }
    return rows;
  }

  private static IllegalStateException failure(String sql, Throwable cause) {
    return new IllegalStateException("ClickHouse failed on " + head(sql) + ": " + ClickHouseErrors.describe(cause),
        cause);
  }

  /** The statement's first meaningful line, for messages (a statement may be long). */
  static String head(String sql) {
    for (String line : sql.split("\n")) {
      String l = line.strip();
      if (!l.isEmpty() && !l.startsWith("--")) {
        return "[" + (l.length() > 120 ? l.substring(0, 120) + "…" : l) + "]";
      }
    }
    return "[]";
  }
}
