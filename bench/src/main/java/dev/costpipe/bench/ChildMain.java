package dev.costpipe.bench;

import dev.costpipe.testsupport.OrphanWatchdog;
import java.lang.reflect.Method;
import java.util.Arrays;

/**
 * Main class of the benchmark's child JVMs: {@code ChildMain <parent pid> <main class> <args…>} runs the main
 * class, and halts the JVM if the benchmark that started it goes away, so no application outlives a killed run.
 */
public final class ChildMain {
  private ChildMain() {}

  public static void main(String[] args) throws Exception {
    long parent = Long.parseLong(args[0]);
    OrphanWatchdog.start(parent, "bench-orphan-watchdog",
        "[bench child] the benchmark (pid " + parent + ") is gone: halting", () -> {});
    Method main = Class.forName(args[1]).getMethod("main", String[].class);
    main.invoke(null, (Object) Arrays.copyOfRange(args, 2, args.length));
  }
}
