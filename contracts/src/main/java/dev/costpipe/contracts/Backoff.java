package dev.costpipe.contracts;

import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;

/**
 * Exponential backoff between attempts at something that fails for a while (a server down, a peer refusing):
 * the wait after the n-th failed attempt is {@code initial × 2^(n-1)}, capped at {@code max} (a max below
 * initial means initial every time). The one retry policy of the ClickHouse sink and the notifier, so that
 * they count attempts, wait and log alike: {@link #attempts} counts one operation's failures, logs each and
 * waits through a {@link Sleeper} that may be cut short by a stop.
 */
public record Backoff(Duration initial, Duration max) {
  /** Waits between attempts. */
  @FunctionalInterface
  public interface Sleeper {
    /** Waits {@code duration}; false when the wait was cut short because the caller is stopping. */
    boolean sleep(Duration duration) throws InterruptedException;
  }

  /** {@link Thread#sleep}: ends early only by an interrupt. */
  public static final Sleeper THREAD_SLEEP = d -> {
    Thread.sleep(d.toMillis());
    return true;
  };

  public Backoff {
    Objects.requireNonNull(initial, "initial");
    Objects.requireNonNull(max, "max");
    if (initial.isNegative() || max.isNegative()) {
      throw new IllegalArgumentException("backoff delays must not be negative: " + initial + ", " + max);
    }
  }

  /** The wait after the {@code failedAttempt}-th failed attempt (1-based). */
  public Duration delayAfter(int failedAttempt) {
    long initialMs = initial.toMillis();
    long capMs = Math.max(max.toMillis(), initialMs);
    int doublings = Math.min(Math.max(failedAttempt - 1, 0), 62);
    // initial × 2^doublings exceeds the cap exactly when initial exceeds cap / 2^doublings: no overflow
    return Duration.ofMillis(initialMs > (capMs >> doublings) ? capMs : initialMs << doublings);
  }

  /** Attempts without a limit: retried until they succeed or the sleeper says stop. */
  public Attempts attempts(Logger log, Sleeper sleeper) {
    return new Attempts(this, 0, log, sleeper);
  }

  /** At most {@code limit} attempts in all (≥ 1). */
  public Attempts attempts(int limit, Logger log, Sleeper sleeper) {
    if (limit < 1) {
      throw new IllegalArgumentException("at least one attempt, got " + limit);
    }
    return new Attempts(this, limit, log, sleeper);
  }

  /** The attempts at one operation: counts the failed ones, logs each, and waits before the next. */
  public static final class Attempts {
    private final Backoff backoff;
    private final int limit;
    private final Logger log;
    private final Sleeper sleeper;
    private int failed;

    private Attempts(Backoff backoff, int limit, Logger log, Sleeper sleeper) {
      this.backoff = backoff;
      this.limit = limit;
      this.log = Objects.requireNonNull(log, "log");
      this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    }

    /** Failed attempts so far. */
    public int failed() {
      return failed;
    }

    /** The number of the attempt being made now (1-based). */
    public int current() {
      return failed + 1;
    }

    /** Whether the attempt being made now is the last one the limit allows (never, without a limit). */
    public boolean isLast() {
      return limit > 0 && current() >= limit;
    }

    /**
     * After a failed attempt: counts it, logs {@code "<what> (attempt n[/limit]): <why>; retrying in <ms> ms"} at
     * WARN and waits the backoff. Returns false when the sleeper was cut short: the caller stops trying.
     */
    public boolean retryAfter(String what, String why) throws InterruptedException {
      failed++;
      Duration wait = backoff.delayAfter(failed);
      log.warn("{} (attempt {}{}): {}; retrying in {} ms", what, failed, limit > 0 ? "/" + limit : "", why,
          wait.toMillis());
      return sleeper.sleep(wait);
    }
  }
}
