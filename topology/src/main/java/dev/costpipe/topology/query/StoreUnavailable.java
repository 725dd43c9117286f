package dev.costpipe.topology.query;

import java.time.Duration;

/**
 * A store that cannot answer now: the instance is not RUNNING, or the key's partition is restoring, moving to
 * another instance, or has no known owner. An answer must wait (HTTP 503 with {@code Retry-After}), never be a
 * number read from a store that is not up to date.
 */
public final class StoreUnavailable extends RuntimeException {
  private final Duration retryAfter;

  public StoreUnavailable(String reason, Duration retryAfter) {
    super(reason, null, false, false);
    this.retryAfter = retryAfter;
  }

  public Duration retryAfter() {
    return retryAfter;
  }
}
