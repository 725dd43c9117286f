package dev.costpipe.bench;

import com.clickhouse.client.api.Client;
import com.fasterxml.jackson.databind.JsonNode;
import dev.costpipe.clickhouse.sink.ClickHouseMigrations;
import dev.costpipe.clickhouse.sink.ClickHouseStatements;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.stream.Collectors;

/**
 * Loads the read-scale benchmark's history into a database in costpipe's own schema (the sink's migrations), fast
 * and server-side: {@code INSERT … SELECT} from generated rows ({@code bench/read-scale-rows.sql}), 10M rows per
 * statement. A database that already holds the history is kept (a re-run times it again).
 */
final class HistoryLoader {
  private static final long CHUNK = 10_000_000L;

  private final Client client;

  HistoryLoader(Client client) {
    this.client = client;
  }

  /** Loads {@code rows} requests, {@code perDay} a day from {@code start}, unless the database holds them already. */
  void load(String database, long rows, long perDay, LocalDate start) {
    new ClickHouseMigrations(client, database).migrate();
    long present = count(database);
    if (present == rows) {
      Progress.say("%s: %,d rows present, not loaded again", database, rows);
      return;
    }
    if (present != 0) {
      throw new IllegalStateException(database + ".request_costs holds " + present + " rows, not " + rows
          + ": drop the database first");
    }
    String template = rowsSql();
    long begin = System.nanoTime();
    for (long first = 0; first < rows; first += CHUNK) {
      long count = Math.min(CHUNK, rows - first);
      ClickHouseStatements.execute(client, template.replace("{db}", database)
          .replace("{first}", Long.toString(first)).replace("{count}", Long.toString(count))
          .replace("{per_day}", Long.toString(perDay)).replace("{start}", "'" + start + "'"));
      Progress.say("%s: %,d of %,d rows loaded (%.0f s)", database, first + count, rows,
          (System.nanoTime() - begin) / 1e9);
    }
  }

  long count(String database) {
    return number("SELECT count() AS n FROM " + database + ".request_costs FORMAT JSONEachRow");
  }

  long number(String sql) {
    JsonNode row = ClickHouseStatements.query(client, sql).get(0);
    return row.path("n").asLong();
  }

  private static String rowsSql() {
    try (InputStream in = HistoryLoader.class.getResourceAsStream("/bench/read-scale-rows.sql")) {
      // comments dropped: the SQL's own lines hold none, and a comment could hide a placeholder
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
          .filter(l -> !l.strip().startsWith("--")).collect(Collectors.joining("\n"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
