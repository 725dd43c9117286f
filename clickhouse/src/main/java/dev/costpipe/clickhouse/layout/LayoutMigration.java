package dev.costpipe.clickhouse.layout;

import com.clickhouse.client.api.Client;
import com.fasterxml.jackson.databind.JsonNode;
import dev.costpipe.clickhouse.costsql.SqlLiterals;
import dev.costpipe.clickhouse.sink.StatementRunner;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * {@code costpipe clickhouse migrate-layout}: copies the rows of {@code request_costs_before_v008} into the
 * time-led {@code request_costs}, one monthly partition of the old table at a time, while the sink keeps writing.
 *
 * <ul>
 *   <li>Every column of the old table is copied (listed from {@code system.columns}); the new table has them all
 *       (V008 created it {@code AS} the old one).</li>
 *   <li>A partition is recorded in {@code request_costs_layout_migration} once it is copied and checked (every
 *       request id of the old partition is in the new table). A run interrupted mid-partition copies that partition
 *       again: the copies have the same sort key and version, so {@code FINAL} and merges keep one.</li>
 *   <li>Reads stay right meanwhile: while the old table exists, {@code costpipe query} and {@code report} read
 *       both tables and keep each request's latest version ({@code CostSource}); a revision the sink wrote to the
 *       new table wins over the old table's row by its version.</li>
 *   <li>When every partition is copied, the old table and the progress table are dropped.</li>
 * </ul>
 */
public final class LayoutMigration {
  /** The progress of a migration: one row per copied partition of the old table. */
  static final String PROGRESS_TABLE = "request_costs_layout_migration";

  private final StatementRunner statements;
  private final String database;
  private final Consumer<String> log;

  /** A monthly partition of the old table ({@code 202611}) and its stored rows (before FINAL). */
  public record Partition(String id, long rows) {}

  /**
   * What a run would do or did.
   *
   * @param copied partitions copied by this run (dry run: those it would copy)
   * @param alreadyCopied partitions an earlier, interrupted run copied
   * @param oldTableDropped whether the old table is gone at the end (dry run: false)
   */
  public record Result(List<Partition> copied, List<Partition> alreadyCopied, boolean oldTableDropped) {}

  public LayoutMigration(Client client, String database, Consumer<String> log) {
    this(StatementRunner.of(client), database, log);
  }

  /** A migration sending its statements to {@code statements} (in tests: ClickHouse 26 through chDB). */
  public LayoutMigration(StatementRunner statements, String database, Consumer<String> log) {
    this.statements = Objects.requireNonNull(statements, "statements");
    this.database = Objects.requireNonNull(database, "database");
    this.log = Objects.requireNonNull(log, "log");
  }

  /** Copies what is left (dry run: only says what it would copy). Safe to run again at any point. */
  public Result run(boolean dryRun) {
    List<String> columns = TimeLedLayout.oldColumns(statements, database);
    if (columns.isEmpty()) {
      log.accept("nothing to migrate: " + database + "." + TimeLedLayout.OLD_TABLE + " does not exist"
          + " (request_costs is time-led, or the sink has not run migration V008 yet)");
      return new Result(List.of(), List.of(), !dryRun);
    }
    String engine = statements.query("SELECT engine FROM system.tables WHERE database = "
        + SqlLiterals.string(database) + " AND name = " + SqlLiterals.string(TimeLedLayout.OLD_TABLE)
        + " FORMAT JSONEachRow").get(0).path("engine").asText();
    if (!engine.endsWith("MergeTree")) {
      // a Distributed table on a cluster: its months are in each node's _local table (docs/clickhouse.md)
      throw new IllegalStateException(oldTable() + " is a " + engine + " table: migrate-layout copies a single"
          + " node's table; on a cluster copy each month with INSERT INTO request_costs SELECT * FROM "
          + TimeLedLayout.OLD_TABLE + " WHERE toYYYYMM(timestamp) = <month>");
    }
    if (!dryRun) {
      statements.execute("CREATE TABLE IF NOT EXISTS " + progressTable()
          + " (partition String, rows UInt64, copied_at DateTime('UTC'))"
          + " ENGINE = ReplacingMergeTree(copied_at) ORDER BY partition");
    }
    Set<String> done = dryRun && !progressTableExists() ? Set.of() : copiedPartitions();
    List<Partition> copied = new ArrayList<>();
    List<Partition> already = new ArrayList<>();
    String list = String.join(", ", columns.stream().map(c -> "`" + c + "`").toList());
    for (Partition p : oldPartitions()) {
      if (done.contains(p.id())) {
        already.add(p);
        continue;
      }
      copied.add(p);
      if (dryRun) {
        log.accept("would copy partition " + p.id() + " (" + p.rows() + " stored rows, " + columns.size()
            + " columns)");
        continue;
      }
      log.accept("copying partition " + p.id() + " (" + p.rows() + " stored rows)");
      statements.execute("INSERT INTO " + database + "." + TimeLedLayout.TABLE + " (" + list
          + ") SELECT " + list + " FROM " + oldTable() + " WHERE " + inPartition(p));
      long missing = missing(p);
      if (missing != 0) {
        throw new IllegalStateException("partition " + p.id() + ": " + missing + " request ids of "
            + oldTable() + " are not in " + TimeLedLayout.TABLE + " after the copy; nothing dropped, run again");
      }
      statements.execute("INSERT INTO " + progressTable() + " (partition, rows, copied_at) VALUES ("
          + SqlLiterals.string(p.id()) + ", " + p.rows() + ", now())");
    }
    if (dryRun) {
      log.accept("dry run: " + copied.size() + " partitions to copy, " + already.size() + " copied before; then "
          + oldTable() + " would be dropped");
      return new Result(copied, already, false);
    }
    // A part of the old table that no listed partition covered (none should appear after V008) keeps it.
    for (Partition p : oldPartitions()) {
      if (!copiedPartitions().contains(p.id())) {
        throw new IllegalStateException("partition " + p.id() + " of " + oldTable() + " appeared during the run;"
            + " run again");
      }
    }
    statements.execute("DROP TABLE IF EXISTS " + oldTable());
    statements.execute("DROP TABLE IF EXISTS " + progressTable());
    log.accept("done: " + copied.size() + " partitions copied now, " + already.size() + " before; "
        + oldTable() + " dropped");
    return new Result(copied, already, true);
  }

  private List<Partition> oldPartitions() {
    List<Partition> out = new ArrayList<>();
    for (JsonNode row : statements.query("SELECT partition, sum(rows) AS n FROM system.parts"
        + " WHERE database = " + SqlLiterals.string(database) + " AND table = "
        + SqlLiterals.string(TimeLedLayout.OLD_TABLE) + " AND active GROUP BY partition ORDER BY partition"
        + " FORMAT JSONEachRow")) {
      out.add(new Partition(row.path("partition").asText(), row.path("n").asLong()));
    }
    return out;
  }

  /** Request ids of the old partition that the new table lacks (the new table read through its time-led key). */
  private long missing(Partition p) {
    String month = "toDateTime(" + SqlLiterals.string(p.id().substring(0, 4) + "-" + p.id().substring(4)
        + "-01 00:00:00") + ", 'UTC')";
    return statements.query("SELECT count() AS n FROM (SELECT DISTINCT request_id FROM "
        + oldTable() + " WHERE " + inPartition(p) + ") WHERE request_id NOT IN (SELECT request_id FROM "
        + database + "." + TimeLedLayout.TABLE + " WHERE timestamp >= " + month
        + " AND timestamp < addMonths(" + month + ", 1))"
        + " FORMAT JSONEachRow").get(0).path("n").asLong();
  }

  private static String inPartition(Partition p) {
    if (!p.id().matches("\\d{6}")) {
      throw new IllegalStateException("not a monthly partition of the old layout: " + p.id());
    }
    return "toYYYYMM(timestamp) = " + p.id();
  }

  private Set<String> copiedPartitions() {
    Set<String> out = new HashSet<>();
    for (JsonNode row : statements.query("SELECT partition FROM " + progressTable()
        + " FORMAT JSONEachRow")) {
      out.add(row.path("partition").asText());
    }
    return out;
  }

  private boolean progressTableExists() {
    return !statements.query("SELECT name FROM system.tables WHERE database = "
        + SqlLiterals.string(database) + " AND name = " + SqlLiterals.string(PROGRESS_TABLE)
        + " FORMAT JSONEachRow").isEmpty();
  }

  private String oldTable() {
    return database + "." + TimeLedLayout.OLD_TABLE;
  }

  private String progressTable() {
    return database + "." + PROGRESS_TABLE;
  }
}
