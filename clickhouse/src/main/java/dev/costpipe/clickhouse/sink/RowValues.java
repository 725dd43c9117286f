package dev.costpipe.clickhouse.sink;

import static dev.costpipe.clickhouse.sink.InvalidRecordException.INVALID_RECORD;

import java.util.List;

/**
 * A row's values, filled column by column in the order of its table's columns (each named, so that a value cannot
 * land in the wrong column). The values are what both ways of writing the row read: {@link RowJson} and
 * {@link RowBinaryRows}. Types: {@code String}, {@code Long}, {@code BigDecimal}, a {@code List} of strings or of
 * longs, or null. A string with an unpaired surrogate (it has no UTF-8 form) makes the record invalid here, as the
 * JSON writer refused it before.
 */
final class RowValues {
  private final List<String> columns;
  private final Object[] values;
  private int next;

  RowValues(List<String> columns) {
    this.columns = columns;
    this.values = new Object[columns.size()];
  }

  RowValues put(String column, Object value) throws InvalidRecordException {
    checkNext(column);
    if (value instanceof String s) {
      checkUtf8(column, s);
    } else if (value instanceof List<?> list) {
      for (Object element : list) {
        if (element instanceof String s) {
          checkUtf8(column, s);
        }
      }
    }
    values[next++] = value;
    return this;
  }

  /** A number: no text to check (most of a cost record's columns). */
  RowValues put(String column, long value) {
    checkNext(column);
    values[next++] = value;
    return this;
  }

  private void checkNext(String column) {
    String expected = columns.get(next);
    if (expected != column && !expected.equals(column)) {
      throw new IllegalStateException("column " + next + " is " + expected + ", not " + column);
    }
  }

  Object[] values() {
    if (next != values.length) {
      throw new IllegalStateException("only " + next + " of the columns " + columns + " were given");
    }
    return values;
  }

  private static void checkUtf8(String column, String s) throws InvalidRecordException {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
        } else {
          throw new InvalidRecordException(INVALID_RECORD, column + " holds an unpaired surrogate (no UTF-8 form)");
        }
      }
    }
  }
}
