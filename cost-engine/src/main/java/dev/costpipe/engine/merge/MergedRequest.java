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
 * {@code seq} order. Fields given on several events are read from the request event first. Or a call given by
 * its usage event alone ({@code usageEvent}, the raw events then absent): complete at once.
 */
public record MergedRequest(String requestId, RawEvent request, RawEvent response, List<RawEvent> chunks,
    boolean complete, RawEvent usageEvent) {

  public MergedRequest {
    chunks = List.copyOf(chunks);
  }

  /** A call merged from its raw events. */
  public MergedRequest(String requestId, RawEvent request, RawEvent response, List<RawEvent> chunks,
      boolean complete) {
    this(requestId, request, response, chunks, complete, null);
  }

  /** A call given by its usage event. */
  public static MergedRequest ofUsage(RawEvent usageEvent) {
    return new MergedRequest(usageEvent.requestId(), null, null, List.of(), true, usageEvent);
  }

  public boolean streamed() {
    if (usageEvent != null) {
      return usageEvent.usageReport().streamed();
    }
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
    RawEvent last = usageEvent != null ? usageEvent : response;
    return last == null ? null : last.status();
  }

  public boolean cacheHit() {
    RawEvent last = usageEvent != null ? usageEvent : response;
    return last != null && Boolean.TRUE.equals(last.cacheHit());
  }

  /** Headers of every event, the request event's winning on a clash. */
  public Map<String, String> headers() {
    Map<String, String> h = new LinkedHashMap<>();
    if (usageEvent != null) {
      h.putAll(usageEvent.headers());
    }
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
    if (usageEvent != null) {
      return field.apply(usageEvent);
    }
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
