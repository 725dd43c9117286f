package dev.costpipe.app.metrics;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads a metrics port over HTTP, as Prometheus and Kubernetes do. */
final class Scrape {
  record Answer(int status, String body) {}

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final int port;

  Scrape(int port) {
    this.port = port;
  }

  Answer get(String path) {
    try {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
      return new Answer(r.statusCode(), r.body());
    } catch (java.io.IOException e) {
      throw new AssertionError("GET " + path + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** The value of one sample of /metrics, e.g. {@code costpipe_dead_letters_total{component="run",reason="x"}}. */
  OptionalDouble value(String name, String... labels) {
    String body = get("/metrics").body();
    Pattern line = Pattern.compile("^" + Pattern.quote(name) + "\\{([^}]*)\\} (\\S+)$", Pattern.MULTILINE);
    Matcher m = line.matcher(body);
    while (m.find()) {
      String have = m.group(1);
      boolean all = true;
      for (String l : labels) {
        all &= have.contains(l);
      }
      if (all) {
        return OptionalDouble.of(Double.parseDouble(m.group(2)));
      }
    }
    return OptionalDouble.empty();
  }

  double valueOrZero(String name, String... labels) {
    return value(name, labels).orElse(0);
  }

}
