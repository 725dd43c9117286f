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
 * statement, then a second version of a share of the requests, as a live table holds until its merges replace them
 * (re-deliveries, revisions): the reads must deduplicate those. A database that already holds the history is kept
 * (a re-run times it again).
 */
final class HistoryLoader {
  private static final long CHUNK = 10_000_000L;

  private final Client client;

  HistoryLoader(Client client) {
    this.client = client;
  }

  /**
   * Loads {@code rows} requests, {@code perDay} a day from {@code start}, and a second version of {@code revisedPerMille}
   * of every thousand, unless the database holds them already.
   */
  void load(String database, long rows, long perDay, LocalDate start, int revisedPerMille) {
    new ClickHouseMigrations(client, database).migrate();
    long present = count(database);
    long firstVersions = number("SELECT count() AS n FROM " + database + ".request_costs WHERE revision = 0"
        + " FORMAT JSONEachRow");
    if (firstVersions == rows && (present > rows) == (revisedPerMille > 0)) {
      Progress.say("%s: %,d rows present (%,d of them second versions), not loaded again", database, present,
          present - rows);
      return;
    }
    if (present != 0) {
      throw new IllegalStateException(database + ".request_costs holds " + present + " rows (" + firstVersions
          + " first versions), not " + rows + (revisedPerMille > 0 ? " and their second versions" : "")
          + ": drop the database first");
    }
    String template = rowsSql().replace("{db}", database).replace("{per_day}", Long.toString(perDay))
        .replace("{start}", "'" + start + "'");
    long begin = System.nanoTime();
    for (long first = 0; first < rows; first += CHUNK) {
      long count = Math.min(CHUNK, rows - first);
      insert(template, first, count, 0, "1");
      Progress.say("%s: %,d of %,d rows loaded (%.0f s)", database, first + count, rows,
          (System.nanoTime() - begin) / 1e9);
    }
    if (revisedPerMille > 0) {
      for (long first = 0; first < rows; first += CHUNK) {
        insert(template, first, Math.min(CHUNK, rows - first), 1, "cityHash64(n, 16) % 1000 < " + revisedPerMille);
      }
      Progress.say("%s: second versions of %d per mille of the requests loaded: %,d rows in all (%.0f s)", database,
          revisedPerMille, count(database), (System.nanoTime() - begin) / 1e9);
    }
  }

  private void insert(String template, long first, long count, int version, String where) {
    ClickHouseStatements.execute(client, template.replace("{first}", Long.toString(first))
        .replace("{count}", Long.toString(count)).replace("{version}", Integer.toString(version))
        .replace("{where}", where));
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
