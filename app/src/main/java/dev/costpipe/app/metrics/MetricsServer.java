package dev.costpipe.app.metrics;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import dev.costpipe.http.HttpEndpoints;
import dev.costpipe.http.HttpSettings;
import dev.costpipe.contracts.settings.CostpipeSettings;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The metrics port of a component: {@code /metrics} (Prometheus text format), {@code /health/live} and
 * {@code /health/ready} (200 when up, 503 when not, with a short JSON body saying why), served by
 * {@link HttpEndpoints} with the {@code costpipe.http.*} settings (bind address, bearer tokens for
 * {@code /metrics}; the probes stay open).
 */
public final class MetricsServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MetricsServer.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final PrometheusMeterRegistry registry;
  private final ComponentProbe probe;
  private final JvmGcMetrics gc = new JvmGcMetrics();
  private final HttpEndpoints server;

  private MetricsServer(int port, HttpSettings http, String component, ComponentProbe probe) throws IOException {
    this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    this.probe = probe;
    registry.config().commonTags("component", component);
    probe.configure(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    probe.bindTo(registry);
    Gauge.builder("costpipe.ready", probe, p -> p.ready().ok() ? 1 : 0)
        .description("1 when the component is ready (as /health/ready), else 0").register(registry);
    try {
      server = HttpEndpoints.create(http, port, "metrics", CostpipeSettings.METRICS_PORT.key());
    } catch (IOException | RuntimeException e) {
      gc.close();
      registry.close();
      throw e;
    }
    server.serve("/metrics", this::metrics);
    server.serveProbe("/health/live", e -> health(e, probe::live));
    server.serveProbe("/health/ready", e -> health(e, probe::ready));
    server.start();
  }

  /**
   * Starts the endpoint on {@code port} (0: any free port), or returns null when the port is -1 (off).
   *
   * @param component run, sink or notify: the {@code component} tag of every meter
   */
  public static MetricsServer start(int port, HttpSettings http, String component, ComponentProbe probe)
      throws IOException {
    if (port < 0) {
      LOG.info("metrics endpoint off (costpipe.metrics.port={})", port);
      return null;
    }
    MetricsServer s = new MetricsServer(port, http, component, probe);
    LOG.info("metrics on http://{}/metrics{}, health on /health/live and /health/ready", s.server.address(),
        s.server.requiresTokens() ? " (bearer token required)" : "");
    return s;
  }

  public int port() {
    return server.port();
  }

  /** The server, for the component's other endpoints. */
  public HttpEndpoints endpoints() {
    return server;
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  private void metrics(HttpExchange e) throws IOException {
    try (e) {
      if (!e.getRequestURI().getPath().equals("/metrics")) {
        send(e, 404, "text/plain; charset=utf-8", "not found\n");
        return;
      }
      probe.refresh(registry);
      send(e, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape());
    }
  }

  private void health(HttpExchange e, Supplier<Health> check) throws IOException {
    try (e) {
      Health h;
      try {
        h = check.get();
      } catch (RuntimeException ex) {
        h = Health.down("error", ex.toString());
      }
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("status", h.ok() ? "UP" : "DOWN");
      body.putAll(h.details());
      send(e, h.ok() ? 200 : 503, "application/json", JSON.writeValueAsString(body) + "\n");
    }
  }

  private static void send(HttpExchange e, int status, String type, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    e.getResponseHeaders().set("Content-Type", type);
    boolean head = e.getRequestMethod().equals("HEAD");
    e.sendResponseHeaders(status, head ? -1 : bytes.length);
    if (!head) {
      try (OutputStream out = e.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  @Override
  public void close() {
    server.close();
    gc.close();
    registry.close();
  }
}
