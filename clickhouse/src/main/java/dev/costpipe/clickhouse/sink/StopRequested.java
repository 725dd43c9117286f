package dev.costpipe.clickhouse.sink;

import dev.costpipe.contracts.Backoff;

/**
 * Thrown to unwind out of a wait when the sink is stopping (or may not wait): nothing more is written or
 * committed, and what was not committed is read again on restart.
 */
final class StopRequested extends RuntimeException {
  StopRequested() {
    super(null, null, false, false);
  }

  /** Logs and waits out a failed attempt, or throws this when the wait is cut short or interrupted. */
  static void retryOrStop(Backoff.Attempts attempts, String what, String why) {
    try {
      if (!attempts.retryAfter(what, why)) {
        throw new StopRequested();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StopRequested();
    }
  }
}
