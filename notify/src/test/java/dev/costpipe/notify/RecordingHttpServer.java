package dev.costpipe.notify;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A real HTTP peer for the Slack and webhook channels: a JDK {@link HttpServer} on a free loopback port that
 * records every POST (path, headers, exact body bytes), checks the webhook signature on its own (its own
 * HMAC code, not {@link WebhookSignature}'s) and answers 401 to a bad one, and can be told to answer 500 to
 * the first N calls of a path, or to every call.
 */
final class RecordingHttpServer implements AutoCloseable {

  record Call(String path, Map<String, String> headers, byte[] body, int status, Boolean signatureValid) {
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(4);
  private final byte[] webhookSecret;
  private final List<Call> calls = new ArrayList<>();
  private final Map<String, AtomicInteger> failFirst = new ConcurrentHashMap<>();
  private final Map<String, Integer> alwaysFail = new ConcurrentHashMap<>();

  private RecordingHttpServer(byte[] webhookSecret) throws IOException {
    this.webhookSecret = webhookSecret;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  static RecordingHttpServer start(String webhookSecret) {
    try {
      return new RecordingHttpServer(webhookSecret.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  /** Answer 500 to the next {@code n} calls of this path. */
  void failFirst(String path, int n) {
    failFirst.put(path, new AtomicInteger(n));
  }

  /** Answer {@code status} to every call of this path. */
  void alwaysFail(String path, int status) {
    alwaysFail.put(path, status);
  }

  /** Answer 200 again on this path. */
  void recover(String path) {
    alwaysFail.remove(path);
    failFirst.remove(path);
  }

  List<Call> calls(String path) {
    synchronized (calls) {
      return calls.stream().filter(c -> c.path().equals(path)).toList();
    }
  }

  /** Calls of this path that were answered 2xx. */
  List<Call> accepted(String path) {
    return calls(path).stream().filter(c -> c.status() / 100 == 2).toList();
  }

  private void handle(HttpExchange ex) throws IOException {
    byte[] body;
    try (InputStream in = ex.getRequestBody()) {
      body = in.readAllBytes();
    }
    Map<String, String> headers = new TreeMap<>();
    ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
    String path = ex.getRequestURI().getPath();
    Boolean signatureValid = null;
    int status = 200;
    String answer = "ok";
    if (headers.containsKey("x-costpipe-signature")) {
      signatureValid = verify(headers.get("x-costpipe-timestamp"), body, headers.get("x-costpipe-signature"));
      if (!signatureValid) {
        status = 401;
        answer = "bad signature";
      }
    }
    if (!"POST".equals(ex.getRequestMethod())) {
      status = 405;
      answer = "POST only";
    } else if (status == 200 && alwaysFail.containsKey(path)) {
      status = alwaysFail.get(path);
      answer = "internal error";
    } else if (status == 200 && failFirst.containsKey(path) && failFirst.get(path).getAndDecrement() > 0) {
      status = 500;
      answer = "internal error (flaky)";
    }
    synchronized (calls) {
      calls.add(new Call(path, headers, body, status, signatureValid));
    }
    byte[] out = answer.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "text/plain");
    ex.sendResponseHeaders(status, out.length);
    try (OutputStream os = ex.getResponseBody()) {
      os.write(out);
    }
  }

  /** The receiver's side of the scheme, written independently: HMAC-SHA256(secret, t + "." + body), hex. */
  private boolean verify(String timestamp, byte[] body, String signature) {
    if (timestamp == null || signature == null || !timestamp.matches("\\d+")) {
      return false;
    }
    if (Math.abs(Instant.now().getEpochSecond() - Long.parseLong(timestamp)) > Duration.ofMinutes(5).toSeconds()) {
      return false;
    }
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(webhookSecret, "HmacSHA256"));
      byte[] signed = (timestamp + ".").getBytes(StandardCharsets.US_ASCII);
      byte[] message = new byte[signed.length + body.length];
      System.arraycopy(signed, 0, message, 0, signed.length);
      System.arraycopy(body, 0, message, signed.length, body.length);
      StringBuilder hex = new StringBuilder("sha256=");
      for (byte b : mac.doFinal(message)) {
        hex.append(String.format("%02x", b));
      }
      return java.security.MessageDigest.isEqual(hex.toString().getBytes(StandardCharsets.US_ASCII),
          signature.getBytes(StandardCharsets.US_ASCII));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
