package dev.costpipe.clickhouse.sink;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A table's rows (their values, {@link RowValues}) as one RowBinary body for {@code INSERT INTO table (columns)
 * FORMAT RowBinary}, written straight from the values: the server parses no JSON and the sink writes none, and
 * the values are exactly those ClickHouse reads from the rows' JSONEachRow lines. The columns are typed as the
 * server's table declares them, so a table whose layout changed (columns added, reordered, retyped) is written
 * the same way; columns the rows do not hold get their defaults.
 */
final class RowBinaryRows {
  private final List<String> columns;
  private final RowBinaryColumn[] encodings;

  private RowBinaryRows(List<String> columns, RowBinaryColumn[] encodings) {
    this.columns = columns;
    this.encodings = encodings;
  }

  /**
   * The encoding of rows with these columns into a table with these column types (name → type as
   * {@code system.columns} spells it); empty when a column is not in the table or its type has no RowBinary
   * encoding here.
   */
  static Optional<RowBinaryRows> of(Map<String, String> columnTypes, List<String> columns) {
    RowBinaryColumn[] encodings = new RowBinaryColumn[columns.size()];
    for (int i = 0; i < encodings.length; i++) {
      String type = columnTypes.get(columns.get(i));
      Optional<RowBinaryColumn> encoding = type == null ? Optional.empty() : RowBinaryColumn.of(type);
      if (encoding.isEmpty()) {
        return Optional.empty();
      }
      encodings[i] = encoding.get();
    }
    return Optional.of(new RowBinaryRows(List.copyOf(columns), encodings));
  }

  /** The columns of the insert, in the order their values are written. */
  List<String> columns() {
    return columns;
  }

  /** Appends one row to {@code out}; throws when a value does not fit its column's type. */
  void encode(Object[] row, RowBinaryOutput out) throws IOException {
    if (row.length != encodings.length) {
      throw new IOException("a row of " + row.length + " values for the " + encodings.length + " columns "
          + columns);
    }
    for (int i = 0; i < encodings.length; i++) {
      try {
        encodings[i].write(row[i], out);
      } catch (IOException e) {
        throw new IOException(columns.get(i) + ": " + e.getMessage(), e);
      }
    }
  }

  /** One row's bytes, encoded in {@code scratch} (reset first; one per thread); throws as {@link #encode}. */
  byte[] encodeRow(Object[] row, RowBinaryOutput scratch) throws IOException {
    scratch.reset();
    encode(row, scratch);
    return scratch.toByteArray();
  }
}
