package dev.costpipe.contracts.avro.registry;

import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Whether a serializer of this process is waiting out a schema registry outage, for readiness checks: the
 * serializers are made by Kafka from class names, so this is where they say it. Several threads may wait at
 * once; the outage lasts until the last of them got through.
 */
public final class RegistryOutage {
  private static final AtomicInteger WAITING = new AtomicInteger();
  private static volatile Instant since;

  private RegistryOutage() {}

  /** A thread starts waiting for the registry. */
  public static void began() {
    if (WAITING.getAndIncrement() == 0) {
      since = Instant.now();
    }
  }

  /** A thread that {@link #began} stops waiting (the registry answered, or it gave up). */
  public static void ended() {
    if (WAITING.decrementAndGet() == 0) {
      since = null;
    }
  }

  /** When the current outage began; empty when no thread is waiting for the registry. */
  public static Optional<Instant> since() {
    return WAITING.get() > 0 ? Optional.ofNullable(since) : Optional.empty();
  }
}
