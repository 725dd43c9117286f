package dev.costpipe.ingest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.stream.Stream;

/**
 * A durable local-disk queue of events that Kafka did not acknowledge in time: a directory of
 * {@link SpoolSegment}s, oldest first. {@link #append} returns only once the records are on disk (fsync), so the
 * caller may be answered 2xx; the {@link SpoolReplayer} reads the oldest segment, produces it, and
 * {@link #delete}s it only after Kafka acknowledged every record of it. Segments left by an earlier run (a
 * restart, {@code kill -9} included) are found again at {@link #open} and replayed first.
 *
 * <p>Bounded: an append that would take the spool past its byte limit is refused ({@link SpoolFullException}),
 * nothing is dropped silently. The active segment is sealed once it reaches the segment size, or when the
 * replayer wants it and no sealed segment is left, so replay never reads a file still being written. One process
 * owns a spool directory (a lock file): two ingest instances appending to one directory would interleave.
 */
public final class Spool implements AutoCloseable {
  static final long DEFAULT_SEGMENT_BYTES = 16L << 20;

  private final Path dir;
  private final long maxBytes;
  private final long segmentBytes;
  private final FileLock lock;
  private final Deque<SpoolSegment> sealed = new ArrayDeque<>(); // oldest first; the one replaying included
  private SpoolSegment active; // created by the first append after a seal
  private long nextSequence;
  private long bytes;

  private Spool(Path dir, long maxBytes, long segmentBytes, FileLock lock) {
    this.dir = dir;
    this.maxBytes = maxBytes;
    this.segmentBytes = segmentBytes;
    this.lock = lock;
  }

  /**
   * The spool in {@code dir} (created if missing), with what an earlier run left in it.
   *
   * @throws IllegalStateException another process holds the directory
   */
  public static Spool open(Path dir, long maxBytes) throws IOException {
    return open(dir, maxBytes, DEFAULT_SEGMENT_BYTES);
  }

  static Spool open(Path dir, long maxBytes, long segmentBytes) throws IOException {
    Files.createDirectories(dir);
    FileChannel lockFile = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = lockFile.tryLock();
    } catch (OverlappingFileLockException e) { // held by this very process
      lock = null;
    }
    if (lock == null) {
      lockFile.close();
      throw new IllegalStateException("the spool directory " + dir + " is in use by another process");
    }
    Spool spool = new Spool(dir, maxBytes, segmentBytes, lock);
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : files.filter(p -> p.getFileName().toString().endsWith(SpoolSegment.SUFFIX)).sorted().toList()) {
        SpoolSegment s = SpoolSegment.existing(p);
        spool.sealed.addLast(s);
        spool.bytes += s.bytes();
        spool.nextSequence = s.sequence + 1;
      }
    }
    return spool;
  }

  public Path directory() {
    return dir;
  }

  /** Bytes on disk in every segment, the one being replayed included. */
  public synchronized long bytes() {
    return bytes;
  }

  /** Whether anything is waiting for Kafka (or being replayed now). */
  public synchronized boolean hasPending() {
    return !sealed.isEmpty() || (active != null && active.records() > 0);
  }

  /** Appends {@code events} as records and forces them to disk before returning. */
  public synchronized void append(List<KeyedEvent> events) throws SpoolFullException {
    if (events.isEmpty()) {
      return;
    }
    long size = SpoolSegment.sizeOf(events);
    if (bytes + size > maxBytes) {
      throw new SpoolFullException("the spool in " + dir + " is full (" + bytes + " of " + maxBytes
          + " bytes; this body needs " + size + ")", null);
    }
    try {
      if (active != null && active.bytes() >= segmentBytes) {
        sealActive();
      }
      if (active == null) {
        active = SpoolSegment.create(dir, nextSequence++);
        bytes += active.bytes();
      }
      long before = active.bytes();
      try {
        active.append(events);
        active.force();
      } finally {
        bytes += active.bytes() - before;
      }
    } catch (IOException e) {
      // a part of the body may be on disk: seal it so nothing is appended after it; a reader stops at its tear
      abandonActive();
      throw new SpoolFullException("the spool in " + dir + " could not write: " + e.getMessage(), e);
    }
    notifyAll();
  }

  /**
   * The oldest segment to replay, sealing the active one when nothing older is left; waits up to {@code timeout}
   * for an append when the spool is empty. Null when there is none.
   */
  synchronized SpoolSegment awaitOldest(Duration timeout) throws InterruptedException, IOException {
    if (!hasPending() && !timeout.isZero()) {
      wait(Math.max(1, timeout.toMillis()));
    }
    if (sealed.isEmpty() && active != null && active.records() > 0) {
      sealActive();
    }
    return sealed.peekFirst();
  }

  /** Removes a replayed segment: every record of it was acknowledged. */
  synchronized void delete(SpoolSegment segment) throws IOException {
    segment.delete();
    sealed.remove(segment);
    bytes -= segment.bytes();
  }

  private void sealActive() throws IOException {
    active.seal();
    sealed.addLast(active);
    active = null;
  }

  private void abandonActive() {
    if (active != null) {
      try {
        sealActive();
      } catch (IOException e) {
        sealed.addLast(active);
        active = null;
      }
    }
  }

  /** Seals the active segment (what is in the spool is replayed by the next run) and lets the directory go. */
  @Override
  public synchronized void close() {
    try {
      if (active != null) {
        sealActive();
      }
      lock.channel().close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
