package dev.costpipe.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The spool's segments without a broker: order, rolling, restart, torn records, the size limit, the lock. */
class SpoolTest {
  @TempDir
  Path dir;

  static KeyedEvent event(int n) {
    return new KeyedEvent("req-" + n, ("{\"request_id\":\"req-" + n + "\"}").getBytes(StandardCharsets.UTF_8));
  }

  static List<KeyedEvent> events(int from, int to) {
    return IntStream.range(from, to).mapToObj(SpoolTest::event).toList();
  }

  /** Every whole record of the spool, oldest first, deleting each segment as the replayer would. */
  static List<String> drain(Spool spool) throws Exception {
    List<String> keys = new ArrayList<>();
    SpoolSegment s;
    while ((s = spool.awaitOldest(Duration.ZERO)) != null) {
      try (SpoolSegment.Reader r = s.read()) {
        KeyedEvent e;
        while ((e = r.next()) != null) {
          keys.add(e.key());
        }
      }
      spool.delete(s);
    }
    return keys;
  }

  private static List<String> keys(int from, int to) {
    return IntStream.range(from, to).mapToObj(i -> "req-" + i).toList();
  }

  private List<Path> segmentFiles() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.toString().endsWith(SpoolSegment.SUFFIX)).sorted().toList();
    }
  }

  @Test
  void recordsComeBackInOrderAcrossRolledSegmentsAndDeletedSegmentsFreeTheirBytes() throws Exception {
    try (Spool spool = Spool.open(dir, 1 << 20, 200)) {
      assertThat(spool.hasPending()).isFalse();
      spool.append(events(0, 3));
      spool.append(events(3, 5));
      spool.append(List.of(event(5)));
      assertThat(spool.hasPending()).isTrue();
      assertThat(segmentFiles()).hasSizeGreaterThan(1);
      assertThat(spool.bytes()).isEqualTo(segmentFiles().stream().mapToLong(SpoolTest::size).sum());
      assertThat(drain(spool)).isEqualTo(keys(0, 6));
      assertThat(spool.bytes()).isZero();
      assertThat(spool.hasPending()).isFalse();
      assertThat(segmentFiles()).isEmpty();
    }
  }

  private static long size(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void aReopenedSpoolHasWhatTheLastRunLeftAndAppendsAfterIt() throws Exception {
    try (Spool spool = Spool.open(dir, 1 << 20)) {
      spool.append(events(0, 10));
    }
    try (Spool spool = Spool.open(dir, 1 << 20)) {
      assertThat(spool.hasPending()).isTrue();
      assertThat(spool.bytes()).isPositive();
      spool.append(events(10, 12));
      assertThat(drain(spool)).isEqualTo(keys(0, 12));
    }
  }

  @Test
  void aTornLastRecordIsDetectedWhereverTheCrashCutItAndNothingOfItIsRead() throws Exception {
    try (Spool spool = Spool.open(dir, 1 << 20)) {
      spool.append(events(0, 3));
    }
    Path segment = segmentFiles().get(0);
    byte[] whole = Files.readAllBytes(segment);
    long lastRecord = 8 + SpoolSegment.sizeOf(events(0, 2));
    for (long cut = lastRecord + 1; cut < whole.length; cut++) { // every point inside the last record
      Files.write(segment, java.util.Arrays.copyOf(whole, (int) cut));
      try (SpoolSegment.Reader r = SpoolSegment.existing(segment).read()) {
        assertThat(r.next().key()).isEqualTo("req-0");
        assertThat(r.next().key()).isEqualTo("req-1");
        assertThat(r.next()).as("cut at %d", cut).isNull();
        assertThat(r.torn()).as("cut at %d", cut).isTrue();
      }
    }
    Files.write(segment, whole);
    try (RandomAccessFile f = new RandomAccessFile(segment.toFile(), "rw")) { // a byte of the last value not on disk
      f.seek(whole.length - 2);
      f.write(0);
    }
    try (SpoolSegment.Reader r = SpoolSegment.existing(segment).read()) {
      assertThat(r.next()).isNotNull();
      assertThat(r.next()).isNotNull();
      assertThat(r.next()).isNull();
      assertThat(r.torn()).isTrue();
    }
  }

  @Test
  void aSegmentEndingOnARecordBoundaryIsNotTorn() throws Exception {
    try (Spool spool = Spool.open(dir, 1 << 20)) {
      spool.append(events(0, 2));
    }
    try (SpoolSegment.Reader r = SpoolSegment.existing(segmentFiles().get(0)).read()) {
      assertThat(r.next()).isNotNull();
      assertThat(r.next()).isNotNull();
      assertThat(r.next()).isNull();
      assertThat(r.torn()).isFalse();
    }
  }

  @Test
  void aFullSpoolRefusesTheWholeBodyAndKeepsWhatItHas() throws Exception {
    long oneBody = 8 + SpoolSegment.sizeOf(events(0, 5));
    try (Spool spool = Spool.open(dir, oneBody + 10)) {
      spool.append(events(0, 5));
      assertThatThrownBy(() -> spool.append(events(5, 10))).isInstanceOf(SpoolFullException.class)
          .hasMessageContaining("is full");
      assertThat(drain(spool)).isEqualTo(keys(0, 5));
      spool.append(events(5, 10)); // room again once replayed
      assertThat(drain(spool)).isEqualTo(keys(5, 10));
    }
  }

  @Test
  void oneProcessOwnsADirectory() throws Exception {
    try (Spool spool = Spool.open(dir, 1 << 20)) {
      assertThatThrownBy(() -> Spool.open(dir, 1 << 20)).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("in use");
    }
    Spool.open(dir, 1 << 20).close();
  }

  @Test
  void aKeylessEventAndAnEmptyValueRoundTrip() throws Exception {
    try (Spool spool = Spool.open(dir, 1 << 20)) {
      spool.append(List.of(new KeyedEvent(null, new byte[0]), new KeyedEvent("é", new byte[] {1, 2})));
      SpoolSegment s = spool.awaitOldest(Duration.ZERO);
      try (SpoolSegment.Reader r = s.read()) {
        KeyedEvent a = r.next();
        KeyedEvent b = r.next();
        assertThat(a.key()).isNull();
        assertThat(a.value()).isEmpty();
        assertThat(b.key()).isEqualTo("é");
        assertThat(b.value()).containsExactly(1, 2);
      }
    }
  }
}
