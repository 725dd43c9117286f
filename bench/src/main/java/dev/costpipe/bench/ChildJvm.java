package dev.costpipe.bench;

import dev.costpipe.testsupport.ServerProcesses;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/**
 * An application under test in a JVM of its own (same classpath as the benchmark), so that its heap, RSS and CPU
 * are its own: output in {@code <dir>/<name>.log}, GC log in {@code <dir>/<name>.gc.log}, optionally a JFR
 * recording in {@code <dir>/<name>.jfr}.
 */
final class ChildJvm implements AutoCloseable {
  private final String name;
  private final Path dir;
  private final Process process;

  private ChildJvm(String name, Path dir, Process process) {
    this.name = name;
    this.dir = dir;
    this.process = process;
  }

  static ChildJvm start(String name, Path dir, String maxHeap, boolean flightRecording, Class<?> mainClass,
      String... args) {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx" + maxHeap,
        "-XX:+ExitOnOutOfMemoryError",
        "-Xlog:gc:file=" + dir.resolve(name + ".gc.log") + ":uptime",
        // as costpipe's launcher, image and manifests run it (docs/operations.md#jvm-options)
        "-Duser.language=en", "-Duser.country=US",
        "-cp", System.getProperty("java.class.path")));
    if (flightRecording) {
      command.add("-XX:StartFlightRecording=filename=" + dir.resolve(name + ".jfr") + ",settings=profile");
      // Kafka Streams' call chains pass JFR's default 64 frames: deeper stacks keep each sample's caller
      command.add("-XX:FlightRecorderOptions=stackdepth=256");
    }
    command.add(ChildMain.class.getName());
    command.add(String.valueOf(ProcessHandle.current().pid()));
    command.add(mainClass.getName());
    command.addAll(List.of(args));
    try {
      Files.createDirectories(dir);
      Process p = new ProcessBuilder(command)
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
          .redirectErrorStream(true)
          .redirectOutput(dir.resolve(name + ".log").toFile())
          .start();
      return new ChildJvm(name, dir, p);
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the " + name + " JVM: " + e, e);
    }
  }

  long pid() {
    return process.pid();
  }

  /** Fails with the end of the child's log if it has exited. */
  void checkAlive() {
    if (!process.isAlive()) {
      throw new IllegalStateException("the " + name + " JVM exited with status " + process.exitValue() + "; its log "
          + log() + " ends with:\n" + ServerProcesses.tail(log(), 30));
    }
  }

  Path log() {
    return dir.resolve(name + ".log");
  }

  Path gcLog() {
    return dir.resolve(name + ".gc.log");
  }

  Path flightRecording() {
    return dir.resolve(name + ".jfr");
  }

  /** Peak resident set size so far (VmHWM), MB. */
  double peakRssMb() {
    return procStatusKb("VmHWM:") / 1024.0;
  }

  /** Current resident set size (VmRSS), MB. */
  double rssMb() {
    return procStatusKb("VmRSS:") / 1024.0;
  }

  /** A full collection ({@code jcmd <pid> GC.run}), so that the GC log then shows the live heap. */
  void fullGc() {
    try {
      Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
          String.valueOf(pid()), "GC.run").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start();
      if (!jcmd.waitFor(60, TimeUnit.SECONDS) || jcmd.exitValue() != 0) {
        throw new IllegalStateException("jcmd " + pid() + " GC.run failed");
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run jcmd: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** SIGKILL ({@code kill -9}: no shutdown hook, no flush), then waits until the process is gone. */
  void kill() {
    process.destroyForcibly();
    awaitExit(Duration.ofSeconds(30));
  }

  /** Waits for the child to exit on its own; its exit status, or empty if it still runs after {@code timeout}. */
  OptionalInt awaitExit(Duration timeout) {
    try {
      return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)
          ? OptionalInt.of(process.exitValue()) : OptionalInt.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the " + name + " JVM", e);
    }
  }

  /** SIGTERM (the application's shutdown hook closes it cleanly), then SIGKILL after 60 s. */
  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  private long procStatusKb(String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid() + "/status"))) {
        if (line.startsWith(field)) {
          return Long.parseLong(line.substring(field.length()).replace("kB", "").strip());
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot read /proc/" + pid() + "/status (Linux only): " + e, e);
    }
    throw new IllegalStateException("no " + field + " in /proc/" + pid() + "/status");
  }
}
