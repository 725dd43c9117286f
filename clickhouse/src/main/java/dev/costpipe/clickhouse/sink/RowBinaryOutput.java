package dev.costpipe.clickhouse.sink;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.math.BigInteger;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A growing byte buffer with the primitives of ClickHouse's RowBinary format: little-endian fixed-width
 * integers, LEB128 lengths, length-prefixed UTF-8 strings. Kept in chunks of {@value #CHUNK} bytes, never copied
 * to grow: one array for a 10,000-row insert (~4 MB) was a humongous allocation for G1 with every insert. Not
 * thread-safe: one per insert being encoded.
 */
final class RowBinaryOutput {
  /** Under half of G1's smallest region (1 MB): an ordinary allocation. */
  static final int CHUNK = 256 * 1024;
  /** 8 and 4 bytes little-endian in one store: most of a row's columns are UInt64/Int64 or UInt32/DateTime. */
  private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

  /** Chunks filled before the current one, each with the length written. */
  private final List<Chunk> filled = new ArrayList<>();
  private byte[] buf;
  private int size;

  RowBinaryOutput(int capacity) {
    buf = new byte[Math.max(16, Math.min(capacity, CHUNK))];
  }

  private record Chunk(byte[] bytes, int length) {}

  /** The bytes written so far, as a stream over the chunks (no copy). */
  InputStream stream() {
    List<InputStream> parts = new ArrayList<>();
    for (Chunk c : filled) {
      parts.add(new ByteArrayInputStream(c.bytes(), 0, c.length()));
    }
    parts.add(new ByteArrayInputStream(buf, 0, size));
    return new SequenceInputStream(Collections.enumeration(parts));
  }

  /** The bytes written so far, in one array (a row encoded ahead of its insert). */
  byte[] toByteArray() {
    int length = size;
    for (Chunk c : filled) {
      length += c.length();
    }
    byte[] all = new byte[length];
    int at = 0;
    for (Chunk c : filled) {
      System.arraycopy(c.bytes(), 0, all, at, c.length());
      at += c.length();
    }
    System.arraycopy(buf, 0, all, at, size);
    return all;
  }

  /** Empties the buffer to be written again (its current chunk is kept). */
  void reset() {
    filled.clear();
    size = 0;
  }

  /** Bytes as they are: a row encoded before. */
  void writeBytes(byte[] bytes) {
    ensure(bytes.length);
    System.arraycopy(bytes, 0, buf, size, bytes.length);
    size += bytes.length;
  }

  void writeByte(int b) {
    ensure(1);
    buf[size++] = (byte) b;
  }

  /** The low {@code bytes} bytes of {@code v}, least significant first. */
  void writeLittleEndian(long v, int bytes) {
    ensure(bytes);
    if (bytes == 8) {
      LONG_LE.set(buf, size, v);
    } else if (bytes == 4) {
      INT_LE.set(buf, size, (int) v);
    } else {
      for (int i = 0; i < bytes; i++) {
        buf[size + i] = (byte) (v >>> (8 * i));
      }
    }
    size += bytes;
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

  /**
   * A String column's value: its UTF-8 length, then its UTF-8 bytes (RowValues refused unpaired surrogates). An
   * ASCII string (nearly every value) is copied char by char, without an intermediate array.
   */
  void writeString(String s) {
    int n = s.length();
    ensure(10 + n);
    int start = size;
    writeVarUInt(n);
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c >= 0x80) {
        size = start; // not ASCII: its UTF-8 length differs
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        writeVarUInt(utf8.length);
        ensure(utf8.length);
        System.arraycopy(utf8, 0, buf, size, utf8.length);
        size += utf8.length;
        return;
      }
      buf[size++] = (byte) c;
    }
  }

  /** Room for {@code more} bytes in the current chunk: a value is never split between two chunks. */
  private void ensure(int more) {
    if (size + more > buf.length) {
      if (size > 0) {
        filled.add(new Chunk(buf, size));
      }
      buf = new byte[Math.max(CHUNK, more)];
      size = 0;
    }
  }
}
