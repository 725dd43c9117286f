package dev.costpipe.bench;

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
    Thread watchdog = new Thread(() -> {
      while (ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L) == parent) {
        try {
          Thread.sleep(500);
        } catch (InterruptedException e) {
          return;
        }
      }
      System.err.println("[bench child] the benchmark (pid " + parent + ") is gone: halting");
      Runtime.getRuntime().halt(3);
    }, "bench-orphan-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
    Method main = Class.forName(args[1]).getMethod("main", String[].class);
    main.invoke(null, (Object) Arrays.copyOfRange(args, 2, args.length));
  }
}
