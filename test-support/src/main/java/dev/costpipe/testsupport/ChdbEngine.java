package dev.costpipe.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A current ClickHouse engine (26.x) for tests, through chDB: ClickHouse's engine as a library, run by
 * {@code node} on {@code test-support/chdb/runner.js} with a data directory of its own (MergeTree tables persist
 * there for the engine's life). Statements go one per line over the process's stdin; ClickHouse's error comes
 * back as the message of an {@link IllegalStateException}.
 *
 * <p>It is clickhouse-local, not a server: no HTTP interface, no replication, one statement at a time; its
 * session keeps temporary tables from one statement to the next. Needs Node.js and the chDB package that
 * {@code test-support/chdb/install.sh} installs: {@link #start()} runs it on first use (as the schema registry is
 * assembled on first use), and when that cannot be done throws one line saying what to run: tests never pass
 * without it.
 */
public final class ChdbEngine implements AutoCloseable, SqlEngine {

  /** Where runner.js and its node_modules are, relative to the repository's root. */
  private static final String CHDB_DIR = "test-support/chdb";
  private static final String INSTALL_HINT =
      "run test-support/chdb/install.sh once (needs Node.js 20+ and npm; it installs chDB, ClickHouse's engine"
          + " for the tests that check costpipe's SQL on ClickHouse 26)";
  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration STATEMENT_TIMEOUT = Duration.ofSeconds(60);

  private static final ObjectMapper JSON = JsonEachRowOutput.JSON;

  private final Process process;
  private final Path dir;
  private final Writer requests;
  private final BufferedReader answers;
  private final ExecutorService reader;
  private final String version;
  private boolean closed;

  private ChdbEngine(Process process, Path dir, ExecutorService reader) throws IOException {
    this.process = process;
    this.dir = dir;
    this.reader = reader;
    this.requests = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    this.answers = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    JsonNode first = answer("starting chDB", STARTUP_TIMEOUT);
    if (!first.hasNonNull("version")) {
      throw new IllegalStateException("chDB did not start: " + first.path("fatal").asText(first.toString())
          + "\n" + stderrTail());
    }
    this.version = first.get("version").asText();
  }

  /**
   * Starts an engine on a new temporary data directory; {@link #close()} stops it and deletes the directory.
   *
   * @throws IllegalStateException when node or the chDB package is missing (one line: what to run), or the
   *     engine does not start
   */
  public static ChdbEngine start() {
    Path chdb = chdbDirectory();
    if (!installed(chdb)) {
      install(chdb);
    }
    Path dir;
    try {
      dir = Files.createTempDirectory("costpipe-chdb-");
    } catch (IOException e) {
      throw new IllegalStateException("cannot create a data directory for chDB: " + e, e);
    }
    Process process;
    try {
      process = new ProcessBuilder("node", chdb.resolve("runner.js").toString(), dir.resolve("data").toString())
          .directory(dir.toFile())
          .redirectError(dir.resolve("runner.err").toFile())
          .start();
    } catch (IOException e) {
      ServerProcesses.deleteRecursively(dir);
      throw new IllegalStateException("cannot run node (" + e.getMessage() + "): " + INSTALL_HINT, e);
    }
    ExecutorService reader = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "chdb-answers");
      t.setDaemon(true);
      return t;
    });
    try {
      return new ChdbEngine(process, dir, reader);
    } catch (IOException | RuntimeException e) {
      process.destroyForcibly();
      reader.shutdownNow();
      ServerProcesses.deleteRecursively(dir);
      throw e instanceof IllegalStateException ise ? ise : new IllegalStateException("chDB did not start: " + e, e);
    }
  }

  /** The engine's ClickHouse version, e.g. {@code 26.7.2.1}. */
  public String version() {
    return version;
  }

  /** Runs one statement (DDL, INSERT, ALTER, OPTIMIZE …) and discards any output. */
  @Override
  public void execute(String sql) {
    run(sql, "TabSeparated");
  }

  /**
   * Runs one statement and returns its output in {@code format} (a {@code FORMAT} clause in the SQL wins), e.g.
   * {@code JSONEachRow}.
   */
  public synchronized String run(String sql, String format) {
    if (closed) {
      throw new IllegalStateException("chDB engine is closed");
    }
    try {
      requests.write(JSON.writeValueAsString(Map.of("sql", sql, "format", format)));
      requests.write('\n');
      requests.flush();
    } catch (IOException e) {
      throw new IllegalStateException("chDB's runner is gone (" + e.getMessage() + ")\n" + stderrTail(), e);
    }
    JsonNode answer = answer(sql, STATEMENT_TIMEOUT);
    if (answer.has("error")) {
      throw new IllegalStateException("ClickHouse " + version + " (chDB) refused [" + sql + "]: "
          + answer.get("error").asText());
    }
    return answer.path("result").asText();
  }

  /**
   * Runs one SELECT whose SQL ends in {@code FORMAT JSONEachRow} and returns its rows, columns in SELECT order,
   * read as {@link ClickHouseTestServer#query} reads them (decimals as {@link java.math.BigDecimal}).
   */
  @Override
  public List<Map<String, Object>> query(String sql) {
    return JsonEachRowOutput.rows(run(sql, "JSONEachRow"), sql);
  }

  /** Inserts JSONEachRow lines into {@code table} (database-qualified), as the sink's JSON encoding sends them. */
  public void insertJsonEachRow(String table, String rows) {
    execute("INSERT INTO " + table + " FORMAT JSONEachRow\n" + rows);
  }

  /** Stops the engine (closing its stdin ends the runner) and deletes its data directory. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      requests.close();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (IOException e) {
      process.destroyForcibly();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    } finally {
      reader.shutdownNow();
      ServerProcesses.deleteRecursively(dir);
    }
  }

  private JsonNode answer(String what, Duration timeout) {
    Future<String> line = reader.submit(answers::readLine);
    try {
      String text = line.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (text == null) {
        throw new IllegalStateException("chDB's runner exited (status " + exitStatus() + ") during " + head(what)
            + "\n" + stderrTail());
      }
      return JSON.readTree(text);
    } catch (TimeoutException e) {
      line.cancel(true);
      process.destroyForcibly();
      closed = true;
      throw new IllegalStateException("chDB gave no answer within " + timeout + " to " + head(what), e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot read chDB's answer to " + head(what) + ": " + e.getCause(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for chDB", e);
    } catch (IOException e) {
      throw new IllegalStateException("chDB's answer to " + head(what) + " is not JSON: " + e.getMessage(), e);
    }
  }

  private String exitStatus() {
    try {
      return process.waitFor(2, TimeUnit.SECONDS) ? String.valueOf(process.exitValue()) : "still running";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "unknown";
    }
  }

  private String stderrTail() {
    return ServerProcesses.tail(dir.resolve("runner.err"), 20);
  }

  private static String head(String sql) {
    String s = sql.strip();
    return s.length() > 120 ? s.substring(0, 120) + "…" : s;
  }

  private static boolean installed(Path chdb) {
    return Files.isDirectory(chdb.resolve("node_modules/chdb"))
        && Files.isDirectory(chdb.resolve("node_modules/@chdb/lib-linux-x64-gnu"));
  }

  /** Runs install.sh (a fresh checkout's first use); throws one line when it is missing or fails. */
  private static synchronized void install(Path chdb) {
    if (installed(chdb)) {
      return;
    }
    String notInstalled = "chDB is not installed in " + chdb.resolve("node_modules");
    Path script = chdb.resolve("install.sh");
    if (!Files.isRegularFile(script)) {
      throw new IllegalStateException(notInstalled + ": " + INSTALL_HINT);
    }
    System.err.println("ChdbEngine: installing chDB once (" + script + ", ~170 MB from the npm registry)");
    try {
      Path log = Files.createTempFile("costpipe-chdb-install-", ".log");
      Process p = new ProcessBuilder("bash", script.toString()).redirectErrorStream(true)
          .redirectOutput(log.toFile()).start();
      if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0 || !installed(chdb)) {
        p.destroyForcibly();
        throw new IllegalStateException(notInstalled + " and " + script + " failed (its output: " + log + "): "
            + INSTALL_HINT);
      }
      Files.delete(log);
    } catch (IOException e) {
      throw new IllegalStateException(notInstalled + " and installing it failed (" + e.getMessage() + "): "
          + INSTALL_HINT, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(notInstalled + ": interrupted while installing it", e);
    }
  }

  /**
   * {@code test-support/chdb} of this checkout: Maven runs a module's tests in the module's directory, so it is
   * found by walking up from there; the system property {@code costpipe.chdb.dir} names it elsewhere.
   */
  private static Path chdbDirectory() {
    String given = System.getProperty("costpipe.chdb.dir");
    if (given != null) {
      return Path.of(given).toAbsolutePath();
    }
    Path start = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    for (Path p = start; p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve(CHDB_DIR).resolve("runner.js"))) {
        return p.resolve(CHDB_DIR);
      }
    }
    throw new IllegalStateException("no " + CHDB_DIR + "/runner.js above " + start
        + " (set -Dcostpipe.chdb.dir to the directory that holds it)");
  }
}
