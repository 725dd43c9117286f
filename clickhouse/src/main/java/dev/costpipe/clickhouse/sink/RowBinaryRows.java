package dev.costpipe.clickhouse.sink;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.costpipe.engine.json.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A table's JSONEachRow rows (as {@link SinkRows} writes them: every row the same fields in the same order) as one
 * RowBinary body for {@code INSERT INTO table (columns) FORMAT RowBinary}: the server no longer parses JSON, and
 * the values are exactly those ClickHouse reads from the JSON. The columns are the rows' fields, typed as the
 * server's table declares them, so a table whose layout changed (columns added, reordered) is written the same
 * way; columns the rows do not hold get their defaults.
 */
final class RowBinaryRows {
  private static final JsonFactory FACTORY = Json.MAPPER.getFactory();

  private final List<String> columns;
  private final RowBinaryColumn[] encodings;

  private RowBinaryRows(List<String> columns, RowBinaryColumn[] encodings) {
    this.columns = columns;
    this.encodings = encodings;
  }

  /**
   * The encoding of rows shaped like {@code sampleRow} into a table with these column types (name → type as
   * {@code system.columns} spells it); empty when a field is not a column of the table or a column's type has no
   * RowBinary encoding here.
   */
  static Optional<RowBinaryRows> of(Map<String, String> columnTypes, byte[] sampleRow) throws IOException {
    List<String> fields = new ArrayList<>();
    try (JsonParser p = FACTORY.createParser(sampleRow)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("a row must be a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        fields.add(p.currentName());
        p.nextToken();
        p.skipChildren();
      }
    }
    RowBinaryColumn[] encodings = new RowBinaryColumn[fields.size()];
    for (int i = 0; i < encodings.length; i++) {
      String type = columnTypes.get(fields.get(i));
      Optional<RowBinaryColumn> encoding = type == null ? Optional.empty() : RowBinaryColumn.of(type);
      if (encoding.isEmpty()) {
        return Optional.empty();
      }
      encodings[i] = encoding.get();
    }
    return Optional.of(new RowBinaryRows(List.copyOf(fields), encodings));
  }

  /** The columns of the insert, in the order their values are written. */
  List<String> columns() {
    return columns;
  }

  /** Appends the rows to {@code out}; throws when a row's fields are not this encoding's (in name or order). */
  void encode(List<byte[]> rows, RowBinaryOutput out) throws IOException {
    // one parser over the rows one after the other (root-level values): no parser per row
    try (JsonParser p = FACTORY.createParser(new RowsInputStream(rows))) {
      for (int row = 0; row < rows.size(); row++) {
        if (p.nextToken() != JsonToken.START_OBJECT) {
          throw new IOException("a row must be a JSON object");
        }
        for (int i = 0; i < encodings.length; i++) {
          if (p.nextToken() != JsonToken.FIELD_NAME || !columns.get(i).equals(p.currentName())) {
            throw new IOException("row field " + i + " is " + p.currentName() + ", expected " + columns.get(i));
          }
          p.nextToken();
          encodings[i].write(p, out);
        }
        if (p.nextToken() != JsonToken.END_OBJECT) {
          throw new IOException("the row has more fields than " + columns);
        }
      }
      if (p.nextToken() != null) {
        throw new IOException("more JSON than " + rows.size() + " rows");
      }
    }
  }
}
