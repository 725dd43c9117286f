package dev.costpipe.app.budgets;

import com.fasterxml.jackson.databind.JsonNode;
import dev.costpipe.engine.json.Json;
import dev.costpipe.http.HttpEndpoints;
import dev.costpipe.http.HttpSettings;
import dev.costpipe.topology.app.CostpipeApplication;
import dev.costpipe.topology.it.PipelineHarness;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.streams.KafkaStreams;

/** One application instance in this JVM with the query endpoints on its own HTTP server, as `costpipe run` serves. */
final class QueryInstance implements AutoCloseable {
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  /** An answer: status, {@code Retry-After}, body. */
  record Answer(int status, String retryAfter, JsonNode body) {}

  final CostpipeApplication app;
  final HttpEndpoints server;

  /** Serving already (503 until started). */
  QueryInstance(Properties settings) throws IOException {
    this(settings, HttpSettings.DEFAULT);
  }

  /** As above, on a server of {@code http}'s bind address and tokens. */
  QueryInstance(Properties settings, HttpSettings http) throws IOException {
    app = new CostpipeApplication(settings);
    server = HttpEndpoints.create(http, 0, "queries", "costpipe.metrics.port");
    QueryEndpoints.serve(server, http, app);
    server.start();
  }

  void start() throws Exception {
    app.start();
  }

  boolean running() {
    KafkaStreams s = app.streams();
    return s != null && s.state() == KafkaStreams.State.RUNNING;
  }

  /**
   * Whether this instance's global store of rules holds {@code rule} under {@code id} now (null: no rule), as the
   * endpoints read it; false while the store cannot be read.
   */
  boolean storesRule(String id, String rule) {
    return PipelineHarness.storesRule(app, id, rule);
  }

  String address() {
    return "127.0.0.1:" + server.port();
  }

  Answer get(String pathAndQuery) {
    return send(HttpRequest.newBuilder(uri(pathAndQuery)).GET());
  }

  /** GET with {@code Authorization: Bearer token}. */
  Answer get(String pathAndQuery, String token) {
    return send(HttpRequest.newBuilder(uri(pathAndQuery)).header("Authorization", "Bearer " + token).GET());
  }

  Answer post(String path, String json) {
    return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  /** POST with {@code Authorization: Bearer token}. */
  Answer post(String path, String json, String token) {
    return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
        .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  private URI uri(String pathAndQuery) {
    return URI.create("http://" + address() + pathAndQuery);
  }

  private static Answer send(HttpRequest.Builder request) {
    try {
      HttpResponse<String> r = HTTP.send(request.timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
      return new Answer(r.statusCode(), r.headers().firstValue("Retry-After").orElse(null),
          Json.MAPPER.readTree(r.body()));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    app.close();
    server.close();
  }
}
