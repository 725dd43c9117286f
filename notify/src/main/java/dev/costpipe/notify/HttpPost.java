package dev.costpipe.notify;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * One JSON POST with its outcome classified: 2xx is delivered; 408, 429, 5xx and I/O errors are retryable;
 * other statuses are not. Error details never quote the URL (it may hold a token), only its safe form.
 */
final class HttpPost {
  private static final int MAX_DETAIL = 200;

  /** Shared by every HTTP channel: HTTP/1.1, no redirects (a signed request is not re-sent elsewhere). */
  static final HttpClient CLIENT = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .followRedirects(HttpClient.Redirect.NEVER)
      .connectTimeout(Duration.ofSeconds(10))
      .build();

  private HttpPost() {}

  static void post(URI url, String safeTarget, byte[] body, Map<String, String> headers, Duration timeout)
      throws DeliveryException, InterruptedException {
    HttpRequest request;
    try {
      HttpRequest.Builder b = HttpRequest.newBuilder(url)
          .timeout(timeout)
          .header("Content-Type", "application/json; charset=utf-8")
          .header("User-Agent", "costpipe-notifier")
          .POST(HttpRequest.BodyPublishers.ofByteArray(body));
      headers.forEach(b::header);
      request = b.build();
    } catch (IllegalArgumentException e) {
      throw new DeliveryException("http_error", "cannot build a request to " + safeTarget + ": "
          + e.getClass().getSimpleName(), false, null, null);
    }
    HttpResponse<byte[]> r;
    try {
      r = CLIENT.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (HttpConnectTimeoutException e) {
      throw new DeliveryException("http_error", "connect timeout to " + safeTarget, true, null, null);
    } catch (HttpTimeoutException e) {
      throw new DeliveryException("http_error", "no answer from " + safeTarget + " within " + timeout, true, null,
          null);
    } catch (IOException e) {
      throw new DeliveryException("http_error", e.getClass().getSimpleName() + " calling " + safeTarget
          + (e.getCause() != null ? " (" + e.getCause().getClass().getSimpleName() + ")" : ""), true, null, null);
    }
    int status = r.statusCode();
    if (status >= 200 && status < 300) {
      return;
    }
    boolean retryable = status == 408 || status == 429 || status >= 500;
    throw new DeliveryException("http_status", "HTTP " + status + detail(r.body()), retryable, status, null);
  }

  private static String detail(byte[] body) {
    if (body == null || body.length == 0) {
      return "";
    }
    String s = new String(body, 0, Math.min(body.length, MAX_DETAIL * 4), StandardCharsets.UTF_8)
        .replaceAll("\\p{Cntrl}+", " ").strip();
    if (s.length() > MAX_DETAIL) {
      s = s.substring(0, MAX_DETAIL) + "…";
    }
    return s.isEmpty() ? "" : ": " + s;
  }
}
