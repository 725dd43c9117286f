package dev.costpipe.clickhouse.schema;

import dev.costpipe.clickhouse.sink.ClickHouseMigrations;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The replicated-cluster DDL, generated from the sink's single-node migrations so that a table's columns,
 * partitioning, sort key and version column are written once (in {@code clickhouse/migrations/}).
 *
 * <p>Each migration {@code CREATE TABLE IF NOT EXISTS {db}.t (…) ENGINE = XMergeTree(args) …} becomes
 * {@code t_local ON CLUSTER '{cluster}'} with {@code ReplicatedXMergeTree('/clickhouse/tables/{shard}/db/t',
 * '{replica}', args)} and otherwise the migration's text, plus a Distributed table {@code t} sharded by
 * {@code cityHash64(sort key)}. The parts that exist only on a cluster are templates under
 * {@code clickhouse/replicated/}: {@code V000__database.sql} and {@code table.sql}. Their placeholders are
 * {@code {db}}, {@code {table}}, {@code {migration}}, {@code {sharding_key}}, {@code {comment}} and
 * {@code {local_table}}; {@code {cluster}}, {@code {shard}} and {@code {replica}} are ClickHouse macros,
 * left for each node's configuration to fill.
 *
 * <p>A migration {@code ALTER TABLE {db}.t <actions>} becomes the same actions {@code ON CLUSTER '{cluster}'}
 * on {@code t_local}, then the Distributed {@code t} dropped and created again over it (template
 * {@code alter.sql}, placeholder {@code {actions}}): its columns must follow the local table's, and 18.16
 * refuses {@code ALTER … ON CLUSTER} on a table that is not replicated when the shards are.
 *
 * <p>A migration of another shape has its replicated form written by hand as a template of the same name under
 * {@code clickhouse/replicated/} (placeholders {@code {db}}, {@code {migration}}, {@code {comment}}): V008, which
 * swaps {@code request_costs} for a table in a new layout. The sharding keys of the Distributed tables it creates
 * are read from it, for later ALTERs.
 *
 * <p>The sink itself still runs its migrations against the cluster: they find these tables and change nothing.
 * A migration of another shape (a non-MergeTree engine, other statements) is refused until this class learns it.
 */
public final class ReplicatedDdl {
  /** The database of the replicated layout: the sink's default. */
  private static final String DATABASE = "costpipe";

  private static final String DATABASE_FILE = "V000__database.sql";
  private static final Pattern PLACEHOLDER =
      Pattern.compile("\\{(db|table|migration|sharding_key|comment|local_table|actions)}");
  private static final Pattern ALTER_TABLE = Pattern.compile("\\AALTER TABLE \\{db}\\.(\\w+)\\n");
  private static final Pattern CREATE_TABLE =
      Pattern.compile("\\ACREATE TABLE IF NOT EXISTS \\{db}\\.(\\w+)\\n");
  private static final Pattern ENGINE = Pattern.compile("^ENGINE = (\\w*)MergeTree\\((.*)\\)$", Pattern.MULTILINE);
  private static final Pattern ORDER_BY = Pattern.compile("^ORDER BY (.+)$", Pattern.MULTILINE);
  private static final Pattern DISTRIBUTED =
      Pattern.compile("ENGINE = Distributed\\('\\{cluster}', \\{db}, (\\w+)_local, cityHash64\\((.+)\\)\\);");

  private ReplicatedDdl() {}

  /** The replicated layout's files, name → text, in the order they are applied: the database, then each migration. */
  public static Map<String, String> files() {
    Map<String, String> files = new LinkedHashMap<>();
    files.put(DATABASE_FILE, fill(template(DATABASE_FILE), Map.of("db", DATABASE)));
    Map<String, String> shardingKeys = new LinkedHashMap<>();
    for (String migration : ClickHouseMigrations.MIGRATIONS) {
      String text = ClickHouseMigrations.resource("migrations/" + migration);
      String byHand = handWritten(migration);
      files.put(migration, byHand == null ? table(migration, text, shardingKeys)
          : fromTemplate(migration, text, byHand, shardingKeys));
    }
    return files;
  }

  /**
   * One migration's replicated form: its replicated local table and the Distributed table over it, or an
   * ALTER of both. {@code shardingKeys} (table → sharding key) learns each created table's, which an ALTER
   * of it needs to create its Distributed table again.
   */
  static String table(String migration, String text, Map<String, String> shardingKeys) {
    List<String> lines = text.strip().lines().toList();
    int first = 0;
    while (first < lines.size() && lines.get(first).startsWith("--")) {
      first++;
    }
    String comment = String.join("\n", lines.subList(0, first));
    String statement = String.join("\n", lines.subList(first, lines.size())).replaceAll(";$", "");

    Matcher alter = ALTER_TABLE.matcher(statement);
    if (alter.find()) {
      String shardingKey = shardingKeys.get(alter.group(1));
      if (shardingKey == null) {
        throw new IllegalStateException(migration + ": alters " + alter.group(1)
            + ", which no earlier migration creates");
      }
      return fill(template("alter.sql"), Map.of("db", DATABASE, "table", alter.group(1), "migration", migration,
          "comment", comment, "actions", statement.substring(alter.end()), "sharding_key", shardingKey));
    }
    Matcher create = CREATE_TABLE.matcher(statement);
    Matcher engine = ENGINE.matcher(statement);
    Matcher orderBy = ORDER_BY.matcher(statement);
    if (!create.find() || !engine.find() || !orderBy.find()) {
      throw new IllegalStateException(migration + ": not a CREATE TABLE IF NOT EXISTS {db}.<table> with a *MergeTree"
          + " engine and an ORDER BY, nor an ALTER TABLE {db}.<table>, the only migrations the replicated layout"
          + " knows how to derive");
    }
    String table = create.group(1);
    shardingKeys.put(table, unwrapped(orderBy.group(1).strip()));
    String localHeader = "CREATE TABLE IF NOT EXISTS {db}." + table + "_local ON CLUSTER '{cluster}'\n";
    String replicatedEngine = "ENGINE = Replicated" + engine.group(1) + "MergeTree('/clickhouse/tables/{shard}/{db}/"
        + table + "', '{replica}'" + (engine.group(2).isBlank() ? "" : ", " + engine.group(2)) + ")";
    String local = localHeader + statement.substring(create.end(), engine.start()) + replicatedEngine
        + statement.substring(engine.end());
    return fill(template("table.sql"), Map.of("db", DATABASE, "table", table, "migration", migration,
        "sharding_key", unwrapped(orderBy.group(1).strip()), "comment", comment,
        "local_table", local.replace("{db}", DATABASE)));
  }

  /** A hand-written replicated form filled with the migration's comment; learns its Distributed tables' keys. */
  static String fromTemplate(String migration, String text, String template, Map<String, String> shardingKeys) {
    for (Matcher distributed = DISTRIBUTED.matcher(template); distributed.find(); ) {
      shardingKeys.put(distributed.group(1), distributed.group(2));
    }
    String comment = text.strip().lines().takeWhile(l -> l.startsWith("--")).collect(Collectors.joining("\n"));
    return fill(template, Map.of("db", DATABASE, "migration", migration, "comment", comment));
  }

  private static String handWritten(String migration) {
    return ReplicatedDdl.class.getResource("/clickhouse/replicated/" + migration) == null ? null
        : template(migration);
  }

  /** The sort key's columns without the tuple's parentheses: {@code (a, b)} → {@code a, b}. */
  private static String unwrapped(String key) {
    return key.startsWith("(") && key.endsWith(")") ? key.substring(1, key.length() - 1) : key;
  }

  /** The template with its placeholders replaced in one pass, so a value is never read as a placeholder. */
  private static String fill(String template, Map<String, String> values) {
    return PLACEHOLDER.matcher(template).replaceAll(m -> Matcher.quoteReplacement(values.get(m.group(1))));
  }

  private static String template(String name) {
    return ClickHouseMigrations.resource("replicated/" + name);
  }
}
