package dev.costpipe.ingest;

import dev.costpipe.contracts.Backoff;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Produces the spool to Kafka in order, one thread: the oldest segment's records in chunks, each chunk acknowledged
 * before the next is sent (the idempotent producer keeps their order within a partition), a failed chunk retried
 * with backoff until Kafka takes it; the segment is deleted only once every record of it was acknowledged. A
 * segment cut short by a crash is replayed up to its torn record, which is counted and never produced.
 *
 * <p>At least once: a chunk that failed may have landed in part, and a run that stops mid-segment replays that
 * segment from its start next time. The copies carry the same request ids, and the topology keeps the first.
 */
final class SpoolReplayer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SpoolReplayer.class);
  static final int CHUNK_RECORDS = 1000;
  private static final Duration IDLE_WAIT = Duration.ofMillis(500);

  private final Spool spool;
  private final EventSink sink;
  private final IngestCounters counters;
  private final Backoff backoff;
  private final CountDownLatch stopping = new CountDownLatch(1);
  private final Thread thread;

  SpoolReplayer(Spool spool, EventSink sink, IngestCounters counters, Backoff backoff) {
    this.spool = spool;
    this.sink = sink;
    this.counters = counters;
    this.backoff = backoff;
    this.thread = new Thread(this::run, "ingest-spool-replay");
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  private void run() {
    try {
      while (stopping.getCount() > 0) {
        try {
          SpoolSegment segment = spool.awaitOldest(IDLE_WAIT);
          if (segment != null && replay(segment)) {
            spool.delete(segment);
          }
        } catch (IOException e) { // a segment unreadable, or not deletable: try again, loudly
          LOG.error("spool replay in {}: {}", spool.directory(), e.getMessage(), e);
          stopping.await(backoff.max().toMillis(), TimeUnit.MILLISECONDS);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Produces every whole record of {@code segment}; false when stopped before the end. */
  private boolean replay(SpoolSegment segment) throws InterruptedException, IOException {
    try (SpoolSegment.Reader reader = segment.read()) {
      List<KeyedEvent> chunk;
      while (!(chunk = next(reader)).isEmpty()) {
        if (!produce(chunk)) {
          return false;
        }
        counters.add("replayed", "spool", "", chunk.size());
      }
      if (reader.torn()) {
        counters.add("torn", "spool", "", 1);
        LOG.warn("{}: a torn record (cut short by a crash before it was acknowledged to its sender) ends it;"
            + " everything before it was replayed", segment.path);
      }
      return true;
    }
  }

  private static List<KeyedEvent> next(SpoolSegment.Reader reader) throws IOException {
    List<KeyedEvent> chunk = new ArrayList<>(CHUNK_RECORDS);
    KeyedEvent e;
    while (chunk.size() < CHUNK_RECORDS && (e = reader.next()) != null) {
      chunk.add(e);
    }
    return chunk;
  }

  /** Retries until Kafka acknowledges the chunk; false when stopped first. */
  private boolean produce(List<KeyedEvent> chunk) throws InterruptedException {
    Backoff.Attempts attempts = backoff.attempts(LOG, d -> !stopping.await(d.toMillis(), TimeUnit.MILLISECONDS));
    while (stopping.getCount() > 0) {
      try {
        sink.produce(chunk);
        return true;
      } catch (KafkaUnavailableException e) {
        if (!attempts.retryAfter("spool replay of " + chunk.size() + " events", e.getMessage())) {
          return false;
        }
      }
    }
    return false;
  }

  /** Stops after the chunk in flight (at most the sink's own deadline); the rest stays in the spool. */
  @Override
  public void close() {
    stopping.countDown();
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
