package dev.costpipe.ingest;

import static dev.costpipe.ingest.SpoolTest.events;
import static org.assertj.core.api.Assertions.assertThat;

import dev.costpipe.contracts.Backoff;
import dev.costpipe.testsupport.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The replayer against a fake Kafka: in order, retried until acknowledged, segments deleted only after. */
class SpoolReplayerTest {
  private static final Backoff FAST = new Backoff(Duration.ofMillis(10), Duration.ofMillis(50));

  @TempDir
  Path dir;

  private long segmentFiles() throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.toString().endsWith(SpoolSegment.SUFFIX)).count();
    }
  }

  @Test
  void replaysEverySegmentInOrderOnceKafkaIsBackAndDeletesThemOnlyThen() throws Exception {
    FakeKafka kafka = new FakeKafka();
    kafka.up = false;
    IngestCounters counters = new IngestCounters();
    int n = 2 * SpoolReplayer.CHUNK_RECORDS + 7;
    try (Spool spool = Spool.open(dir, 16 << 20, 4096);
         SpoolReplayer replayer = new SpoolReplayer(spool, kafka, counters, FAST)) {
      for (int i = 0; i < n; i += 10) {
        spool.append(events(i, Math.min(n, i + 10)));
      }
      long segments = segmentFiles();
      assertThat(segments).isGreaterThan(2);
      replayer.start();
      Await.until("three refused attempts", Duration.ofSeconds(10), () -> kafka.calls >= 3);
      assertThat(kafka.acknowledged()).isEmpty();
      assertThat(segmentFiles()).isEqualTo(segments); // nothing deleted while Kafka refuses
      kafka.up = true;
      Await.until("the spool replayed", Duration.ofSeconds(30), () -> !spool.hasPending());
      List<String> expected = IntStream.range(0, n).mapToObj(i -> "req-" + i).toList();
      assertThat(kafka.acknowledged()).isEqualTo(expected);
      assertThat(counters.get("replayed", "spool", "")).isEqualTo(n);
      assertThat(spool.bytes()).isZero();
      assertThat(segmentFiles()).isZero();
    }
  }

  @Test
  void aTornRecordIsCountedAndNeverProducedWhatPrecedesItIs() throws Exception {
    try (Spool spool = Spool.open(dir, 1 << 20)) {
      spool.append(events(0, 3));
    }
    Path segment;
    try (Stream<Path> files = Files.list(dir)) {
      segment = files.filter(p -> p.toString().endsWith(SpoolSegment.SUFFIX)).findFirst().orElseThrow();
    }
    byte[] whole = Files.readAllBytes(segment);
    Files.write(segment, java.util.Arrays.copyOf(whole, whole.length - 3)); // kill -9 mid-write of req-2
    FakeKafka kafka = new FakeKafka();
    IngestCounters counters = new IngestCounters();
    try (Spool spool = Spool.open(dir, 1 << 20);
         SpoolReplayer replayer = new SpoolReplayer(spool, kafka, counters, FAST)) {
      replayer.start();
      Await.until("the spool replayed", Duration.ofSeconds(10), () -> !spool.hasPending());
      assertThat(kafka.acknowledged()).containsExactly("req-0", "req-1");
      assertThat(counters.get("torn", "spool", "")).isEqualTo(1);
      assertThat(counters.get("replayed", "spool", "")).isEqualTo(2);
    }
  }

  @Test
  void stoppedMidOutageItLeavesEverythingForTheNextStart() throws Exception {
    FakeKafka kafka = new FakeKafka();
    kafka.up = false;
    try (Spool spool = Spool.open(dir, 1 << 20);
         SpoolReplayer replayer = new SpoolReplayer(spool, kafka, new IngestCounters(), FAST)) {
      spool.append(events(0, 5));
      replayer.start();
      Await.until("a refused attempt", Duration.ofSeconds(10), () -> kafka.calls >= 1);
    }
    kafka.up = true;
    List<String> replayed = new ArrayList<>();
    try (Spool spool = Spool.open(dir, 1 << 20)) {
      replayed.addAll(SpoolTest.drain(spool));
    }
    assertThat(replayed).containsExactly("req-0", "req-1", "req-2", "req-3", "req-4");
  }
}
