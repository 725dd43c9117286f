package dev.costpipe.app.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one HTTP server of costpipe's endpoints (the JDK's {@code com.sun.net.httpserver}), configured by
 * {@link HttpSettings}: it listens on the bind address only; with a tokens file every endpoint but the probes
 * requires {@code Authorization: Bearer <token>} (401 otherwise); requests are served by {@value #THREADS}
 * threads, and a client that takes longer than {@link #MAX_REQUEST_TIME} to send its request is cut off, so a
 * slow or stuck client cannot hold the thread a health check needs.
 */
public final class HttpEndpoints implements AutoCloseable {
  static final int THREADS = 4;
  static final Duration MAX_REQUEST_TIME = Duration.ofSeconds(5);
  static final Duration MAX_RESPONSE_TIME = Duration.ofSeconds(30);

  static {
    // The JDK server reads its timeouts once, from these properties, when it is first used (a user's own values win).
    System.getProperties().putIfAbsent("sun.net.httpserver.maxReqTime", Long.toString(MAX_REQUEST_TIME.toSeconds()));
    System.getProperties().putIfAbsent("sun.net.httpserver.maxRspTime", Long.toString(MAX_RESPONSE_TIME.toSeconds()));
    // an answer's headers and body are two writes: with Nagle's algorithm the body waited for the client's delayed
    // ACK, ~40 ms per POST /v1/budgets/check
    System.getProperties().putIfAbsent("sun.net.httpserver.nodelay", "true");
  }

  private final HttpServer server;
  private final ExecutorService executor;
  private final List<byte[]> tokens;

  private HttpEndpoints(HttpServer server, ExecutorService executor, List<byte[]> tokens) {
    this.server = server;
    this.executor = executor;
    this.tokens = tokens;
  }

  /**
   * A server on {@code settings}' address and {@code port} (0: any free port), not started yet.
   *
   * @param what what it serves ({@code metrics}), and {@code portSetting} the setting that chose the port: both
   *     named when the port is taken
   */
  public static HttpEndpoints create(HttpSettings settings, int port, String what, String portSetting)
      throws IOException {
    List<byte[]> tokens = settings.tokens().stream().map(t -> t.getBytes(StandardCharsets.UTF_8)).toList();
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(settings.bindAddress(), port), 64);
    } catch (BindException e) {
      throw new BindException("cannot serve " + what + " on port " + port + " of " + settings.bindAddress() + " ("
          + e.getMessage() + "): set " + portSetting + " to a free port, 0 for any, -1 for none");
    }
    AtomicInteger n = new AtomicInteger();
    ExecutorService executor = Executors.newFixedThreadPool(THREADS, r -> {
      Thread t = new Thread(r, "costpipe-http-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    return new HttpEndpoints(server, executor, tokens);
  }

  /** Serves {@code path} to holders of a token (to anyone without a tokens file). */
  public void serve(String path, HttpHandler handler) {
    server.createContext(path, e -> {
      if (authorized(e)) {
        handler.handle(e);
      } else {
        try (e) {
          e.getResponseHeaders().set("WWW-Authenticate", "Bearer");
          e.sendResponseHeaders(401, -1);
        }
      }
    });
  }

  /** Serves a probe ({@code /health/*}) to anyone: orchestrators probe without credentials. */
  public void serveProbe(String path, HttpHandler handler) {
    server.createContext(path, handler);
  }

  public void start() {
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** {@code host:port} as bound. */
  public String address() {
    return server.getAddress().getHostString() + ":" + port();
  }

  public boolean requiresTokens() {
    return !tokens.isEmpty();
  }

  private boolean authorized(HttpExchange e) {
    if (tokens.isEmpty()) {
      return true;
    }
    String header = e.getRequestHeaders().getFirst("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    byte[] given = header.substring(7).strip().getBytes(StandardCharsets.UTF_8);
    boolean match = false;
    for (byte[] token : tokens) {
      match |= MessageDigest.isEqual(token, given); // constant time, and every token compared
    }
    return match;
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
