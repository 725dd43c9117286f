package dev.costpipe.bench;

/**
 * CPU time used by a process (user + system), from the OS. CPU per event is steadier than events per second on a
 * shared machine: it hardly moves when other work competes for the cores.
 */
final class CpuTime {
  private CpuTime() {}

  static double seconds(long pid) {
    return ProcessHandle.of(pid).flatMap(p -> p.info().totalCpuDuration())
        .orElseThrow(() -> new IllegalStateException("no CPU time for pid " + pid + " (process gone?)"))
        .toNanos() / 1e9;
  }

  /** CPU microseconds per event of the application and of the broker since the two marks. */
  static String perEvent(double appSeconds, double brokerSecondsBefore, long brokerPid, long events) {
    double broker = seconds(brokerPid) - brokerSecondsBefore;
    return String.format("CPU per raw event: application %.1f µs, broker %.1f µs (%,d events)",
        appSeconds * 1e6 / events, broker * 1e6 / events, events);
  }
}
