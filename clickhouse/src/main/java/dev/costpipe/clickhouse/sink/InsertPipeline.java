package dev.costpipe.clickhouse.sink;

import dev.costpipe.contracts.Backoff;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * The sink's flushes in flight: each flush's rows are written by the {@link BatchWriter} on a worker thread of
 * its own, at most {@code window} flushes at once, so the consumer thread reads and converts the next records
 * while ClickHouse stores the previous ones. Flushes are handed back only in the order they were started and
 * only up to the first one not finished: a flush written before an older one is not returned (so not
 * committed) until the older one is, and a flush whose write failed or was stopped throws here, so nothing
 * after it is ever committed. Workers wait out outages with their own sleeper, which ends when the sink stops
 * ({@code running} false). Belongs to the consumer thread, except the workers.
 */
final class InsertPipeline implements AutoCloseable {
  private static final AtomicInteger SINKS = new AtomicInteger();

  private final BatchWriter batches;
  private final int window;
  private final Backoff.Sleeper workerSleeper;
  private final ExecutorService workers;
  private final Deque<InFlight> inFlight = new ArrayDeque<>();

  /** A flush that ended, with the rows ClickHouse refused (as dead letters). */
  record Written(SinkBuffer.Flush flush, List<DeadLetter> refused) {}

  private record InFlight(SinkBuffer.Flush flush, Future<List<DeadLetter>> refused) {}

  InsertPipeline(BatchWriter batches, int window, BooleanSupplier running) {
    this.batches = batches;
    this.window = window;
    this.workerSleeper = d -> sleepWhile(running, d);
    int sink = SINKS.incrementAndGet();
    AtomicInteger threads = new AtomicInteger();
    this.workers = Executors.newFixedThreadPool(window, r -> {
      Thread t = new Thread(r, "clickhouse-sink-" + sink + "-insert-" + threads.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  /** Whether another flush may start. */
  boolean hasRoom() {
    return inFlight.size() < window;
  }

  /** Whether a flush in flight is waiting out a ClickHouse outage. */
  boolean outage() {
    return !inFlight.isEmpty() && batches.clickHouseDown();
  }

  boolean isEmpty() {
    return inFlight.isEmpty();
  }

  /** Starts writing the flush's rows; call only when {@link #hasRoom}. */
  void start(SinkBuffer.Flush flush) {
    if (!hasRoom()) {
      throw new IllegalStateException("the window of " + window + " flushes in flight is full");
    }
    inFlight.addLast(new InFlight(flush, workers.submit(() -> batches.write(flush.rows(), workerSleeper))));
  }

  /**
   * Removes and returns the flushes that ended, oldest first, up to the first still running. Throws the failure
   * of the oldest when it failed ({@link StopRequested} when the sink stopped during its retries): it and every
   * flush after it stay uncommitted.
   */
  List<Written> takeWritten() {
    List<Written> written = new ArrayList<>();
    while (!inFlight.isEmpty() && inFlight.peekFirst().refused().isDone()) {
      InFlight oldest = inFlight.removeFirst();
      written.add(new Written(oldest.flush(), result(oldest.refused())));
    }
    return written;
  }

  /**
   * Waits until the oldest flush ended: a short while blocked, then in waits of {@code sleeper} (the consumer
   * loop's polls with its partitions paused, so that it stays in its group through long outages). Throws
   * {@link StopRequested} when a wait is cut short.
   */
  void awaitOldest(Backoff.Sleeper sleeper, Duration blockedAtMost, Duration eachWait) {
    InFlight oldest = inFlight.peekFirst();
    if (oldest == null) {
      return;
    }
    try {
      oldest.refused().get(blockedAtMost.toNanos(), TimeUnit.NANOSECONDS);
      return;
    } catch (TimeoutException e) {
      // an outage or a slow server: keep the consumer polling while waiting
    } catch (ExecutionException | CancellationException e) {
      return; // takeWritten() throws it
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StopRequested();
    }
    try {
      while (!oldest.refused().isDone()) {
        if (!sleeper.sleep(eachWait)) {
          throw new StopRequested();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StopRequested();
    }
  }

  /** Stops the workers: a flush still being written is abandoned (it was not committed). */
  @Override
  public void close() {
    workers.shutdownNow();
    try {
      workers.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static List<DeadLetter> result(Future<List<DeadLetter>> refused) {
    try {
      return refused.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException("writing a flush failed", e.getCause());
    } catch (CancellationException e) {
      throw new StopRequested();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StopRequested();
    }
  }

  /** A worker's wait between attempts: cut short (false) as soon as the sink stops. */
  private static boolean sleepWhile(BooleanSupplier running, Duration duration) throws InterruptedException {
    long until = System.nanoTime() + duration.toNanos();
    while (running.getAsBoolean()) {
      long left = until - System.nanoTime();
      if (left <= 0) {
        return true;
      }
      TimeUnit.NANOSECONDS.sleep(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
    }
    return false;
  }
}
