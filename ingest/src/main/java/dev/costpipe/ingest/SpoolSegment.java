package dev.costpipe.ingest;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * One file of the spool: the 8-byte magic {@code CPSPOOL1}, then records of {@code [int length][int CRC32C of
 * the payload][payload]}, the payload being {@code [int key length, -1 for none][key UTF-8][value]} (big-endian).
 * Records are only ever appended, and a segment is appended to only by the process that created it: after a
 * crash the last record may be torn (cut short, or its bytes not all on disk), which its length and CRC reveal —
 * reading stops there and the reader says so; nothing after it is trusted.
 */
final class SpoolSegment {
  static final String SUFFIX = ".spool";
  private static final byte[] MAGIC = "CPSPOOL1".getBytes(StandardCharsets.US_ASCII);
  private static final int RECORD_HEADER = 8;

  final long sequence;
  final Path path;
  private FileChannel writer; // null once sealed
  private long bytes;
  private long records;

  private SpoolSegment(long sequence, Path path, FileChannel writer, long bytes) {
    this.sequence = sequence;
    this.path = path;
    this.writer = writer;
    this.bytes = bytes;
  }

  static Path pathOf(Path dir, long sequence) {
    return dir.resolve(String.format("%020d%s", sequence, SUFFIX));
  }

  /** A new, empty segment, its file and directory entry on disk before it returns. */
  static SpoolSegment create(Path dir, long sequence) throws IOException {
    Path path = pathOf(dir, sequence);
    FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    ch.write(ByteBuffer.wrap(MAGIC));
    ch.force(true);
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true); // the new name survives a crash too
    }
    return new SpoolSegment(sequence, path, ch, MAGIC.length);
  }

  /** A segment left by an earlier run: sealed, read only. */
  static SpoolSegment existing(Path path) throws IOException {
    String name = path.getFileName().toString();
    long sequence = Long.parseLong(name.substring(0, name.length() - SUFFIX.length()));
    SpoolSegment s = new SpoolSegment(sequence, path, null, Files.size(path));
    s.records = -1; // unknown until read
    return s;
  }

  /** The bytes {@code events} take in a segment. */
  static long sizeOf(List<KeyedEvent> events) {
    long n = 0;
    for (KeyedEvent e : events) {
      n += RECORD_HEADER + payloadSize(e);
    }
    return n;
  }

  private static int payloadSize(KeyedEvent e) {
    return 4 + (e.key() == null ? 0 : e.key().getBytes(StandardCharsets.UTF_8).length) + e.value().length;
  }

  /** Writes the records (not yet forced to disk: {@link #force}). */
  void append(List<KeyedEvent> events) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(Math.toIntExact(sizeOf(events)));
    CRC32C crc = new CRC32C();
    for (KeyedEvent e : events) {
      byte[] key = e.key() == null ? null : e.key().getBytes(StandardCharsets.UTF_8);
      ByteBuffer payload = ByteBuffer.allocate(payloadSize(e));
      payload.putInt(key == null ? -1 : key.length);
      if (key != null) {
        payload.put(key);
      }
      payload.put(e.value()).flip();
      crc.reset();
      crc.update(payload.duplicate());
      buf.putInt(payload.remaining()).putInt((int) crc.getValue()).put(payload);
    }
    buf.flip();
    bytes += buf.remaining();
    while (buf.hasRemaining()) {
      writer.write(buf);
    }
    records += events.size();
  }

  /** Forces what was appended to disk (fsync of the data). */
  void force() throws IOException {
    writer.force(false);
  }

  /** Forces and closes the file: no more appends. */
  void seal() throws IOException {
    if (writer != null) {
      writer.force(false);
      writer.close();
      writer = null;
    }
  }

  boolean sealed() {
    return writer == null;
  }

  long bytes() {
    return bytes;
  }

  /** Records appended by this process (segments of an earlier run: not known until read, -1). */
  long records() {
    return records;
  }

  void delete() throws IOException {
    seal();
    Files.deleteIfExists(path);
  }

  Reader read() throws IOException {
    return new Reader(path);
  }

  /** Reads a sealed segment's records in order, up to the end or the first torn record. */
  static final class Reader implements AutoCloseable {
    private final DataInputStream in;
    private long remaining;
    private boolean torn;
    private final CRC32C crc = new CRC32C();

    private Reader(Path path) throws IOException {
      remaining = Files.size(path);
      InputStream file = Files.newInputStream(path);
      in = new DataInputStream(new BufferedInputStream(file, 1 << 16));
      if (remaining < MAGIC.length) { // cut short while being created: holds nothing
        remaining = 0;
        return;
      }
      byte[] magic = in.readNBytes(MAGIC.length);
      remaining -= MAGIC.length;
      if (!Arrays.equals(magic, MAGIC)) {
        torn = true;
        remaining = 0;
      }
    }

    /** The next whole record; null at the end, or at a torn record ({@link #torn()}), past which nothing is read. */
    KeyedEvent next() throws IOException {
      if (remaining == 0 || torn) {
        return null;
      }
      try {
        if (remaining < RECORD_HEADER) {
          return tear();
        }
        int length = in.readInt();
        int expected = in.readInt();
        remaining -= RECORD_HEADER;
        if (length < 4 || length > remaining) {
          return tear();
        }
        byte[] payload = in.readNBytes(length);
        remaining -= length;
        crc.reset();
        crc.update(payload);
        ByteBuffer p = ByteBuffer.wrap(payload);
        int keyLength = p.getInt();
        if ((int) crc.getValue() != expected || keyLength < -1 || keyLength > length - 4) {
          return tear();
        }
        String key = keyLength < 0 ? null : new String(payload, 4, keyLength, StandardCharsets.UTF_8);
        int valueStart = 4 + Math.max(keyLength, 0);
        return new KeyedEvent(key, Arrays.copyOfRange(payload, valueStart, payload.length));
      } catch (EOFException e) { // the file shrank under us: as torn
        return tear();
      }
    }

    private KeyedEvent tear() {
      torn = true;
      remaining = 0;
      return null;
    }

    /** Whether reading stopped at a torn record rather than at the end. */
    boolean torn() {
      return torn;
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}
