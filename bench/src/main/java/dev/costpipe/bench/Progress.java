package dev.costpipe.bench;

/** Progress lines on standard error, each with the time since the benchmark started. */
final class Progress {
  private static final long START = System.nanoTime();

  private Progress() {}

  static void say(String format, Object... args) {
    double s = (System.nanoTime() - START) / 1e9;
    System.err.printf("[bench %3d:%04.1f] %s%n", (int) (s / 60), s % 60, String.format(format, args));
  }

  static double secondsSinceStart() {
    return (System.nanoTime() - START) / 1e9;
  }
}
