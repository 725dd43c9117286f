package dev.costpipe.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;
import org.slf4j.event.SubstituteLoggingEvent;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.helpers.SubstituteLogger;

class BackoffTest {
  private static final Backoff SINK_DEFAULTS = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(30));

  /** A logger that keeps its events, to read the lines back. */
  private final LinkedBlockingQueue<SubstituteLoggingEvent> events = new LinkedBlockingQueue<>();
  private final SubstituteLogger log = new SubstituteLogger("test", events, false);

  private List<String> warnings() {
    List<String> out = new ArrayList<>();
    for (SubstituteLoggingEvent e : events) {
      assertThat(e.getLevel()).isEqualTo(Level.WARN);
      out.add(MessageFormatter.arrayFormat(e.getMessage(), e.getArgumentArray()).getMessage());
    }
    return out;
  }

  @Test
  void doublesFromInitialUpToMax() {
    assertThat(List.of(1, 2, 3, 4, 8, 9, 10, 31, 1_000).stream().map(n -> SINK_DEFAULTS.delayAfter(n).toMillis()))
        .containsExactly(200L, 400L, 800L, 1_600L, 25_600L, 30_000L, 30_000L, 30_000L, 30_000L);
    assertThat(SINK_DEFAULTS.delayAfter(0)).isEqualTo(Duration.ofMillis(200));
  }

  @Test
  void aMaxBelowInitialMeansInitialEveryTime() {
    Backoff b = new Backoff(Duration.ofSeconds(60), Duration.ofSeconds(30));
    assertThat(b.delayAfter(1)).isEqualTo(Duration.ofSeconds(60));
    assertThat(b.delayAfter(7)).isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void hugeDelaysAndAttemptsDoNotOverflow() {
    Backoff b = new Backoff(Duration.ofDays(365), Duration.ofDays(365 * 1_000));
    assertThat(b.delayAfter(Integer.MAX_VALUE)).isEqualTo(Duration.ofDays(365 * 1_000));
    assertThat(new Backoff(Duration.ZERO, Duration.ofSeconds(1)).delayAfter(50)).isZero();
  }

  @Test
  void negativeDelaysAreRefused() {
    assertThatThrownBy(() -> new Backoff(Duration.ofMillis(-1), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("negative");
  }

  @Test
  void attemptsAreCountedLoggedAndWaitedOut() throws InterruptedException {
    List<Duration> waits = new ArrayList<>();
    Backoff.Attempts attempts = SINK_DEFAULTS.attempts(log, d -> waits.add(d));
    assertThat(attempts.failed()).isZero();
    assertThat(attempts.current()).isEqualTo(1);
    assertThat(attempts.isLast()).isFalse();

    assertThat(attempts.retryAfter("inserting 3 rows failed", "connection refused")).isTrue();
    assertThat(attempts.retryAfter("inserting 3 rows failed", "connection refused")).isTrue();

    assertThat(attempts.failed()).isEqualTo(2);
    assertThat(attempts.current()).isEqualTo(3);
    assertThat(waits).containsExactly(Duration.ofMillis(200), Duration.ofMillis(400));
    assertThat(warnings()).containsExactly(
        "inserting 3 rows failed (attempt 1): connection refused; retrying in 200 ms",
        "inserting 3 rows failed (attempt 2): connection refused; retrying in 400 ms");
  }

  @Test
  void aLimitEndsTheAttemptsAndIsShownInTheLog() throws InterruptedException {
    Backoff.Attempts attempts = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30))
        .attempts(3, log, d -> true);
    assertThat(attempts.isLast()).isFalse();
    attempts.retryAfter("delivery to slack failed", "HTTP 503");
    assertThat(attempts.isLast()).isFalse();
    attempts.retryAfter("delivery to slack failed", "HTTP 503");
    assertThat(attempts.isLast()).isTrue();
    assertThat(warnings()).containsExactly(
        "delivery to slack failed (attempt 1/3): HTTP 503; retrying in 1000 ms",
        "delivery to slack failed (attempt 2/3): HTTP 503; retrying in 2000 ms");
    assertThatThrownBy(() -> SINK_DEFAULTS.attempts(0, log, d -> true)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aWaitCutShortTellsTheCallerToStop() throws InterruptedException {
    Backoff.Attempts attempts = SINK_DEFAULTS.attempts(log, d -> false);
    assertThat(attempts.retryAfter("writing failed", "down")).isFalse();
    assertThat(attempts.failed()).isEqualTo(1);
  }

  @Test
  void theThreadSleepEndsOnAnInterrupt() {
    Backoff.Attempts attempts = new Backoff(Duration.ofMinutes(1), Duration.ofMinutes(1))
        .attempts(log, Backoff.THREAD_SLEEP);
    Thread.currentThread().interrupt();
    long begin = System.nanoTime();
    assertThatThrownBy(() -> attempts.retryAfter("writing failed", "down")).isInstanceOf(InterruptedException.class);
    assertThat(Duration.ofNanos(System.nanoTime() - begin)).isLessThan(Duration.ofSeconds(10));
  }
}
