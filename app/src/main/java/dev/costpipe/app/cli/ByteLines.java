package dev.costpipe.app.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Splits a stream into lines of raw bytes (without the newline). Bytes, not chars: decoding is the
 * JSON parser's job, so a line that is not UTF-8 is reported as a bad line instead of being mangled.
 */
final class ByteLines {
  private final InputStream in;
  private final byte[] buf = new byte[1 << 16];
  private int pos;
  private int end;
  private byte[] line = new byte[1024];
  private int length;

  ByteLines(InputStream in) {
    this.in = in;
  }

  /** The next line, or null at end of input; valid until the next call. */
  byte[] next() throws IOException {
    length = 0;
    boolean any = false;
    while (true) {
      if (pos == end) {
        end = in.read(buf, 0, buf.length);
        pos = 0;
        if (end <= 0) {
          end = 0;
          return any ? Arrays.copyOf(line, length) : null;
        }
      }
      any = true;
      int start = pos;
      while (pos < end && buf[pos] != '\n') {
        pos++;
      }
      append(start, pos);
      if (pos < end) {
        pos++;
        return Arrays.copyOf(line, length);
      }
    }
  }

  private void append(int from, int to) {
    int n = to - from;
    if (length + n > line.length) {
      line = Arrays.copyOf(line, Math.max(line.length * 2, length + n));
    }
    System.arraycopy(buf, from, line, length, n);
    length += n;
  }
}
