package dev.costpipe.devtools.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.costpipe.engine.json.Json;
import dev.costpipe.notify.WebhookSignature;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;

/**
 * A webhook endpoint on 127.0.0.1 that receives costpipe's alert deliveries, checks their signature
 * and appends each alert as a JSON line to a file: alert delivery end to end, without an account
 * anywhere. Answers 204, or 401 when the signature does not match, 400 without a delivery id. A repeat of a
 * delivery id within the signature window (a replayed request, or costpipe's retry after an answer was lost) is
 * answered 200 and not written again ({@link SeenDeliveries}).
 */
public final class WebhookReceiver implements AutoCloseable {
  private static final Duration TOLERANCE = Duration.ofMinutes(5);
  private static final int MAX_REMEMBERED = 100_000;

  private final HttpServer server;
  private final byte[] secret;
  private final Path output;
  private final PrintStream log;
  private final SeenDeliveries seen = new SeenDeliveries(TOLERANCE, MAX_REMEMBERED);

  public WebhookReceiver(int port, byte[] secret, Path output, PrintStream log) throws IOException {
    this.secret = secret.clone();
    this.output = output;
    this.log = log;
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
    server.createContext("/", this::handle);
  }

  public void start() {
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(1);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!exchange.getRequestMethod().equals("POST")) {
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      var headers = exchange.getRequestHeaders();
      boolean signed = WebhookSignature.verify(secret, headers.getFirst(WebhookSignature.TIMESTAMP_HEADER), body,
          headers.getFirst(WebhookSignature.SIGNATURE_HEADER), TOLERANCE, Instant.now());
      if (!signed) {
        log.println("webhook-receiver: refused a delivery with a wrong or missing signature");
        exchange.sendResponseHeaders(401, -1);
        return;
      }
      String deliveryId = headers.getFirst(WebhookSignature.DELIVERY_ID_HEADER);
      if (deliveryId == null || deliveryId.isBlank()) {
        log.println("webhook-receiver: refused a delivery without " + WebhookSignature.DELIVERY_ID_HEADER);
        exchange.sendResponseHeaders(400, -1);
        return;
      }
      switch (seen.record(deliveryId, Instant.now())) {
        case REPEAT -> {
          log.println("webhook-receiver: delivery " + deliveryId + " already received: not written again");
          exchange.sendResponseHeaders(200, -1);
          return;
        }
        case FULL -> {
          log.println("webhook-receiver: too many deliveries within the signature window; answered 503");
          exchange.sendResponseHeaders(503, -1);
          return;
        }
        case FIRST -> { }
      }
      synchronized (this) {
        Files.write(output, (new String(body, StandardCharsets.UTF_8).strip() + "\n").getBytes(StandardCharsets.UTF_8),
            StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      }
      log.println("webhook-receiver: " + describe(body));
      exchange.sendResponseHeaders(204, -1);
    }
  }

  private static String describe(byte[] body) {
    try {
      JsonNode a = Json.MAPPER.readTree(body);
      return "alert " + a.path("rule_id").asText() + ": " + a.path("level_pct").asText() + "% of "
          + a.path("budget").asText() + " " + (a.path("metric").asText().equals("cost") ? "USD" : "requests")
          + " reached (spent " + a.path("spent").asText() + ", window from " + a.path("window_start").asText() + ")";
    } catch (IOException e) {
      return "a delivery that is not JSON (" + body.length + " bytes)";
    }
  }
}
