package dev.costpipe.engine.merge;

import com.fasterxml.jackson.databind.JsonNode;
import dev.costpipe.engine.event.RawEvent;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * All the events of one LLM call, put together: the request side, the response, and the chunks in
 * {@code seq} order. Fields given on several events are read from the request event first.
 */
public record MergedRequest(String requestId, RawEvent request, RawEvent response, List<RawEvent> chunks,
    boolean complete) {

  public MergedRequest {
    chunks = List.copyOf(chunks);
  }

  public boolean streamed() {
    if (!chunks.isEmpty()) {
      return true;
    }
    JsonNode body = requestBody();
    return body != null && body.path("stream").asBoolean(false);
  }

  /** The request's time: its request event's, else the earliest known. */
  public Instant timestamp() {
    Instant t = first(RawEvent::timestamp);
    if (t != null) {
      return t;
    }
    return chunks.stream().map(RawEvent::timestamp).filter(java.util.Objects::nonNull).min(Instant::compareTo)
        .orElse(null);
  }

  public String provider() {
    return firstIncludingChunks(RawEvent::provider);
  }

  public String targetUrl() {
    return firstIncludingChunks(RawEvent::targetUrl);
  }

  public String model() {
    return firstIncludingChunks(RawEvent::model);
  }

  public JsonNode requestBody() {
    return first(RawEvent::requestBody);
  }

  public JsonNode responseBody() {
    return response == null ? null : response.responseBody();
  }

  public Integer status() {
    return response == null ? null : response.status();
  }

  public boolean cacheHit() {
    return response != null && Boolean.TRUE.equals(response.cacheHit());
  }

  /** Headers of every event, the request event's winning on a clash. */
  public Map<String, String> headers() {
    Map<String, String> h = new LinkedHashMap<>();
    chunks.forEach(c -> h.putAll(c.headers()));
    if (response != null) {
      h.putAll(response.headers());
    }
    if (request != null) {
      h.putAll(request.headers());
    }
    return h;
  }

  private <T> T first(Function<RawEvent, T> field) {
    if (request != null && field.apply(request) != null) {
      return field.apply(request);
    }
    return response == null ? null : field.apply(response);
  }

  private <T> T firstIncludingChunks(Function<RawEvent, T> field) {
    T v = first(field);
    if (v != null) {
      return v;
    }
    for (RawEvent c : chunks) {
      if (field.apply(c) != null) {
        return field.apply(c);
      }
    }
    return null;
  }
}
