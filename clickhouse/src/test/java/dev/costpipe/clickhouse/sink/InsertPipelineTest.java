package dev.costpipe.clickhouse.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.costpipe.contracts.Backoff;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The window of flushes in flight, without a server: flushes come back in the order they started, never past
 * one still being written or failed, and the window bounds how many are written at once.
 */
class InsertPipelineTest {
  private static final Duration SHORT = Duration.ofMillis(20);
  private static final Backoff.Sleeper SLEEP = d -> {
    Thread.sleep(d.toMillis());
    return true;
  };

  private final AtomicBoolean running = new AtomicBoolean(true);
  /** Per first row of a request, a latch the insert waits for before it is acknowledged. */
  private final Map<String, CountDownLatch> holds = new ConcurrentHashMap<>();
  /** Per first row of a request, what the insert throws instead. */
  private final Map<String, RuntimeException> failures = new ConcurrentHashMap<>();
  private final List<String> written = Collections.synchronizedList(new ArrayList<>());
  private final RowInserter clickHouse = (table, rows, token) -> {
    String first = new String(rows.get(0).json(), StandardCharsets.UTF_8);
    CountDownLatch hold = holds.get(first);
    if (hold != null) {
      hold.await();
    }
    RuntimeException failure = failures.get(first);
    if (failure != null) {
      throw failure;
    }
    rows.forEach(r -> written.add(new String(r.json(), StandardCharsets.UTF_8)));
  };
  private final BatchWriter batches = new BatchWriter(clickHouse, BatchWriterTest.config(100),
      new Backoff(Duration.ofMillis(5), Duration.ofMillis(10)), new ClickHouseSinkMetrics(), new AtomicBoolean());
  private final InsertPipeline pipeline = new InsertPipeline(batches, 3, running::get);

  @AfterEach
  void stop() {
    holds.values().forEach(CountDownLatch::countDown);
    pipeline.close();
  }

  /** A flush of two rows {@code row-<first>}, {@code row-<first+1>} at offsets first, first+1 of llm.costs-0. */
  private static SinkBuffer.Flush flush(int first) {
    Map<SinkTable, List<SinkRow>> rows = new EnumMap<>(SinkTable.class);
    rows.put(SinkTable.REQUEST_COSTS, BatchWriterTest.rows("llm.costs", first, 2));
    return new SinkBuffer.Flush(rows, List.of(), new HashMap<>(Map.of(new TopicPartition("llm.costs", 0),
        (long) first + 2)));
  }

  private CountDownLatch hold(int first) {
    CountDownLatch latch = new CountDownLatch(1);
    holds.put("row-" + first, latch);
    return latch;
  }

  private static List<Long> offsets(List<InsertPipeline.Written> written) {
    return written.stream().map(w -> w.flush().offsets().values().iterator().next()).toList();
  }

  private List<InsertPipeline.Written> awaitAll() {
    List<InsertPipeline.Written> all = new ArrayList<>();
    while (!pipeline.isEmpty()) {
      pipeline.awaitOldest(SLEEP, SHORT, SHORT);
      all.addAll(pipeline.takeWritten());
    }
    return all;
  }

  @Test
  void flushesWrittenOutOfOrderComeBackInTheOrderTheyStarted() throws Exception {
    CountDownLatch first = hold(0);
    pipeline.start(flush(0));
    pipeline.start(flush(2));
    pipeline.start(flush(4));
    await(() -> written.size() == 4); // the two later flushes are written while the first waits

    assertThat(pipeline.takeWritten()).as("nothing before the oldest").isEmpty();
    first.countDown();

    assertThat(offsets(awaitAll())).containsExactly(2L, 4L, 6L);
  }

  @Test
  void theWindowBoundsTheFlushesInFlight() {
    hold(0);
    for (int i = 0; i < 3; i++) {
      assertThat(pipeline.hasRoom()).isTrue();
      pipeline.start(flush(2 * i));
    }

    assertThat(pipeline.hasRoom()).isFalse();
    assertThatThrownBy(() -> pipeline.start(flush(6))).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aFailedFlushMidPipelineIsThrownAndNothingAfterItComesBack() throws Exception {
    CountDownLatch second = hold(2);
    failures.put("row-2", new IllegalStateException("the insert thread died"));
    pipeline.start(flush(0));
    pipeline.start(flush(2));
    pipeline.start(flush(4));
    await(() -> written.size() == 4); // the first and the third are in ClickHouse

    List<InsertPipeline.Written> before = new ArrayList<>();
    while (before.isEmpty()) {
      before.addAll(pipeline.takeWritten());
    }
    assertThat(offsets(before)).containsExactly(2L);
    second.countDown();
    pipeline.awaitOldest(SLEEP, Duration.ofSeconds(5), SHORT);

    assertThatThrownBy(pipeline::takeWritten).hasMessage("the insert thread died");
    assertThat(pipeline.isEmpty()).as("the third flush, written, is never handed back").isFalse();
  }

  @Test
  void aStopDuringAnOutageFailsThatFlushAndNothingAfterItComesBack() throws Exception {
    RowInserter down = (table, rows, token) -> {
      throw RowInserter.InsertFailure.outage("Connection refused");
    };
    try (InsertPipeline outage = new InsertPipeline(new BatchWriter(down, BatchWriterTest.config(100),
        new Backoff(Duration.ofMillis(5), Duration.ofMillis(10)), new ClickHouseSinkMetrics(), new AtomicBoolean()),
        2, running::get)) {
      outage.start(flush(0));
      outage.start(flush(2));
      await(outage::outage);

      running.set(false);
      outage.awaitOldest(SLEEP, Duration.ofSeconds(5), SHORT);

      assertThatThrownBy(outage::takeWritten).isInstanceOf(StopRequested.class);
    }
  }

  @Test
  void aWaitCutShortWhileTheOldestIsWrittenStops() {
    hold(0);
    pipeline.start(flush(0));

    assertThatThrownBy(() -> pipeline.awaitOldest(d -> false, SHORT, SHORT)).isInstanceOf(StopRequested.class);
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > until) {
        throw new AssertionError("timed out");
      }
      Thread.sleep(5);
    }
  }
}
