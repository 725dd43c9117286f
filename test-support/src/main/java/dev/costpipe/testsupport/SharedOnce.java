package dev.costpipe.testsupport;

import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A test server shared by every test of one JVM: started on first use, stopped at JVM exit. If it
 * failed to start once, every later call throws the same failure at once instead of waiting again.
 */
public final class SharedOnce<T> {
  private final Supplier<T> start;
  private final Consumer<T> stop;
  private final String name;
  private T instance;
  private IllegalStateException failure;

  public SharedOnce(String name, Supplier<T> start, Consumer<T> stop) {
    this.name = name;
    this.start = start;
    this.stop = stop;
  }

  public synchronized T get() {
    if (failure != null) {
      throw new IllegalStateException(failure.getMessage(), failure);
    }
    if (instance == null) {
      try {
        instance = start.get();
      } catch (IllegalStateException e) {
        failure = e;
        throw e;
      }
      T started = instance;
      Runtime.getRuntime().addShutdownHook(new Thread(() -> stop.accept(started), name + "-stop"));
    }
    return instance;
  }
}
