package dev.costpipe.clickhouse.sink;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.math.BigInteger;
import java.util.Arrays;

/**
 * A growing byte buffer with the primitives of ClickHouse's RowBinary format: little-endian fixed-width
 * integers, LEB128 lengths, length-prefixed UTF-8 strings. Not thread-safe: one per insert being encoded.
 */
final class RowBinaryOutput {
  private byte[] buf;
  private int size;

  RowBinaryOutput(int capacity) {
    buf = new byte[Math.max(16, capacity)];
  }

  /** The bytes written so far, as a stream over this buffer (no copy). */
  InputStream stream() {
    return new ByteArrayInputStream(buf, 0, size);
  }

  void writeByte(int b) {
    ensure(1);
    buf[size++] = (byte) b;
  }

  /** The low {@code bytes} bytes of {@code v}, least significant first. */
  void writeLittleEndian(long v, int bytes) {
    ensure(bytes);
    for (int i = 0; i < bytes; i++) {
      buf[size++] = (byte) (v >>> (8 * i));
    }
  }

  /** A two's-complement integer as {@code bytes} bytes, least significant first; it must fit. */
  void writeLittleEndian(BigInteger v, int bytes) {
    byte[] big = v.toByteArray(); // big-endian, minimal
    if (big.length > bytes) {
      throw new IllegalArgumentException(v + " does not fit " + bytes + " bytes");
    }
    ensure(bytes);
    byte sign = (byte) (v.signum() < 0 ? 0xFF : 0);
    for (int i = 0; i < bytes; i++) {
      buf[size++] = i < big.length ? big[big.length - 1 - i] : sign;
    }
  }

  /** An unsigned LEB128 number: RowBinary's string and array lengths. */
  void writeVarUInt(long v) {
    ensure(10);
    while ((v & ~0x7FL) != 0) {
      buf[size++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    buf[size++] = (byte) v;
  }

  /** Keeps one byte for a LEB128 length not known yet: {@link #fillVarUInt} writes it where it belongs. */
  int reserveVarUInt() {
    writeByte(0);
    return size - 1;
  }

  /** Writes {@code v} at a position {@link #reserveVarUInt} kept, moving what follows when it needs more than a byte. */
  void fillVarUInt(int at, long v) {
    int extra = 0;
    for (long rest = v >>> 7; rest != 0; rest >>>= 7) {
      extra++;
    }
    if (extra > 0) {
      ensure(extra);
      System.arraycopy(buf, at + 1, buf, at + 1 + extra, size - at - 1);
      size += extra;
    }
    int i = at;
    while ((v & ~0x7FL) != 0) {
      buf[i++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    buf[i] = (byte) v;
  }

  /** A String column's value: its UTF-8 length, then its UTF-8 bytes, encoded straight from the characters. */
  void writeString(char[] chars, int off, int len) {
    int utf8 = 0;
    for (int i = off; i < off + len; i++) {
      char c = chars[i];
      utf8 += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isSurrogate(c) ? 2 : 3; // a surrogate pair: 4
    }
    writeVarUInt(utf8);
    ensure(utf8);
    for (int i = off; i < off + len; i++) {
      char c = chars[i];
      if (c < 0x80) {
        buf[size++] = (byte) c;
      } else if (c < 0x800) {
        buf[size++] = (byte) (0xC0 | (c >> 6));
        buf[size++] = (byte) (0x80 | (c & 0x3F));
      } else if (Character.isHighSurrogate(c) && i + 1 < off + len && Character.isLowSurrogate(chars[i + 1])) {
        int cp = Character.toCodePoint(c, chars[++i]);
        buf[size++] = (byte) (0xF0 | (cp >> 18));
        buf[size++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
        buf[size++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
        buf[size++] = (byte) (0x80 | (cp & 0x3F));
      } else if (Character.isSurrogate(c)) {
        // the rows were written as UTF-8 JSON before, so an unpaired surrogate cannot get here
        throw new IllegalArgumentException("unpaired surrogate in a string");
      } else {
        buf[size++] = (byte) (0xE0 | (c >> 12));
        buf[size++] = (byte) (0x80 | ((c >> 6) & 0x3F));
        buf[size++] = (byte) (0x80 | (c & 0x3F));
      }
    }
  }

  private void ensure(int more) {
    if (size + more > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
    }
  }
}
