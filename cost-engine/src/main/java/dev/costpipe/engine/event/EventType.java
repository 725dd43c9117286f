package dev.costpipe.engine.event;

import java.util.Locale;

/** The three kinds of raw event a producer sends for one LLM call. */
public enum EventType {
  REQUEST,
  CHUNK,
  RESPONSE;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  static EventType fromWire(String s) {
    return switch (s) {
      case "request" -> REQUEST;
      case "chunk" -> CHUNK;
      case "response" -> RESPONSE;
      default -> null;
    };
  }
}
