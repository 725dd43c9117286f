package dev.costpipe.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bind address, bearer tokens and slow clients of costpipe's one HTTP server. */
class HttpEndpointsTest {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir
  Path dir;

  private static HttpEndpoints serving(HttpSettings settings) throws IOException {
    HttpEndpoints server = HttpEndpoints.create(settings, 0, "metrics", "costpipe.metrics.port");
    server.serve("/metrics", e -> answer(e, "metrics"));
    server.serveProbe("/health/live", e -> answer(e, "live"));
    server.start();
    return server;
  }

  private static void answer(HttpExchange e, String body) throws IOException {
    try (e) {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      e.sendResponseHeaders(200, bytes.length);
      e.getResponseBody().write(bytes);
    }
  }

  private static int get(HttpEndpoints server, String path, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
        .timeout(Duration.ofSeconds(3));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  @Test
  void listensOnLoopbackByDefault() throws Exception {
    try (HttpEndpoints server = serving(HttpSettings.DEFAULT)) {
      assertThat(server.address()).isEqualTo("127.0.0.1:" + server.port());
      assertThat(get(server, "/metrics", null)).isEqualTo(200);
    }
  }

  @Test
  void withATokensFileEveryEndpointButTheProbesWantsABearerToken() throws Exception {
    Path tokens = Files.writeString(dir.resolve("tokens"), "# scrapers\nfirst-token\n\n  second-token  \n");
    try (HttpEndpoints server = serving(new HttpSettings("127.0.0.1", tokens))) {
      assertThat(get(server, "/metrics", null)).isEqualTo(401);
      assertThat(get(server, "/metrics", "wrong")).isEqualTo(401);
      assertThat(get(server, "/metrics", "first-token")).isEqualTo(200);
      assertThat(get(server, "/metrics", "second-token")).isEqualTo(200);
      assertThat(get(server, "/metrics", "# scrapers")).as("a comment is no token").isEqualTo(401);
      assertThat(get(server, "/health/live", null)).isEqualTo(200);
    }
  }

  @Test
  void aTokensFileWithoutTokensIsRefused() throws Exception {
    Path empty = Files.writeString(dir.resolve("empty"), "# nothing\n");
    assertThatThrownBy(() -> HttpEndpoints.create(new HttpSettings("127.0.0.1", empty), 0, "metrics", "p"))
        .hasMessageContaining("holds no token");
  }

  @Test
  void slowClientsCannotBlockHealthChecksAndAreCutOff() throws Exception {
    try (HttpEndpoints server = serving(HttpSettings.DEFAULT)) {
      List<Socket> slow = new ArrayList<>();
      try {
        // slow clients on all threads but one, each sending its headers a byte at a time
        for (int i = 0; i < HttpEndpoints.THREADS - 1; i++) {
          Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port());
          s.getOutputStream()
              .write("GET /health/live HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
          s.getOutputStream().flush();
          slow.add(s);
        }
        long deadline = System.nanoTime() + HttpEndpoints.MAX_REQUEST_TIME.multipliedBy(3).toNanos();
        int answered = 0;
        while (System.nanoTime() < deadline && !slow.stream().allMatch(HttpEndpointsTest::closedByServer)) {
          for (Socket s : slow) {
            trickle(s);
          }
          long begin = System.nanoTime();
          assertThat(get(server, "/health/live", null)).isEqualTo(200);
          assertThat(Duration.ofNanos(System.nanoTime() - begin)).as("a health check beside slow clients")
              .isLessThan(Duration.ofSeconds(1));
          answered++;
          Thread.sleep(300);
        }
        assertThat(answered).isPositive();
        assertThat(slow).as("slow clients cut off after the longest request time")
            .allMatch(HttpEndpointsTest::closedByServer);
        long begin = System.nanoTime();
        assertThat(get(server, "/health/live", null)).isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - begin)).isLessThan(Duration.ofSeconds(1));
      } finally {
        for (Socket s : slow) {
          s.close();
        }
      }
    }
  }

  @Test
  void aDrainingCloseLetsTheRequestInFlightFinish() throws Exception {
    HttpEndpoints server = HttpEndpoints.create(HttpSettings.DEFAULT, 0, "ingest", "p", 2);
    java.util.concurrent.CountDownLatch inside = new java.util.concurrent.CountDownLatch(1);
    server.serve("/slow", e -> {
      inside.countDown();
      try {
        Thread.sleep(1_000);
      } catch (InterruptedException ex) {
        Thread.currentThread().interrupt();
      }
      answer(e, "done");
    });
    server.start();
    var response = HTTP.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/slow"))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(inside.await(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    server.close(Duration.ofSeconds(5));
    assertThat(response.get(5, java.util.concurrent.TimeUnit.SECONDS).body()).isEqualTo("done");
  }

  @Test
  void aTokenLineMayAddPropertiesNeverShowingTheToken() throws Exception {
    Path tokens = Files.writeString(dir.resolve("tokens"), "tok-a tenant=acme env=prod\ntok-b\n");
    HttpSettings settings = new HttpSettings("127.0.0.1", tokens);
    assertThat(settings.tokens()).containsExactly("tok-a", "tok-b");
    assertThat(settings.bearerTokens().get(0).properties()).containsEntry("tenant", "acme").containsEntry("env", "prod");
    assertThat(settings.bearerTokens().get(0).toString()).doesNotContain("tok-a");
    Path bad = Files.writeString(dir.resolve("bad"), "tok-a tenant\n");
    assertThatThrownBy(() -> new HttpSettings("127.0.0.1", bad).bearerTokens())
        .hasMessageContaining("line 1").hasMessageNotContaining("tok-a");
  }

  private static void trickle(Socket s) {
    try {
      OutputStream out = s.getOutputStream();
      out.write('x');
      out.flush();
    } catch (IOException e) {
      // the server closed it
    }
  }

  private static boolean closedByServer(Socket s) {
    try {
      s.setSoTimeout(1);
      InputStream in = s.getInputStream();
      return in.read() == -1;
    } catch (java.net.SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true;
    }
  }
}
