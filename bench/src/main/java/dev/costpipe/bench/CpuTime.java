package dev.costpipe.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * CPU time used by a process (user + system), from the OS. CPU per event is steadier than events per second on a
 * shared machine: it hardly moves when other work competes for the cores.
 */
final class CpuTime {
  /** Linux reports threads' times in USER_HZ ticks, 100 per second on every architecture's user ABI. */
  private static final double TICKS_PER_SECOND = 100;

  private CpuTime() {}

  static double seconds(long pid) {
    return ProcessHandle.of(pid).flatMap(p -> p.info().totalCpuDuration())
        .orElseThrow(() -> new IllegalStateException("no CPU time for pid " + pid + " (process gone?)"))
        .toNanos() / 1e9;
  }

  /**
   * CPU seconds of a JVM's JIT compiler threads ({@code C1 CompilerThread…}, {@code C2 CompilerThread…}, from
   * {@code /proc/<pid>/task}): compiling is a one-time cost a short benchmark counts per event unless taken out.
   */
  static double jitSeconds(long pid) {
    Path tasks = Path.of("/proc", String.valueOf(pid), "task");
    try (Stream<Path> threads = Files.list(tasks)) {
      return threads.mapToLong(CpuTime::compilerTicks).sum() / TICKS_PER_SECOND;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the threads of pid " + pid + " in " + tasks, e);
    }
  }

  /** A thread's user + system ticks when it is a JIT compiler thread, else 0 (also when it ended meanwhile). */
  private static long compilerTicks(Path task) {
    try {
      String name = Files.readString(task.resolve("comm")).strip();
      if (!name.startsWith("C1 CompilerThre") && !name.startsWith("C2 CompilerThre")) {
        return 0;
      }
      String stat = Files.readString(task.resolve("stat"));
      // after "pid (comm) ": state is field 3, utime field 14, stime field 15
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    } catch (NoSuchFileException e) {
      return 0;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
