package dev.costpipe.clickhouse.sink;

import dev.costpipe.contracts.Backoff;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sink's consumer loop: polls the source topics into the {@link SinkBuffer}, flushes it when due (rows
 * through the {@link InsertPipeline}: several flushes written at once while the loop reads on), and, for each
 * flush that ended, oldest first and never past one still being written or failed, sends its dead letters
 * through the {@link DeadLetterWriter} and commits its offsets: only what was written, in order. While an outage is waited out ({@link #waitFor}) the consumer keeps polling with its
 * partitions paused, so it stays in its group — a ClickHouse outage, or a schema registry outage: the records
 * whose values the registry cannot read now are added again after each backoff, never dead-lettered; a
 * rebalance drops the offsets of partitions taken away. Runs on the sink's thread; {@link #assignment}, {@link #inGroup}, {@link #consumer} and {@link #wakeup} are safe from
 * any thread.
 */
final class SinkConsumerLoop {
  private static final Logger LOG = LoggerFactory.getLogger(SinkConsumerLoop.class);
  private static final Duration IDLE_POLL = Duration.ofMillis(500);
  private static final Duration WAIT_POLL = Duration.ofMillis(200);
  private static final Duration IN_FLIGHT_POLL = Duration.ofMillis(50);
  private static final Duration REPORT_EVERY = Duration.ofMinutes(1);
  /** For the last flush at stop: an outage ends it at once. */
  private static final Backoff.Sleeper NO_WAIT = d -> false;
  /** Waiting for the oldest flush in flight: this long blocked, then polling with the partitions paused. */
  private static final Duration BLOCKED_AT_MOST = Duration.ofSeconds(1);
  /** At stop: the flushes in flight end by themselves (their retries stop with the sink). */
  private static final Backoff.Sleeper UNTIL_WRITTEN = d -> {
    Thread.sleep(d.toMillis());
    return true;
  };

  private final ClickHouseSinkConfig config;
  private final SinkBuffer buffer;
  private final ClickHouseSinkMetrics metrics;
  private final AtomicBoolean running;
  private final Backoff backoff;
  /** The consumer's partitions, kept by the rebalance listener so that other threads may read them. */
  private final Set<TopicPartition> assigned = ConcurrentHashMap.newKeySet();
  private volatile boolean inGroup;
  private volatile boolean registryDown;
  private volatile Consumer<byte[], byte[]> consumer;

  // Everything below belongs to the thread in run().
  private InsertPipeline inserts;
  private DeadLetterWriter deadLetters;
  private boolean paused;
  private long lastReportNanos = System.nanoTime();

  /** {@code running} is the sink's: the loop and its waits end when it turns false. */
  SinkConsumerLoop(ClickHouseSinkConfig config, SinkBuffer buffer, ClickHouseSinkMetrics metrics,
      AtomicBoolean running) {
    this.config = config;
    this.buffer = buffer;
    this.metrics = metrics;
    this.running = running;
    this.backoff = new Backoff(config.retryBackoff(), config.retryBackoffMax());
  }

  /** Consumes, writes and commits until the sink stops, then writes and commits what is left once. */
  void run(Consumer<byte[], byte[]> consumer, BatchWriter batches, DeadLetterWriter deadLetters) {
    this.consumer = consumer;
    this.deadLetters = deadLetters;
    if (!running.get()) {
      return;
    }
    try (InsertPipeline pipeline = new InsertPipeline(batches, config.insertsInFlight(), running::get)) {
      inserts = pipeline;
      consume();
    }
  }

  private void consume() {
    consumer.subscribe(config.sourceTopics(), new Rebalances());
    LOG.info("ClickHouse sink consuming {} into database {}", config.sourceTopics(), config.database());
    while (running.get()) {
      try {
        // with flushes in flight, poll briefly so that each is committed soon after it is written
        ConsumerRecords<byte[], byte[]> polled =
            consumer.poll(buffer.pollTimeout(inserts.isEmpty() ? IDLE_POLL : IN_FLIGHT_POLL));
        buffer.add(polled);
        if (polled.isEmpty()) {
          buffer.caughtUp();
        }
      } catch (WakeupException e) {
        continue; // stop() was called: the loop condition ends it
      } catch (SinkBuffer.RegistryUnavailable e) {
        waitForRegistry(e);
      }
      if (inserts.outage()) {
        // no use reading on: wait for the oldest flush, polling with the partitions paused
        inserts.awaitOldest(this::waitFor, Duration.ZERO, WAIT_POLL);
      }
      commitWritten(this::waitFor);
      if (buffer.flushDue()) {
        startFlush(this::waitFor);
      }
      report();
    }
    finalFlush();
  }

  Set<TopicPartition> assignment() {
    return Set.copyOf(assigned);
  }

  boolean inGroup() {
    return inGroup;
  }

  /** Whether records wait for the schema registry to come back. */
  boolean registryDown() {
    return registryDown;
  }

  Optional<Consumer<byte[], byte[]>> consumer() {
    return Optional.ofNullable(consumer);
  }

  /** Ends a poll in progress (after the sink's running flag was cleared). */
  void wakeup() {
    Consumer<byte[], byte[]> c = consumer;
    if (c != null) {
      c.wakeup();
    }
  }

  void close() {
    Consumer<byte[], byte[]> c = consumer;
    if (c != null) {
      try {
        c.close(CloseOptions.timeout(Duration.ofSeconds(10)));
      } catch (RuntimeException e) {
        LOG.warn("closing the consumer: {}", e.toString());
      }
    }
  }

  /**
   * Waits while ClickHouse or Kafka is unavailable: the sink's {@link Backoff.Sleeper}. Once consuming, the
   * consumer keeps polling with its partitions paused, so the group does not consider it dead; records of
   * partitions assigned meanwhile are buffered as usual. Before, it sleeps. False when the sink stopped.
   */
  boolean waitFor(Duration duration) throws InterruptedException {
    long until = System.nanoTime() + duration.toNanos();
    Consumer<byte[], byte[]> c = consumer;
    boolean polling = c != null && !c.subscription().isEmpty();
    if (polling && !paused) {
      c.pause(c.assignment());
      paused = true;
    }
    while (running.get()) {
      long left = until - System.nanoTime();
      if (left <= 0) {
        return true;
      }
      if (polling) {
        try {
          buffer.add(c.poll(Duration.ofNanos(Math.min(left, WAIT_POLL.toNanos()))));
        } catch (WakeupException e) {
          // stop() was called
        }
      } else {
        Thread.sleep(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 100)));
      }
    }
    return false;
  }

  /**
   * Starts writing what is buffered, once the window of flushes in flight has room: until then, waits for the
   * oldest (polling paused while it takes long) and commits what ended. A wait {@code sleeper} cuts short throws
   * {@link StopRequested}.
   */
  private void startFlush(Backoff.Sleeper sleeper) {
    while (!inserts.hasRoom()) {
      inserts.awaitOldest(sleeper, BLOCKED_AT_MOST, WAIT_POLL);
      commitWritten(sleeper);
    }
    inserts.start(buffer.startFlush());
  }

  /** Writes everything buffered and waits until every flush in flight is written and committed. */
  private void flushAndCommitAll(Backoff.Sleeper sleeper) {
    if (buffer.hasPending()) {
      startFlush(sleeper);
    }
    while (!inserts.isEmpty()) {
      inserts.awaitOldest(sleeper, BLOCKED_AT_MOST, WAIT_POLL);
      commitWritten(sleeper);
    }
  }

  /**
   * For the flushes written since the last call, oldest first and none after one not written yet: sends their
   * dead letters (records that are no rows, rows ClickHouse refused), then commits their offsets. The failure of
   * a flush (a stop during its retries) is thrown, and neither it nor any later flush is committed.
   */
  private void commitWritten(Backoff.Sleeper sleeper) {
    List<InsertPipeline.Written> written = inserts.takeWritten();
    if (written.isEmpty()) {
      return;
    }
    List<DeadLetter> letters = new ArrayList<>();
    Map<TopicPartition, Long> offsets = new HashMap<>();
    for (InsertPipeline.Written w : written) {
      letters.addAll(w.flush().deadLetters());
      letters.addAll(w.refused());
      w.flush().offsets().forEach((tp, offset) -> offsets.merge(tp, offset, Math::max));
    }
    try {
      deadLetters.send(letters, sleeper);
      resumeIfPaused();
      commit(offsets);
    } finally {
      written.forEach(w -> buffer.flushEnded());
    }
  }

  /**
   * The registry cannot read the values of {@code unavailable}'s records: what was read before them is written and
   * committed, then they are added again after each backoff (the consumer paused, still polling) until they are
   * in. Throws {@link StopRequested} when the sink stops meanwhile: they are read again on restart.
   */
  private void waitForRegistry(SinkBuffer.RegistryUnavailable unavailable) {
    registryDown = true;
    try {
      flushAndCommitAll(this::waitFor);
      Backoff.Attempts attempts = backoff.attempts(LOG, this::waitFor);
      SinkBuffer.RegistryUnavailable waiting = unavailable;
      while (true) {
        metrics.retried();
        ConsumerRecord<byte[], byte[]> first = waiting.remaining().get(0);
        StopRequested.retryOrStop(attempts, "schema registry unavailable: " + waiting.remaining().size()
            + " records from " + first.topic() + "-" + first.partition() + "@" + first.offset() + " wait",
            waiting.getMessage());
        try {
          buffer.add(waiting.remaining());
          break;
        } catch (SinkBuffer.RegistryUnavailable again) {
          waiting = again;
        }
      }
      resumeIfPaused();
    } finally {
      registryDown = false;
    }
  }

  /**
   * On stop: the flushes in flight end (written, or given up at their next outage), what is buffered is written
   * once (no waiting), and what was written is committed in order.
   */
  private void finalFlush() {
    if (!buffer.hasPending() && inserts.isEmpty()) {
      return;
    }
    int records = buffer.records();
    try {
      while (!inserts.isEmpty()) {
        inserts.awaitOldest(UNTIL_WRITTEN, BLOCKED_AT_MOST, WAIT_POLL);
        commitWritten(NO_WAIT);
      }
      if (buffer.hasPending()) {
        inserts.start(buffer.startFlush());
      }
      while (!inserts.isEmpty()) {
        inserts.awaitOldest(UNTIL_WRITTEN, BLOCKED_AT_MOST, WAIT_POLL);
        commitWritten(NO_WAIT);
      }
    } catch (StopRequested e) {
      LOG.info("ClickHouse unavailable at shutdown: {} buffered records and the flushes not written are read"
          + " again on restart", records);
    }
  }

  private void commit(Map<TopicPartition, Long> offsets) {
    Map<TopicPartition, OffsetAndMetadata> owned = new HashMap<>();
    Set<TopicPartition> assignment = consumer.assignment();
    offsets.forEach((tp, offset) -> {
      if (assignment.contains(tp)) {
        owned.put(tp, new OffsetAndMetadata(offset));
      }
    });
    if (owned.isEmpty()) {
      return;
    }
    try {
      consumer.commitSync(owned);
      metrics.committed();
    } catch (WakeupException e) {
      buffer.keepForNextCommit(offsets);
      if (!running.get()) {
        commitOnce(owned); // stop() woke the consumer: this is the last chance to commit what was written
      }
    } catch (KafkaException e) {
      // A rebalance took partitions away, or the broker is unreachable: the rows are written, so the worst
      // case is that they are read and written again (they replace themselves).
      LOG.warn("offset commit failed ({}): the records since the last commit will be delivered again", e.toString());
      buffer.keepForNextCommit(offsets);
    }
  }

  private void commitOnce(Map<TopicPartition, OffsetAndMetadata> owned) {
    try {
      consumer.commitSync(owned, Duration.ofSeconds(10));
      metrics.committed();
    } catch (KafkaException e) {
      LOG.warn("last offset commit failed ({}): those records will be delivered again", e.toString());
    }
  }

  private void resumeIfPaused() {
    if (paused) {
      consumer.resume(consumer.paused());
      paused = false;
    }
  }

  private void report() {
    if (System.nanoTime() - lastReportNanos >= REPORT_EVERY.toNanos()) {
      lastReportNanos = System.nanoTime();
      LOG.info("ClickHouse sink: {}", metrics);
    }
  }

  private final class Rebalances implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      forget(partitions);
      if (!partitions.isEmpty()) {
        LOG.info("ClickHouse sink revoked {}", partitions);
      }
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      forget(partitions);
      inGroup = false;
      LOG.warn("ClickHouse sink lost {} (dropped out of the group)", partitions);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      assigned.addAll(partitions);
      inGroup = true;
      LOG.info("ClickHouse sink assigned {}; holds {} partitions", partitions, assigned.size());
      if (paused) {
        consumer.pause(partitions);
      }
    }

    private void forget(Collection<TopicPartition> partitions) {
      assigned.removeAll(partitions);
      buffer.forget(partitions);
    }
  }
}
