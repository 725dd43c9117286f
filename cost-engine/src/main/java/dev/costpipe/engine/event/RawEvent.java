package dev.costpipe.engine.event;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Map;

/**
 * One raw event of the input envelope, parsed. Bodies given as JSON strings are parsed; a chunk
 * is the array of its stream payloads (SSE text split into its events' JSON). Null means absent. A usage event
 * ({@link EventType#USAGE}) has no bodies and its {@code usageReport}; its explicit user, session and properties
 * are folded into {@code headers} as the Helicone headers that say the same.
 */
public record RawEvent(
    String requestId,
    EventType type,
    Integer seq,
    Instant timestamp,
    String provider,
    String targetUrl,
    String model,
    Map<String, String> headers,
    JsonNode requestBody,
    JsonNode responseBody,
    JsonNode chunk,
    Integer status,
    Boolean cacheHit,
    UsageReport usageReport) {

  public RawEvent {
    headers = headers == null ? Map.of() : Map.copyOf(headers);
  }
}
