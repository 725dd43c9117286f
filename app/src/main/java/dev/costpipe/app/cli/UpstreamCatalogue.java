package dev.costpipe.app.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Fetches an upstream price catalogue (an {@code https://}, {@code http://} or {@code file:} URL) into a file,
 * checked to be JSON: a catalogue that cannot be fetched or read whole fails the run before anything is published.
 */
final class UpstreamCatalogue {
  private static final ObjectMapper JSON = new ObjectMapper();

  private UpstreamCatalogue() {}

  /** Checks the URL's scheme: bad input, found before fetching anything. */
  static URI parse(String url, String option) {
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw new UserInputException(option + " " + url + ": not a URL (" + e.getMessage() + ")");
    }
    if (uri.getScheme() == null || !uri.getScheme().matches("https?|file")) {
      throw new UserInputException(option + " " + url + ": give an https://, http:// or file: URL");
    }
    return uri;
  }

  /** The catalogue at {@code url}, saved as {@code into}. */
  static void fetch(URI url, Duration timeout, Path into) throws IOException, InterruptedException {
    if (url.getScheme().equals("file")) {
      Files.copy(Path.of(url), into, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    } else {
      HttpClient client = HttpClient.newBuilder().connectTimeout(timeout)
          .followRedirects(HttpClient.Redirect.NORMAL).build();
      HttpResponse<Path> response;
      try {
        response = client.send(HttpRequest.newBuilder(url).timeout(timeout).GET().build(),
            HttpResponse.BodyHandlers.ofFile(into));
      } catch (HttpTimeoutException e) {
        throw new RuntimeFailure(url + " did not answer within " + timeout.toSeconds()
            + " s: nothing published; try again later or raise --timeout", e);
      } catch (java.net.ConnectException e) {
        throw new RuntimeFailure("cannot reach " + url + " (" + e + "): nothing published; check the URL", e);
      }
      if (response.statusCode() != 200) {
        throw new RuntimeFailure(url + " answered HTTP " + response.statusCode() + ": nothing published");
      }
    }
    try {
      JSON.readTree(into.toFile());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new RuntimeFailure(url + " is not a whole JSON document (" + e.getOriginalMessage()
          + "): nothing published", e);
    }
  }
}
