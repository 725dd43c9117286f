package dev.costpipe.testsupport;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Stops and starts again, on the same data directory and ports, the clickhouse-server process behind a
 * dedicated {@code ClickHouseTestServer.start()}: the harness has no restart, so its process is found by the
 * HTTP port in its config file ({@code /proc/<pid>/cmdline} holds {@code --config-file=DIR/config.xml}).
 * A server started here is stopped by {@link #stop()} (and by a watchdog if the test JVM dies); call it
 * before the harness's {@code close()}, which deletes the directory. Used by the ClickHouse outage tests and
 * the soak run (bench).
 */
public final class ClickHouseServerProcess {
  private final Path configFile;
  private final int httpPort;
  private long pid;

  private ClickHouseServerProcess(long pid, Path configFile, int httpPort) {
    this.pid = pid;
    this.configFile = configFile;
    this.httpPort = httpPort;
  }

  public static ClickHouseServerProcess of(String httpUrl) {
    int port = URI.create(httpUrl).getPort();
    for (ProcessHandle p : ProcessHandle.allProcesses().toList()) {
      List<String> args = cmdline(p.pid());
      if (args.isEmpty() || !args.get(0).contains("clickhouse")) {
        continue;
      }
      for (String arg : args) {
        if (arg.startsWith("--config-file=")) {
          Path config = Path.of(arg.substring("--config-file=".length()));
          try {
            if (Files.readString(config).contains("<http_port>" + port + "</http_port>")) {
              return new ClickHouseServerProcess(p.pid(), config, port);
            }
          } catch (IOException e) {
            // another server's directory, gone meanwhile
          }
        }
      }
    }
    throw new IllegalStateException("no clickhouse-server process with http_port " + port + " found in /proc");
  }

  private static List<String> cmdline(long pid) {
    try {
      String raw = new String(Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline")), StandardCharsets.UTF_8);
      return raw.isEmpty() ? List.of() : List.of(raw.split("\0"));
    } catch (IOException | RuntimeException e) {
      return List.of();
    }
  }

  public synchronized long pid() {
    return pid;
  }

  /** SIGTERM, then waits until the process is gone (SIGKILL after 15 s). */
  public synchronized void stop() {
    stop(Duration.ofSeconds(15));
  }

  /**
   * SIGTERM, SIGKILL if it is still running after {@code grace}, and waits until it is gone. (18.16 keeps
   * serving open keep-alive connections after SIGTERM until they idle, so a busy client delays its exit.)
   */
  public synchronized void stop(Duration grace) {
    Optional<ProcessHandle> p = ProcessHandle.of(pid);
    if (p.isEmpty()) {
      return;
    }
    p.get().destroy();
    try {
      p.get().onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      p.get().destroyForcibly();
      try {
        p.get().onExit().get(10, TimeUnit.SECONDS);
      } catch (Exception again) {
        throw new IllegalStateException("clickhouse-server " + pid + " did not exit", again);
      }
    }
  }

  /** Starts clickhouse-server again with the same config (same directory, same ports) and waits for /ping. */
  public synchronized void start() throws Exception {
    Path dir = configFile.getParent();
    Path pidFile = dir.resolve("clickhouse.pid");
    Files.deleteIfExists(pidFile);
    Process launcher = new ProcessBuilder(binary(), "--config-file=" + configFile, "--pid-file=" + pidFile, "--daemon")
        .directory(dir.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("log/restart.out").toFile()))
        .start();
    if (!launcher.waitFor(30, TimeUnit.SECONDS) || launcher.exitValue() != 0) {
      throw new IllegalStateException("clickhouse-server --daemon failed to restart; see " + dir.resolve("log"));
    }
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      try {
        String text = Files.exists(pidFile) ? Files.readString(pidFile).strip() : "";
        if (!text.isEmpty()) {
          HttpResponse<String> ping = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort
              + "/ping")).timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
          if (ping.statusCode() == 200) {
            pid = Long.parseLong(text);
            watchdog(pid);
            return;
          }
        }
      } catch (IOException | NumberFormatException e) {
        // not up yet
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("restarted clickhouse-server did not answer /ping within 30 s");
  }

  private static String binary() {
    for (String dir : (System.getenv().getOrDefault("PATH", "") + ":/usr/sbin").split(":")) {
      Path p = Path.of(dir.isEmpty() ? "." : dir, "clickhouse-server");
      if (Files.isExecutable(p)) {
        return p.toString();
      }
    }
    throw new IllegalStateException("clickhouse-server not found");
  }

  /** Stops the restarted server if this JVM dies without stopping it (e.g. a surefire timeout). */
  private static void watchdog(long serverPid) throws IOException {
    long jvm = ProcessHandle.current().pid();
    new ProcessBuilder("sh", "-c", "while kill -0 " + jvm + " 2>/dev/null && kill -0 " + serverPid
        + " 2>/dev/null; do sleep 2; done; kill " + serverPid + " 2>/dev/null")
        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
  }
}
