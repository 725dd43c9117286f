package dev.costpipe.testsupport;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waiting in tests for what a server or a background thread should do, failing with what was awaited. */
public final class Await {
  private Await() {}

  public static void until(String what, Duration timeout, BooleanSupplier condition) {
    until(() -> what, timeout, condition);
  }

  /** @param what described when the time is out (e.g. with the state reached so far) */
  public static void until(Supplier<String> what, Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what.get());
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + what.get());
      }
    }
  }
}
