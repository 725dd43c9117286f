package dev.costpipe.clickhouse.sink;

import java.io.InputStream;
import java.util.List;

/** The JSONEachRow body of one insert: the rows' bytes one after the other, without copying them. */
final class RowsInputStream extends InputStream {
  private final List<byte[]> rows;
  private int row;
  private int pos;

  RowsInputStream(List<byte[]> rows) {
    this.rows = rows;
  }

  @Override
  public int read() {
    while (row < rows.size()) {
      byte[] current = rows.get(row);
      if (pos < current.length) {
        return current[pos++] & 0xFF;
      }
      row++;
      pos = 0;
    }
    return -1;
  }

  @Override
  public int read(byte[] b, int off, int len) {
    if (len == 0) {
      return 0;
    }
    int n = 0;
    while (n < len && row < rows.size()) {
      byte[] current = rows.get(row);
      int take = Math.min(len - n, current.length - pos);
      System.arraycopy(current, pos, b, off + n, take);
      n += take;
      pos += take;
      if (pos == current.length) {
        row++;
        pos = 0;
      }
    }
    return n == 0 ? -1 : n;
  }

  @Override
  public int available() {
    return row < rows.size() ? rows.get(row).length - pos : 0;
  }
}
