package dev.costpipe.engine.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.function.LongSupplier;

/**
 * The JMH benchmarks' own methods timed by this thread's CPU time instead of wall time: on a machine
 * other processes load, they change how long a run takes but hardly the figure, where JMH's wall-clock
 * throughput falls with the share of a core the run gets. Prints the median of the windows, in ops per
 * CPU-second. {@code java -cp <the classpath of jmh.sh> dev.costpipe.engine.bench.CpuTimeRunner
 * costFromUsage|extractAndPrice <warm-up CPU ms> <window CPU ms> <windows>}
 */
public final class CpuTimeRunner {
  private static long sink;

  private CpuTimeRunner() {}

  public static void main(String[] args) throws Exception {
    LongSupplier op;
    if (args[0].equals("costFromUsage")) {
      CostComputationBenchmark b = new CostComputationBenchmark();
      b.setUp();
      op = b::costFromUsage;
    } else if (args[0].equals("extractAndPrice")) {
      ExtractionAndPricingBenchmark b = new ExtractionAndPricingBenchmark();
      b.setUp();
      op = () -> b.extractAndPrice().costNanoUsd();
    } else {
      throw new IllegalArgumentException("costFromUsage or extractAndPrice, not " + args[0]);
    }
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    run(op, mx, Long.parseLong(args[1]) * 1_000_000L);
    double[] opsPerCpuSecond = new double[Integer.parseInt(args[3])];
    for (int w = 0; w < opsPerCpuSecond.length; w++) {
      opsPerCpuSecond[w] = run(op, mx, Long.parseLong(args[2]) * 1_000_000L);
    }
    Arrays.sort(opsPerCpuSecond);
    System.out.printf("%s %.0f %s%n", args[0], opsPerCpuSecond[opsPerCpuSecond.length / 2],
        Arrays.toString(opsPerCpuSecond));
    if (sink == 42) {
      System.out.println(); // keeps the results alive
    }
  }

  /** Ops per CPU-second over at least {@code cpuNanos} of this thread's CPU time, read every 1,024 ops. */
  private static double run(LongSupplier op, ThreadMXBean mx, long cpuNanos) {
    long start = mx.getCurrentThreadCpuTime();
    long now;
    long n = 0;
    do {
      for (int i = 0; i < 1024; i++) {
        sink += op.getAsLong();
      }
      n += 1024;
      now = mx.getCurrentThreadCpuTime();
    } while (now - start < cpuNanos);
    return n * 1e9 / (now - start);
  }
}
