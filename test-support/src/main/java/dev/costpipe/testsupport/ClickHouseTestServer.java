package dev.costpipe.testsupport;

import com.clickhouse.client.api.Client;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real, throwaway ClickHouse server for tests: own temp directory, own free ports, bound to 127.0.0.1,
 * user {@code default} without password, timezone UTC.
 *
 * <p>Use {@link #shared()} from test classes (one server per JVM, stopped by a shutdown hook), or
 * {@link #start()} + {@link #close()} when a test needs a server of its own. If the server cannot be
 * started, both throw {@link IllegalStateException} saying why: tests never pass silently without it.
 *
 * <p>Written against the Debian {@code clickhouse-server} 18.16 available on CI (see .ci/run) and
 * {@code com.clickhouse:client-v2:0.9.9}. Use fully qualified table names and one statement per request.
 */
public final class ClickHouseTestServer implements AutoCloseable, SqlEngine {

    private static final String BINARY = "clickhouse-server";
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);
    private static final int START_ATTEMPTS = 3;

    // Decimals must come back exactly: without USE_BIG_DECIMAL_FOR_FLOATS Jackson would parse
    // Decimal(38,12) values into doubles.
    private static final SharedOnce<ClickHouseTestServer> SHARED =
            new SharedOnce<>("clickhouse-test-server", () -> start(true), ClickHouseTestServer::stop);

    private final Path dir;
    private final int httpPort;
    private final int tcpPort;
    private final long pid;
    private final boolean isShared;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private Client client;
    private boolean closed;

    private ClickHouseTestServer(Path dir, int httpPort, int tcpPort, long pid, boolean isShared) {
        this.dir = dir;
        this.httpPort = httpPort;
        this.tcpPort = tcpPort;
        this.pid = pid;
        this.isShared = isShared;
    }

    /** Starts a new server that the caller owns and must {@link #close()}. */
    public static ClickHouseTestServer start() {
        return start(false);
    }

    /**
     * Starts a server that the caller owns, on the given ports, with {@code extraConfig} (XML elements such
     * as {@code zookeeper}, {@code macros}, {@code remote_servers}, {@code interserver_http_port}) added to its
     * config.xml: for replicated-cluster tests, whose members must know each other's ports before they start.
     */
    public static ClickHouseTestServer start(int httpPort, int tcpPort, String extraConfig) {
        return launch(findBinary(), false, new int[] {httpPort, tcpPort}, extraConfig);
    }

    /**
     * The server shared by all tests of this JVM, started on first use and stopped at JVM exit.
     * {@link #close()} on it is a no-op, so a test's try-with-resources cannot stop it for the others.
     * If it failed to start once, every later call throws the same failure instead of retrying for 30 s.
     */
    public static ClickHouseTestServer shared() {
        return SHARED.get();
    }

    private static ClickHouseTestServer start(boolean isShared) {
        Path binary = findBinary();
        IllegalStateException last = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            try {
                return launch(binary, isShared, null, "");
            } catch (PortTakenException e) {
                // Free ports are picked by binding port 0 and releasing it, so another process can grab
                // one before ClickHouse binds it. Retry with fresh ports.
                if (attempt < START_ATTEMPTS) {
                    ServerProcesses.deleteRecursively(e.dir);
                }
                last = e;
            }
        }
        throw last;
    }

    /** The server's process id: benchmarks read its CPU time. */
    public long pid() {
        return pid;
    }

    /** Base URL of the HTTP interface, e.g. {@code http://127.0.0.1:34567}. */
    public String httpUrl() {
        return "http://127.0.0.1:" + httpPort;
    }

    /** Port of the native TCP interface on 127.0.0.1, for {@code clickhouse-client --port}. */
    public int tcpPort() {
        return tcpPort;
    }

    /**
     * A client-v2 client for this server, owned by the server (do not close it). Configured the way
     * that works on 18.16: server response compression off (otherwise SELECT bodies come back empty).
     * 18.16 ignores the default-database header: use fully qualified table names.
     */
    public synchronized Client client() {
        if (client == null) {
            client = new Client.Builder()
                    .addEndpoint(httpUrl())
                    .setUsername("default")
                    .setPassword("")
                    .compressServerResponse(false)
                    .build();
        }
        return client;
    }

    /**
     * Runs one statement (DDL, INSERT ... VALUES, ALTER, OPTIMIZE ...) and discards any output.
     * Goes over plain HTTP rather than client-v2, because client-v2 0.9.9 reports every 18.16 error as
     * "Unreadable error message"; here the exception message carries the server's error text.
     */
    @Override
    public void execute(String sql) {
        post(sql);
    }

    /**
     * Runs one SELECT whose SQL ends in {@code FORMAT JSONEachRow} (nothing is appended) and returns its
     * rows, columns in SELECT order. Decimals and floats come back as {@link java.math.BigDecimal};
     * 64-bit integers as JSON strings (ClickHouse quotes them by default); DateTime as
     * {@code "yyyy-MM-dd HH:mm:ss"} strings.
     */
    @Override
    public List<Map<String, Object>> query(String sql) {
        return JsonEachRowOutput.rows(post(sql), sql);
    }

    /** Stops the server and deletes its directory. No-op on the {@link #shared()} instance. */
    @Override
    public void close() {
        if (!isShared) {
            stop();
        }
    }

    private synchronized void stop() {
        if (closed) {
            return;
        }
        closed = true;
        if (client != null) {
            client.close();
        }
        Optional<ProcessHandle> process = ProcessHandle.of(pid);
        if (process.isPresent()) {
            ProcessHandle handle = process.get();
            handle.destroy(); // SIGTERM: a clean shutdown takes about 2 s
            if (!waitForExit(handle, STOP_TIMEOUT)) {
                handle.destroyForcibly();
                waitForExit(handle, Duration.ofSeconds(5));
            }
        }
        ServerProcesses.deleteRecursively(dir);
    }

    // ---------------------------------------------------------------------------------------------

    private static ClickHouseTestServer launch(Path binary, boolean isShared, int[] givenPorts, String extraConfig) {
        Path dir;
        int httpPort;
        int tcpPort;
        try {
            dir = Files.createTempDirectory("costpipe-clickhouse-");
            // Every directory must exist up front: with a missing log directory, 18.16 in --daemon
            // mode exits with status 0 and logs nothing anywhere.
            for (String sub : List.of("data", "tmp", "user_files", "format_schemas", "log")) {
                Files.createDirectories(dir.resolve(sub));
            }
            int[] ports = givenPorts != null ? givenPorts : ServerProcesses.freePorts(2);
            httpPort = ports[0];
            tcpPort = ports[1];
            Files.writeString(dir.resolve("config.xml"), configXml(dir, httpPort, tcpPort, extraConfig));
            Files.writeString(dir.resolve("users.xml"), USERS_XML);
        } catch (IOException e) {
            throw new IllegalStateException("cannot prepare a directory for the ClickHouse test server: " + e, e);
        }

        Path pidFile = dir.resolve("clickhouse.pid");
        Path launcherOut = dir.resolve("log/launcher.out");
        try {
            // --daemon forks and the launcher exits at once; the server's pid is read from the pid file.
            Process launcher = new ProcessBuilder(binary.toString(),
                    "--config-file=" + dir.resolve("config.xml"),
                    "--pid-file=" + pidFile,
                    "--daemon")
                    .directory(dir.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectErrorStream(true)
                    .redirectOutput(launcherOut.toFile())
                    .start();
            if (!launcher.waitFor(STARTUP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                launcher.destroyForcibly();
                throw failure("`" + binary + " --daemon` did not return", dir);
            }
            if (launcher.exitValue() != 0) {
                throw failure("`" + binary + " --daemon` exited with status " + launcher.exitValue(), dir);
            }
        } catch (IOException e) {
            throw failure("cannot run " + binary + ": " + e, dir);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure("interrupted while starting ClickHouse", dir);
        }

        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        URI ping = URI.create("http://127.0.0.1:" + httpPort + "/ping");
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        Long pid = null;
        while (System.nanoTime() < deadline) {
            if (pid == null) {
                pid = readPid(pidFile);
            }
            if (pid != null && !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)
                    || loggedShutdown(dir)) {
                throw failure("clickhouse-server exited during startup", dir);
            }
            if (pid != null && pinged(http, ping)) {
                requireOwnServer(http, httpPort, dir, pid);
                ClickHouseTestServer server = new ClickHouseTestServer(dir, httpPort, tcpPort, pid, isShared);
                startWatchdog(pid, dir);
                return server;
            }
            ServerProcesses.sleep(50, "ClickHouse");
        }
        if (pid != null) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
        throw failure("clickhouse-server did not answer " + ping + " within " + STARTUP_TIMEOUT.toSeconds()
                + " s" + (pid == null ? " and never wrote its pid file " + pidFile : ""), dir);
    }

    private static IllegalStateException failure(String what, Path dir) {
        String logs = ServerProcesses.tail(dir.resolve("log/launcher.out"), 20)
                + ServerProcesses.tail(dir.resolve("log/clickhouse-server.err.log"), 40)
                + ServerProcesses.tail(dir.resolve("log/clickhouse-server.log"), 40);
        String message = "ClickHouse test server failed to start: " + what
                + ". Its directory is kept for inspection: " + dir + "\n" + logs;
        return logs.contains("Address already in use")
                ? new PortTakenException(message, dir)
                : new IllegalStateException(message);
    }

    private static final class PortTakenException extends IllegalStateException {
        final transient Path dir;

        PortTakenException(String message, Path dir) {
            super(message);
            this.dir = dir;
        }
    }

    /**
     * If the JVM is killed (e.g. a surefire fork timeout) the shutdown hook never runs and the daemon
     * would keep running; this small shell loop stops it and removes its directory once the JVM is gone.
     */
    private static void startWatchdog(long serverPid, Path dir) {
        long jvmPid = ProcessHandle.current().pid();
        String script = "while kill -0 " + jvmPid + " 2>/dev/null && kill -0 " + serverPid + " 2>/dev/null;"
                + " do sleep 2; done;"
                + " if kill -0 " + serverPid + " 2>/dev/null; then kill " + serverPid + ";"
                + " sleep 5; kill -9 " + serverPid + " 2>/dev/null; rm -rf '" + dir + "'; fi";
        try {
            new ProcessBuilder("sh", "-c", script)
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException e) {
            // Only a safety net for killed JVMs; normal shutdown does not need it.
        }
    }

    private static Path findBinary() {
        List<Path> candidates = new ArrayList<>();
        for (String entry : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!entry.isEmpty()) {
                candidates.add(Path.of(entry, BINARY));
            }
        }
        // Debian installs it in /usr/sbin, which is not on a non-root user's PATH.
        candidates.add(Path.of("/usr/sbin", BINARY));
        for (Path candidate : candidates) {
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException(BINARY + " not found on PATH (" + System.getenv("PATH")
                + ") nor in /usr/sbin: install it with `apt-get install -y clickhouse-server clickhouse-client`"
                + " (see .ci/run)");
    }

    private String post(String sql) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(httpUrl() + "/"))
                .timeout(Duration.ofMinutes(2))
                .POST(HttpRequest.BodyPublishers.ofString(sql, StandardCharsets.UTF_8))
                .build();
        HttpResponse<String> response;
        try {
            try {
                response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            } catch (IOException stale) {
                // the server closes idle keep-alive connections after 1 s (see configXml); a request sent on one
                // just as it closed never reached it ("header parser received no bytes"): once more, on a new one
                response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot reach ClickHouse at " + httpUrl() + " for SQL [" + sql + "]", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        if (response.statusCode() != 200) {
            throw new IllegalStateException("ClickHouse error (HTTP " + response.statusCode() + ") for SQL ["
                    + sql + "]: " + response.body().strip());
        }
        return response.body();
    }

    private static boolean pinged(HttpClient http, URI ping) {
        try {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(ping).timeout(Duration.ofSeconds(2)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 && response.body().startsWith("Ok.");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for ClickHouse", e);
        }
    }

    /**
     * The free ports are picked by binding and releasing them, so the server answering the ping may be another
     * process's, bound to the port in between (ours then fails to bind it): tests would run against a server
     * with other state. The server's own data path (system.databases) names the directory it was started in.
     */
    private static void requireOwnServer(HttpClient http, int httpPort, Path dir, long pid) {
        String expected = dir.toAbsolutePath() + "/data/";
        String path;
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort
                            + "/")).timeout(Duration.ofSeconds(5)).POST(HttpRequest.BodyPublishers.ofString(
                            "SELECT metadata_path FROM system.databases WHERE name = 'system'")).build(),
                    HttpResponse.BodyHandlers.ofString());
            path = response.body().strip();
        } catch (IOException e) {
            path = "no answer: " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking the ClickHouse test server", e);
        }
        if (!path.startsWith(expected)) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            throw new PortTakenException("port " + httpPort + " is answered by another ClickHouse server (its path: "
                    + path + ", ours: " + expected + ")", dir);
        }
    }

    // A server that fails early (bad config, port taken) may exit before its pid file is seen.
    private static boolean loggedShutdown(Path dir) {
        try {
            return Files.readString(dir.resolve("log/clickhouse-server.log")).contains("Application: shutting down");
        } catch (IOException e) {
            return false;
        }
    }

    private static Long readPid(Path pidFile) {
        try {
            String text = Files.readString(pidFile).strip();
            return text.isEmpty() ? null : Long.valueOf(text);
        } catch (IOException | NumberFormatException e) {
            return null; // not written (completely) yet
        }
    }

    private static boolean waitForExit(ProcessHandle handle, Duration timeout) {
        try {
            handle.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !handle.isAlive();
        } catch (java.util.concurrent.ExecutionException e) {
            return !handle.isAlive();
        }
    }

    // No interserver_http_port: without it no replication listener is opened (and no third port needed).
    // keep_alive_timeout 1 s: on SIGTERM, 18.16 waits for every idle keep-alive connection (any client's
    // pool) to time out, and the built-in default is 10 s, which made each stop take ~11 s instead of ~2 s.
    private static String configXml(Path dir, int httpPort, int tcpPort, String extraConfig) {
        return """
                <?xml version="1.0"?>
                <yandex>
                    <logger>
                        <level>information</level>
                        <log>%1$s/log/clickhouse-server.log</log>
                        <errorlog>%1$s/log/clickhouse-server.err.log</errorlog>
                        <size>100M</size>
                        <count>1</count>
                    </logger>
                    <listen_host>127.0.0.1</listen_host>
                    <http_port>%2$d</http_port>
                    <tcp_port>%3$d</tcp_port>
                    <path>%1$s/data/</path>
                    <tmp_path>%1$s/tmp/</tmp_path>
                    <user_files_path>%1$s/user_files/</user_files_path>
                    <format_schema_path>%1$s/format_schemas/</format_schema_path>
                    <users_config>%1$s/users.xml</users_config>
                    <default_profile>default</default_profile>
                    <default_database>default</default_database>
                    <timezone>UTC</timezone>
                    <mark_cache_size>268435456</mark_cache_size>
                    <max_concurrent_queries>100</max_concurrent_queries>
                    <keep_alive_timeout>1</keep_alive_timeout>
                %4$s
                </yandex>
                """.formatted(dir.toAbsolutePath(), httpPort, tcpPort, extraConfig);
    }

    // allow_experimental_low_cardinality_type is needed for LowCardinality on 18.16 (obsolete, harmless later).
    private static final String USERS_XML = """
            <?xml version="1.0"?>
            <yandex>
                <profiles>
                    <default>
                        <allow_experimental_low_cardinality_type>1</allow_experimental_low_cardinality_type>
                    </default>
                </profiles>
                <users>
                    <default>
                        <password></password>
                        <networks>
                            <ip>127.0.0.1</ip>
                            <ip>::1</ip>
                        </networks>
                        <profile>default</profile>
                        <quota>default</quota>
                    </default>
                </users>
                <quotas>
                    <default></default>
                </quotas>
            </yandex>
            """;
}
