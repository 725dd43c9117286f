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
}
