package dev.costpipe.clickhouse.sink;

import com.clickhouse.client.api.Client;
import com.fasterxml.jackson.databind.JsonNode;
import dev.costpipe.clickhouse.costsql.SqlLiterals;
import dev.costpipe.clickhouse.layout.TimeLedLayout;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the sink's database, tables and views: SQL files under {@code clickhouse/} on the classpath, each
 * statement sent alone (18.16 refuses multi-statement requests), {@code {db}} standing for the database.
 *
 * <ul>
 *   <li>{@code migrations/V<nnn>__<name>.sql} run once each, in order (a file with several statements ends each
 *       but the last with {@code ;} at the end of a line), and are recorded in
 *       {@code schema_migrations} (version, name, SHA-256 of the file, time). They are written to be
 *       idempotent anyway ({@code CREATE TABLE IF NOT EXISTS}; V008's RENAME is skipped once done), so a run
 *       interrupted between a statement and its record is harmless. A recorded migration whose file has changed is reported, not re-run:
 *       schema changes are new files.</li>
 *   <li>{@code views/<name>.sql} ({@code CREATE VIEW IF NOT EXISTS}) run on every start (so a dropped view
 *       comes back); a view whose SQL changed since it was recorded is dropped and created again (a view
 *       holds no data). 18.16 has no {@code CREATE OR REPLACE}.</li>
 * </ul>
 *
 * Several sinks starting at once are fine: every statement is idempotent.
 */
public final class ClickHouseMigrations {
  private static final Logger LOG = LoggerFactory.getLogger(ClickHouseMigrations.class);

  /** The versioned migrations, in order. Adding one: a new file here and in this list. */
  public static final List<String> MIGRATIONS = List.of(
      "V001__request_costs.sql",
      "V002__cost_aggregates.sql",
      "V003__cost_alerts.sql",
      "V004__request_costs_usage_fields.sql",
      "V005__request_costs_revision.sql",
      "V006__request_costs_reported_cost.sql",
      "V007__cost_alerts_partial_since_and_per.sql",
      "V008__request_costs_time_led.sql",
      "V009__request_costs_prompt_modalities.sql",
      "V010__report_day_sums.sql",
      "V011__report_day_property_sums.sql",
      "V012__report_day_session_sums.sql",
      "V013__report_day_property_totals.sql");

  /** The views, in creation order (v_cost_per_session_name reads v_session_costs). */
  public static final List<String> VIEWS = List.of(
      "v_cost_per_day.sql",
      "v_cost_per_user.sql",
      "v_session_costs.sql",
      "v_cost_per_session_name.sql",
      "v_cost_per_property.sql",
      "v_cost_per_model.sql",
      "v_top_requests.sql",
      "v_cache_per_day.sql",
      "v_unknown_model_requests.sql");

  private static final String RESOURCES = "/clickhouse/";
  private static final String TIME_LED_MIGRATION = "V008__request_costs_time_led.sql";
  private static final Pattern MIGRATION_NAME = Pattern.compile("V(\\d{3,})__([A-Za-z0-9_]+)\\.sql");
  private static final Pattern ALTER_TABLE = Pattern.compile("^ALTER TABLE \\w+\\.(\\w+)\\s", Pattern.MULTILINE);
  private static final Pattern ADD_COLUMN = Pattern.compile("ADD COLUMN (\\w+) ");

  private final Client client;
  private final String database;

  /** What a run did: versioned migrations run now, and views created or re-created now. */
  public record Result(List<String> appliedMigrations, List<String> createdViews) {}

  public ClickHouseMigrations(Client client, String database) {
    this.client = client;
    this.database = database;
  }

  /**
   * Brings the database up to date. Throws {@link IllegalStateException} (cause: the client's exception)
   * if ClickHouse refuses or cannot be reached; running it again is always safe.
   */
  public Result migrate() {
    for (String statement : databaseStatements(database)) {
      ClickHouseStatements.execute(client, statement);
    }
    Map<String, String> recorded = recorded();
    List<String> applied = new ArrayList<>();
    for (String file : MIGRATIONS) {
      Matcher m = MIGRATION_NAME.matcher(file);
      if (!m.matches()) {
        throw new IllegalStateException("migration file name must look like V001__name.sql: " + file);
      }
      String version = m.group(1);
      String text = resource("migrations/" + file);
      String checksum = sha256(text);
      String before = recorded.get(version);
      if (before != null) {
        if (!before.equals(checksum)) {
          LOG.warn("migration {} was applied with a different checksum ({} now {}): not re-run; schema changes"
              + " belong in a new migration file", file, before, checksum);
        }
        continue;
      }
      List<String> statements = statements(text, database);
      if (columnsAlreadyAdded(statements.get(0))) {
        // e.g. the replicated layout's DDL added them on the cluster: 18.16 has no ADD COLUMN IF NOT EXISTS
        LOG.info("ClickHouse migration {}: its columns exist already, recorded as applied", file);
      } else if (file.equals(TIME_LED_MIGRATION) && TimeLedLayout.isInPlace(client, database)) {
        // a RENAME cannot say IF NOT EXISTS: a start that renamed before recording it, or the replicated DDL
        LOG.info("ClickHouse migration {}: request_costs is time-led already, recorded as applied", file);
        TimeLedLayout.dropOldTableIfEmpty(client, database);
      } else {
        LOG.info("applying ClickHouse migration {} to database {}", file, database);
        for (String statement : statements) {
          ClickHouseStatements.execute(client, statement);
        }
        if (file.equals(TIME_LED_MIGRATION)) {
          TimeLedLayout.dropOldTableIfEmpty(client, database);
        }
      }
      record(version, m.group(2), checksum);
      applied.add(file);
    }
    List<String> created = new ArrayList<>();
    for (String file : VIEWS) {
      String name = file.substring(0, file.length() - ".sql".length());
      String version = "view:" + name;
      String text = resource("views/" + file);
      String checksum = sha256(text);
      String before = recorded.get(version);
      if (before != null && !before.equals(checksum)) {
        LOG.info("view {}.{} changed: re-creating it", database, name);
        ClickHouseStatements.execute(client, "DROP TABLE IF EXISTS " + database + "." + name);
      }
      ClickHouseStatements.execute(client, statement(text, database)); // IF NOT EXISTS: brings back a dropped view
      if (!checksum.equals(before)) {
        record(version, name, checksum);
        created.add(name);
      }
    }
    return new Result(applied, created);
  }

  /** The SQL text of a resource under {@code clickhouse/} with {@code {db}} replaced, e.g. {@code views/x.sql}. */
  public String sql(String resource) {
    return statement(resource(resource), database);
  }

  /**
   * What {@link #migrate} sends to a new database, in order, apart from its bookkeeping ({@link #recordSql}, and
   * dropping the table V008 emptied): the database, {@code schema_migrations}, each migration's statements, each
   * view. For running the same SQL on another engine (ClickHouse 26 through chDB in the tests).
   */
  public static List<String> newDatabaseStatements(String database) {
    List<String> out = new ArrayList<>(databaseStatements(database));
    for (String file : MIGRATIONS) {
      out.addAll(statements(resource("migrations/" + file), database));
    }
    for (String file : VIEWS) {
      out.add(statement(resource("views/" + file), database));
    }
    return out;
  }

  /** The database and its {@code schema_migrations} table, both if missing: what every run sends first. */
  private static List<String> databaseStatements(String database) {
    return List.of("CREATE DATABASE IF NOT EXISTS " + database,
        statement(resource("schema_migrations.sql"), database));
  }

  /** The statements of a file: split where a line ends in {@code ;}, {@code {db}} replaced. */
  private static List<String> statements(String text, String database) {
    List<String> out = new ArrayList<>();
    for (String part : text.split(";[ \\t]*\\R")) {
      String s = statement(part, database);
      if (!s.lines().allMatch(l -> l.isBlank() || l.strip().startsWith("--"))) {
        out.add(s);
      }
    }
    return out;
  }

  private static String statement(String text, String database) {
    String s = text.replace("{db}", database).strip();
    while (s.endsWith(";")) {
      s = s.substring(0, s.length() - 1).strip();
    }
    return s;
  }

  /** Whether {@code statement} is an {@code ALTER TABLE … ADD COLUMN …} whose columns all exist. */
  private boolean columnsAlreadyAdded(String statement) {
    Matcher alter = ALTER_TABLE.matcher(statement);
    if (!alter.find()) {
      return false;
    }
    List<String> added = new ArrayList<>();
    for (Matcher column = ADD_COLUMN.matcher(statement); column.find(); ) {
      added.add(column.group(1));
    }
    if (added.isEmpty()) {
      return false;
    }
    List<String> existing = new ArrayList<>();
    for (JsonNode row : ClickHouseStatements.query(client, "SELECT name FROM system.columns WHERE database = "
        + SqlLiterals.string(database) + " AND table = " + SqlLiterals.string(alter.group(1))
        + " FORMAT JSONEachRow")) {
      existing.add(row.path("name").asText());
    }
    return existing.containsAll(added);
  }

  private Map<String, String> recorded() {
    Map<String, String> out = new TreeMap<>();
    for (JsonNode row : ClickHouseStatements.query(client, recordedSql(database))) {
      out.put(row.path("version").asText(), row.path("latest").asText());
    }
    return out;
  }

  /** The latest checksum recorded for each version: rows of {@code version, latest}. */
  static String recordedSql(String database) {
    return "SELECT version, argMax(checksum, applied_at) AS latest FROM " + database + ".schema_migrations"
        + " GROUP BY version FORMAT JSONEachRow";
  }

  private void record(String version, String name, String checksum) {
    ClickHouseStatements.execute(client, recordSql(database, version, name, checksum));
  }

  /** Records that a migration or view ran now. */
  static String recordSql(String database, String version, String name, String checksum) {
    return "INSERT INTO " + database + ".schema_migrations (version, name, checksum, applied_at) VALUES ("
        + SqlLiterals.string(version) + ", " + SqlLiterals.string(name) + ", " + SqlLiterals.string(checksum)
        + ", now())";
  }

  /** The text of a resource under {@code clickhouse/} as written ({@code {db}} kept), e.g. {@code migrations/V001__x.sql}. */
  public static String resource(String path) {
    try (InputStream in = ClickHouseMigrations.class.getResourceAsStream(RESOURCES + path)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + RESOURCES + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
