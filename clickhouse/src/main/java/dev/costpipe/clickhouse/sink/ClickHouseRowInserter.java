package dev.costpipe.clickhouse.sink;

import com.clickhouse.client.api.Client;
import com.clickhouse.client.api.insert.InsertResponse;
import com.clickhouse.client.api.insert.InsertSettings;
import com.clickhouse.data.ClickHouseFormat;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Inserts rows over ClickHouse's HTTP interface (client-v2; the sink owns and closes the client), telling
 * refusals from outages by {@link ClickHouseErrors}. Safe for several inserts at once.
 *
 * <p>The rows go as RowBinary the sink writes itself from their values ({@link RowBinaryRows}: client-v2's own
 * binary paths read wrong values on 18.16), typed by the table's columns as the server lists them
 * ({@link RowEncodings}, learnt once per table and shared with the conversion, which encodes each row as it is
 * read: such rows are sent as they are, one after the other, the others read again and encoded here). A table
 * with a column type RowBinary is not written for here, or a batch that does not encode, goes as JSONEachRow
 * lines of the same values ({@link RowJson}), the reference the RowBinary values equal. A refused insert drops
 * what was learnt of the table (its layout may have changed).
 * The batch's deduplication token is sent only to servers that know {@code insert_deduplication_token} (22.2
 * and later); 18.16 refuses unknown settings.
 */
final class ClickHouseRowInserter implements RowInserter {
  private static final Logger LOG = LoggerFactory.getLogger(ClickHouseRowInserter.class);
  /** The first release with {@code insert_deduplication_token}. */
  private static final int[] TOKENS_SINCE = {22, 2};

  private final Client client;
  private final ClickHouseSinkConfig config;
  private final RowEncodings encodings;
  private volatile Boolean sendsTokens;

  ClickHouseRowInserter(Client client, ClickHouseSinkConfig config, RowEncodings encodings) {
    this.client = client;
    this.config = config;
    this.encodings = encodings;
  }

  /**
   * Learns every table's layout now (after the migrations), so that the rows read from the start are encoded as
   * they are read; a table ClickHouse cannot describe now is learnt at its first insert.
   */
  void learnEncodings() {
    for (SinkTable table : SinkTable.values()) {
      try {
        encoding(table);
      } catch (RuntimeException e) {
        LOG.debug("the layout of {} is learnt at its first insert: {}", table.tableName(), e.toString());
      }
    }
  }

  @Override
  public void insert(SinkTable table, List<SinkRow> rows, String deduplicationToken)
      throws InsertFailure, InterruptedException {
    Throwable failure;
    try {
      Optional<RowBinaryRows> encoding = encoding(table);
      InsertSettings settings = new InsertSettings();
      if (deduplicationToken != null && sendsTokens()) {
        settings.setDeduplicationToken(deduplicationToken);
      }
      InputStream body = encoding.isPresent() ? rowBinary(table, encoding.get(), rows) : null;
      CompletableFuture<InsertResponse> sent = body != null
          ? client.insert(config.table(table.tableName()), quoted(encoding.get().columns()), body,
              ClickHouseFormat.RowBinary, settings)
          : client.insert(config.table(table.tableName()),
              new RowsInputStream(rows.stream().map(r -> table.json(r.values(table))).toList()),
              ClickHouseFormat.JSONEachRow, settings);
      try (InsertResponse ignored = sent.get()) {
        return;
      }
    } catch (ExecutionException e) {
      failure = e.getCause() == null ? e : e.getCause();
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception e) {
      failure = e;
    }
    String message = ClickHouseErrors.describe(failure);
    if (ClickHouseErrors.classify(failure) == ClickHouseErrors.Kind.OUTAGE) {
      throw InsertFailure.outage(message);
    }
    encodings.forget(table);
    throw InsertFailure.refused(message);
  }

  /**
   * The rows as a RowBinary body, or null (JSONEachRow then) when they do not fit the encoding learnt. Rows encoded
   * as they were read with this very encoding are sent as they are, without a copy; the others are read again.
   */
  private static InputStream rowBinary(SinkTable table, RowBinaryRows encoding, List<SinkRow> rows) {
    if (rows.stream().allMatch(r -> r.encodedWith(encoding))) {
      return new RowsInputStream(rows.stream().map(SinkRow::rowBinary).toList());
    }
    RowBinaryOutput body = new RowBinaryOutput(rows.size() * 384);
    try {
      for (SinkRow row : rows) {
        if (row.encodedWith(encoding)) {
          body.writeBytes(row.rowBinary());
        } else {
          encoding.encode(row.values(table), body);
        }
      }
      return body.stream();
    } catch (IOException | RuntimeException e) {
      LOG.warn("{} rows for {} do not encode as RowBinary ({}); sent as JSONEachRow", rows.size(), table.tableName(),
          e.getMessage());
      return null;
    }
  }

  /** The table's columns and their types: rows of {@code name, type}. */
  static String columnTypesSql(String database, SinkTable table) {
    return "SELECT name, type FROM system.columns WHERE database = '" + database + "' AND table = '"
        + table.tableName() + "' FORMAT JSONEachRow";
  }

  /** How the table's rows are written: learnt from the server's column types once per table. */
  private Optional<RowBinaryRows> encoding(SinkTable table) {
    Optional<RowBinaryRows> known = encodings.learnt(table);
    if (known != null) {
      return known;
    }
    Map<String, String> types = new HashMap<>();
    for (JsonNode c : ClickHouseStatements.query(client, columnTypesSql(config.database(), table))) {
      types.put(c.get("name").asText(), c.get("type").asText());
    }
    Optional<RowBinaryRows> encoding = RowBinaryRows.of(types, table.columns());
    if (encoding.isEmpty()) {
      LOG.info("{} has a column type the sink does not write as RowBinary: its rows go as JSONEachRow",
          config.table(table.tableName()));
    }
    encodings.learn(table, encoding);
    return encoding;
  }

  private boolean sendsTokens() {
    Boolean known = sendsTokens;
    if (known == null) {
      String version = ClickHouseStatements.query(client, "SELECT version() AS v FORMAT JSONEachRow").get(0)
          .get("v").asText();
      known = atLeast(version, TOKENS_SINCE);
      sendsTokens = known;
    }
    return known;
  }

  /** Whether a version such as "18.16.1" or "24.8.4.13" is at least {@code since} (major, minor). */
  static boolean atLeast(String version, int[] since) {
    String[] parts = version.split("\\.");
    for (int i = 0; i < since.length; i++) {
      int v = i < parts.length ? Integer.parseInt(parts[i].replaceAll("\\D.*", "")) : 0;
      if (v != since[i]) {
        return v > since[i];
      }
    }
    return true;
  }

  private static List<String> quoted(List<String> columns) {
    return columns.stream().map(c -> "`" + c + "`").toList();
  }
}
