package dev.costpipe.clickhouse.layout;

import com.clickhouse.client.api.Client;
import com.fasterxml.jackson.databind.JsonNode;
import dev.costpipe.clickhouse.costsql.SqlLiterals;
import dev.costpipe.clickhouse.sink.StatementRunner;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * {@code costpipe clickhouse retention}: keeps {@code request_costs} to a period by dropping whole weekly partitions
 * ({@code DROP PARTITION}: 18.16 has no TTL). A week is dropped once all of it is older than the period: it
 * ended (next Monday 00:00 UTC) at or before {@code now - keep}. Dropping is instant and frees the disk at once.
 * The report's sums per day of a dropped week ({@link #DAY_SUMS}, partitioned by the same weeks) go with it.
 */
public final class Retention {
  /** The report's sums per day (V010-V013), partitioned by ISO week like request_costs. */
  public static final List<String> DAY_SUMS =
      List.of("report_day_sums", "report_day_property_sums", "report_day_session_sums");

  private final StatementRunner statements;
  private final String database;
  private final Consumer<String> log;

  /** One ISO week of {@code request_costs}: its Monday and stored rows. */
  public record Week(LocalDate monday, long rows) {}

  public Retention(Client client, String database, Consumer<String> log) {
    this(StatementRunner.of(client), database, log);
  }

  /** A retention sending its statements to {@code statements} (in tests: ClickHouse 26 through chDB). */
  public Retention(StatementRunner statements, String database, Consumer<String> log) {
    this.statements = Objects.requireNonNull(statements, "statements");
    this.database = Objects.requireNonNull(database, "database");
    this.log = Objects.requireNonNull(log, "log");
  }

  /** Drops the weeks that ended at or before {@code now - keep} (dry run: lists them); returns them. */
  public List<Week> run(Duration keep, Instant now, boolean dryRun) {
    if (keep.isNegative() || keep.isZero()) {
      throw new IllegalArgumentException("retention must be positive, got " + keep);
    }
    Instant cutoff = now.minus(keep);
    List<Week> expired = new ArrayList<>();
    for (Week week : weeks()) {
      Instant end = week.monday().plusDays(7).atStartOfDay(ZoneOffset.UTC).toInstant();
      if (!end.isAfter(cutoff)) {
        expired.add(week);
      }
    }
    for (Week week : expired) {
      if (dryRun) {
        log.accept("would drop week " + week.monday() + " (" + week.rows() + " stored rows)");
      } else {
        dropPartition(TimeLedLayout.TABLE, week.monday());
        dropDaySums(week.monday());
        log.accept("dropped week " + week.monday() + " (" + week.rows() + " stored rows)");
      }
    }
    log.accept((dryRun ? "dry run: " : "") + expired.size() + " weeks ended before " + cutoff + " (keep " + keep
        + ")" + (dryRun ? "" : " dropped"));
    return expired;
  }

  /** Drops the report's sums per day of the week of {@code monday}, in those of {@link #DAY_SUMS} the database has. */
  public void dropDaySums(LocalDate monday) {
    for (JsonNode row : statements.query("SELECT name FROM system.tables WHERE database = "
        + SqlLiterals.string(database) + " AND name IN (" + String.join(", ", DAY_SUMS.stream()
            .map(SqlLiterals::string).toList()) + ") ORDER BY name FORMAT JSONEachRow")) {
      dropPartition(row.path("name").asText(), monday);
    }
  }

  private void dropPartition(String table, LocalDate monday) {
    statements.execute("ALTER TABLE " + database + "." + table + " DROP PARTITION "
        + SqlLiterals.string(monday.toString()));
  }

  private List<Week> weeks() {
    List<Week> out = new ArrayList<>();
    for (JsonNode row : statements.query("SELECT partition, sum(rows) AS n FROM system.parts"
        + " WHERE database = " + SqlLiterals.string(database) + " AND table = "
        + SqlLiterals.string(TimeLedLayout.TABLE) + " AND active GROUP BY partition ORDER BY partition"
        + " FORMAT JSONEachRow")) {
      String partition = row.path("partition").asText();
      try {
        out.add(new Week(LocalDate.parse(partition), row.path("n").asLong()));
      } catch (DateTimeParseException e) {
        throw new IllegalStateException(database + "." + TimeLedLayout.TABLE + " is not partitioned by week"
            + " (partition " + partition + "): run the sink once so that migration V008 applies", e);
      }
    }
    return out;
  }
}
