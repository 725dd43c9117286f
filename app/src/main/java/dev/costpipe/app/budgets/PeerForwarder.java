package dev.costpipe.app.budgets;

import dev.costpipe.topology.query.StoreAccess;
import dev.costpipe.topology.query.StoreUnavailable;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.apache.kafka.streams.state.HostInfo;

/**
 * Asks the instance that owns a key (its {@code application.server}) the same question, once: the answer it
 * forwards is marked {@value #FORWARDED_BY}, and an instance asked that way answers itself or says 503, never
 * forwards again (ownership moving during a rebalance cannot bounce a request around). The caller's bearer token
 * goes along: the instances share the tokens file.
 */
final class PeerForwarder {
  static final String FORWARDED_BY = "Costpipe-Forwarded-By";
  static final Duration TIMEOUT = Duration.ofSeconds(2);

  /** The peer's status, body and {@code Retry-After}. */
  record Answer(int status, byte[] body, String retryAfter) {}

  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(TIMEOUT).build();
  private final String self;

  PeerForwarder(HostInfo self) {
    this.self = self.host() + ":" + self.port();
  }

  /** GET {@code path} (not encoded) with {@code rawQuery} (encoded, or null) on {@code owner}. */
  Answer get(HostInfo owner, String path, String rawQuery, String authorization) {
    URI uri;
    try {
      uri = new URI("http", null, owner.host(), owner.port(), path, null, null);
      if (rawQuery != null) {
        uri = URI.create(uri + "?" + rawQuery);
      }
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("cannot address " + path + " on " + owner + ": " + e.getMessage());
    }
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(TIMEOUT).header(FORWARDED_BY, self).GET();
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    try {
      HttpResponse<byte[]> r = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      return new Answer(r.statusCode(), r.body(), r.headers().firstValue("Retry-After").orElse(null));
    } catch (IOException e) {
      throw new StoreUnavailable("the instance owning the key, " + owner.host() + ":" + owner.port()
          + ", did not answer: " + e, StoreAccess.RETRY_AFTER);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreUnavailable("interrupted while asking " + owner.host() + ":" + owner.port(),
          StoreAccess.RETRY_AFTER);
    }
  }
}
