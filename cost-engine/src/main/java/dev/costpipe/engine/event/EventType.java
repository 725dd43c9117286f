package dev.costpipe.engine.event;

import java.util.Locale;

/**
 * The kinds of raw event: a producer sends request, chunk and response events for one LLM call; a source that has
 * the call's usage but not its bodies (an OpenTelemetry span, LiteLLM, a gateway) sends one usage event instead.
 */
public enum EventType {
  REQUEST,
  CHUNK,
  RESPONSE,
  USAGE;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  static EventType fromWire(String s) {
    return switch (s) {
      case "request" -> REQUEST;
      case "chunk" -> CHUNK;
      case "response" -> RESPONSE;
      case "usage" -> USAGE;
      default -> null;
    };
  }
}
