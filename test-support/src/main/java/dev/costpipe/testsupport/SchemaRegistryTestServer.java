package dev.costpipe.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real Confluent-compatible schema registry for tests: Apicurio Registry 2.1.5.Final (in-memory storage),
 * whose {@code /apis/ccompat/v6} is Confluent's REST API, in a child JVM on a free port of 127.0.0.1.
 *
 * <p>It is assembled from Maven Central by the wrapper project {@code test-support/src/main/registry-server}
 * (shipped in the test-support jar as {@code registry-server/pom.xml} + {@code settings.xml}) with a child
 * {@code mvn}, once per machine: the result is cached in {@code ~/.m2/costpipe-test-servers/} under a hash of
 * the wrapper project, so later test runs (and {@code mvn clean}) start it at once. The first build downloads
 * ~200 MB into the local Maven repository; its progress is printed, its log kept next to the cache.
 *
 * <p>{@link #shared()}: one registry per test JVM, started on first use with the global compatibility level
 * BACKWARD (Confluent's default; Apicurio's is NONE), stopped at JVM exit. If it cannot be built or started,
 * {@link IllegalStateException} says why, with the tail of the log: a test never passes without it.
 *
 * <p>{@link #pause()} / {@link #resume()}: an outage that keeps the registry's in-memory schemas (SIGSTOP /
 * SIGCONT): connections are still accepted by the kernel, requests get no answer and time out — the hung
 * registry — and after the resume it answers with the same ids. Resume in a {@code finally}: the registry is
 * shared.
 */
public final class SchemaRegistryTestServer {
  private static final String APICURIO_VERSION = "2.1.5.Final";
  private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(15);
  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(90);
  private static final Duration PROGRESS_EVERY = Duration.ofSeconds(10);
  private static final SharedOnce<SchemaRegistryTestServer> SHARED =
      new SharedOnce<>("schema-registry-test-server", SchemaRegistryTestServer::start, SchemaRegistryTestServer::stop);

  private final Process process;
  private final Path dir;
  private final int port;

  private SchemaRegistryTestServer(Process process, Path dir, int port) {
    this.process = process;
    this.dir = dir;
    this.port = port;
  }

  public static SchemaRegistryTestServer shared() {
    return SHARED.get();
  }

  /** The base URL of the Confluent-compatible API: the value of {@code schema.registry.url}. */
  public String url() {
    return "http://127.0.0.1:" + port + "/apis/ccompat/v6";
  }

  /** Serde configs pointing at this registry. */
  public Map<String, Object> configs() {
    return Map.of("schema.registry.url", url());
  }

  /** Freezes the registry's JVM (SIGSTOP): it answers nothing until {@link #resume()}. */
  public void pause() {
    signal("STOP");
  }

  /** Lets the registry's JVM go on (SIGCONT). */
  public void resume() {
    signal("CONT");
  }

  private void signal(String name) {
    List<ProcessHandle> registry = process.descendants().filter(p -> p.info().command().orElse("").endsWith("java"))
        .toList();
    if (registry.isEmpty()) {
      throw new IllegalStateException("the schema registry's JVM is not running");
    }
    for (ProcessHandle p : registry) {
      try {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(p.pid())).inheritIO().start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
          throw new IllegalStateException("kill -" + name + " " + p.pid() + " failed");
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------

  private static SchemaRegistryTestServer start() {
    Path app = built();
    Path dir;
    int port;
    try {
      dir = Files.createTempDirectory("costpipe-schema-registry-");
      port = ServerProcesses.freePorts(1)[0];
    } catch (IOException e) {
      throw new IllegalStateException("could not prepare the schema registry: " + e, e);
    }
    Path log = dir.resolve("registry.log");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String registry = String.join(" ", quote(java), "-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-Dquarkus.http.host=127.0.0.1", "-Dquarkus.http.port=" + port, "-jar", quote(app.toString()));
    // The shell stops the registry when this JVM is gone, even when its shutdown hooks never ran (kill -9).
    String watched = registry + " & child=$!; while kill -0 " + ProcessHandle.current().pid()
        + " 2>/dev/null && kill -0 $child 2>/dev/null; do sleep 1; done; kill $child 2>/dev/null; wait $child";
    Process process;
    try {
      process = new ProcessBuilder("sh", "-c", watched).directory(dir.toFile()).redirectErrorStream(true)
          .redirectOutput(log.toFile()).start();
    } catch (IOException e) {
      throw new IllegalStateException("could not start the schema registry: " + e, e);
    }
    SchemaRegistryTestServer server = new SchemaRegistryTestServer(process, dir, port);
    long begin = System.nanoTime();
    server.awaitReady(log);
    server.setGlobalCompatibility("BACKWARD");
    System.err.printf("[SchemaRegistryTestServer] Apicurio Registry %s ready at %s in %d ms%n", APICURIO_VERSION,
        server.url(), (System.nanoTime() - begin) / 1_000_000);
    return server;
  }

  /** {@code PUT /config}: the registry-wide compatibility level that Confluent's registry defaults to. */
  private void setGlobalCompatibility(String level) {
    HttpRequest put = HttpRequest.newBuilder(URI.create(url() + "/config"))
        .header("Content-Type", "application/vnd.schemaregistry.v1+json")
        .PUT(HttpRequest.BodyPublishers.ofString("{\"compatibility\":\"" + level + "\"}"))
        .timeout(Duration.ofSeconds(10)).build();
    try {
      HttpResponse<String> r = HttpClient.newHttpClient().send(put, HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IllegalStateException("PUT " + put.uri() + " answered " + r.statusCode() + ": " + r.body());
      }
    } catch (IOException e) {
      throw new IllegalStateException("could not set the registry's compatibility: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private void awaitReady(Path log) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
        .timeout(Duration.ofSeconds(5)).build();
    long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("the schema registry exited with status " + process.exitValue()
            + " before it was ready\n" + ServerProcesses.tail(log, 40));
      }
      try {
        if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for the schema registry", e);
      }
      ServerProcesses.sleep(200, "the schema registry");
    }
    stop();
    throw new IllegalStateException("the schema registry was not ready within " + STARTUP_TIMEOUT.toSeconds() + " s\n"
        + ServerProcesses.tail(log, 40));
  }

  private void stop() {
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    ServerProcesses.deleteRecursively(dir);
  }

  // ---------------------------------------------------------------------------------------------
  // Building the registry with a child mvn, once per machine

  /** {@code quarkus-run.jar} of the built registry, building it first when no cached build exists. */
  private static Path built() {
    byte[] pom = resource("registry-server/pom.xml");
    byte[] settings = resource("registry-server/settings.xml");
    Path cache = Path.of(System.getProperty("user.home"), ".m2", "costpipe-test-servers",
        "apicurio-registry-" + APICURIO_VERSION + "-" + hash(pom, settings));
    Path app = cache.resolve("target/quarkus-app/quarkus-run.jar");
    try {
      Files.createDirectories(cache);
      // Test JVMs of several modules or checkouts may start at once: one builds, the others wait for it.
      try (FileChannel lock = FileChannel.open(cache.resolve("build.lock"), StandardOpenOption.CREATE,
          StandardOpenOption.WRITE); var held = lock.lock()) {
        Path done = cache.resolve("build.done");
        if (Files.exists(done) && Files.exists(app)) {
          return app;
        }
        Files.write(cache.resolve("pom.xml"), pom);
        Files.write(cache.resolve("settings.xml"), settings);
        build(cache);
        if (!Files.exists(app)) {
          throw new IllegalStateException("the schema registry build finished without " + app + "\n"
              + ServerProcesses.tail(cache.resolve("build.log"), 40));
        }
        Files.writeString(done, APICURIO_VERSION);
        return app;
      }
    } catch (IOException e) {
      throw new IllegalStateException("could not build the schema registry in " + cache + ": " + e, e);
    }
  }

  private static void build(Path cache) throws IOException {
    List<String> command = new ArrayList<>(List.of(mvn(), "-B", "-s", "settings.xml", "-f", "pom.xml",
        "-Dquarkus.package.type=fast-jar", "package"));
    String repo = System.getProperty("maven.repo.local");
    if (repo != null) {
      command.add("-Dmaven.repo.local=" + repo);
    }
    Path log = cache.resolve("build.log");
    System.err.printf("[SchemaRegistryTestServer] building Apicurio Registry %s from Maven Central once (first time"
        + " ~1-2 min, ~200 MB into the local repository); log: %s%n", APICURIO_VERSION, log);
    long begin = System.nanoTime();
    Process mvn;
    try {
      mvn = new ProcessBuilder(command).directory(cache.toFile()).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new IllegalStateException("could not run Maven (" + command.get(0) + ") to build the schema registry: "
          + e.getMessage() + " — put mvn on the PATH or set MAVEN_HOME", e);
    }
    int downloads = 0;
    long nextProgress = System.nanoTime() + PROGRESS_EVERY.toNanos();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(mvn.getInputStream(), StandardCharsets.UTF_8));
        Writer logFile = Files.newBufferedWriter(log)) {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        logFile.write(line);
        logFile.write('\n');
        if (line.contains("Downloaded from")) {
          downloads++;
        }
        if (line.startsWith("[INFO] --- ") || line.startsWith("[ERROR]") || System.nanoTime() > nextProgress) {
          System.err.printf("[SchemaRegistryTestServer] %d s, %d artifacts downloaded: %s%n",
              (System.nanoTime() - begin) / 1_000_000_000, downloads, line);
          nextProgress = System.nanoTime() + PROGRESS_EVERY.toNanos();
        }
      }
    }
    int status;
    try {
      if (!mvn.waitFor(BUILD_TIMEOUT.toMinutes(), TimeUnit.MINUTES)) {
        mvn.destroyForcibly();
        throw new IllegalStateException("the schema registry build took longer than " + BUILD_TIMEOUT.toMinutes()
            + " min\n" + ServerProcesses.tail(log, 40));
      }
      status = mvn.exitValue();
    } catch (InterruptedException e) {
      mvn.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while building the schema registry", e);
    }
    if (status != 0) {
      throw new IllegalStateException("could not build the schema registry (Apicurio Registry " + APICURIO_VERSION
          + " from Maven Central): mvn exited with " + status + "; is Maven Central reachable? Full log: " + log + "\n"
          + ServerProcesses.tail(log, 40));
    }
    System.err.printf("[SchemaRegistryTestServer] built in %d s (%d artifacts downloaded)%n",
        (System.nanoTime() - begin) / 1_000_000_000, downloads);
  }

  private static String mvn() {
    String home = System.getenv("MAVEN_HOME");
    if (home != null && Files.isExecutable(Path.of(home, "bin", "mvn"))) {
      return Path.of(home, "bin", "mvn").toString();
    }
    return "mvn";
  }

  private static byte[] resource(String name) {
    try (InputStream in = SchemaRegistryTestServer.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(name + " is missing from the schemas test-jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String hash(byte[]... parts) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (byte[] p : parts) {
        sha.update(p);
      }
      return HexFormat.of().formatHex(sha.digest()).substring(0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String quote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }
}
