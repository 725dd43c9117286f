package dev.costpipe.http;

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
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

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
  /** The longest a response may take: an endpoint that waits (ingest's Kafka acknowledgement) must stay below. */
  public static final Duration MAX_RESPONSE_TIME = Duration.ofSeconds(30);

  static {
    // The JDK server reads its timeouts once, from these properties, when it is first used (a user's own values win).
    System.getProperties().putIfAbsent("sun.net.httpserver.maxReqTime", Long.toString(MAX_REQUEST_TIME.toSeconds()));
    System.getProperties().putIfAbsent("sun.net.httpserver.maxRspTime", Long.toString(MAX_RESPONSE_TIME.toSeconds()));
    // Without TCP_NODELAY a response body written after its headers waits for the client's delayed ACK (~40 ms)
    System.getProperties().putIfAbsent("sun.net.httpserver.nodelay", "true");
  }

  private final HttpServer server;
  private final ExecutorService executor;
  private final List<BearerToken> bearerTokens;
  private final List<byte[]> tokens;

  private HttpEndpoints(HttpServer server, ExecutorService executor, List<BearerToken> bearerTokens) {
    this.server = server;
    this.executor = executor;
    this.bearerTokens = bearerTokens;
    this.tokens = bearerTokens.stream().map(t -> t.token().getBytes(StandardCharsets.UTF_8)).toList();
  }

  /** A handler of an endpoint that knows its caller's token: {@code properties} are those it adds (none without). */
  @FunctionalInterface
  public interface AuthenticatedHandler {
    void handle(HttpExchange exchange, Map<String, String> properties) throws IOException;
  }

  /**
   * A server on {@code settings}' address and {@code port} (0: any free port), not started yet.
   *
   * @param what what it serves ({@code metrics}), and {@code portSetting} the setting that chose the port: both
   *     named when the port is taken
   */
  public static HttpEndpoints create(HttpSettings settings, int port, String what, String portSetting)
      throws IOException {
    return create(settings, port, what, portSetting, THREADS);
  }

  /** As above with {@code threads} serving threads: endpoints that hold a request open (ingest) need more. */
  public static HttpEndpoints create(HttpSettings settings, int port, String what, String portSetting, int threads)
      throws IOException {
    List<BearerToken> tokens = settings.bearerTokens();
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(settings.bindAddress(), port), 64);
    } catch (BindException e) {
      throw new BindException("cannot serve " + what + " on port " + port + " of " + settings.bindAddress() + " ("
          + e.getMessage() + "): set " + portSetting + " to a free port, 0 for any, -1 for none");
    }
    AtomicInteger n = new AtomicInteger();
    ExecutorService executor = Executors.newFixedThreadPool(threads, r -> {
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

  /**
   * Serves {@code path} to holders of a token, passing the properties that token adds; answers 401 without
   * credentials and 403 with a token that is not in the file, so a misconfigured sender's log says which.
   *
   * @param refused told the status of each request refused so (for counting)
   */
  public void serveAuthenticated(String path, AuthenticatedHandler handler, IntConsumer refused) {
    server.createContext(path, e -> {
      if (tokens.isEmpty()) {
        handler.handle(e, Map.of());
        return;
      }
      String header = e.getRequestHeaders().getFirst("Authorization");
      if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
        try (e) {
          e.getResponseHeaders().set("WWW-Authenticate", "Bearer");
          e.sendResponseHeaders(401, -1);
        }
        refused.accept(401);
        return;
      }
      int match = matching(header);
      if (match < 0) {
        try (e) {
          e.getResponseHeaders().set("WWW-Authenticate", "Bearer error=\"invalid_token\"");
          e.sendResponseHeaders(403, -1);
        }
        refused.accept(403);
        return;
      }
      handler.handle(e, bearerTokens.get(match).properties());
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
    return matching(header) >= 0;
  }

  /** The index of the token a {@code Bearer} header holds, -1 for none. */
  private int matching(String header) {
    byte[] given = header.substring(7).strip().getBytes(StandardCharsets.UTF_8);
    int match = -1;
    for (int i = 0; i < tokens.size(); i++) {
      if (MessageDigest.isEqual(tokens.get(i), given) && match < 0) { // constant time, and every token compared
        match = i;
      }
    }
    return match;
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  /**
   * Stops accepting connections, then lets the requests in flight finish for up to {@code drain} before closing:
   * a graceful shutdown loses no request that was already being answered.
   */
  public void close(Duration drain) {
    server.stop((int) Math.max(1, drain.toSeconds()));
    executor.shutdown();
    try {
      executor.awaitTermination(drain.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    executor.shutdownNow();
  }
}
