package dev.costpipe.engine.event;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The caller's tags, read from Helicone-compatible headers (names case-insensitive). Property names
 * keep the case the caller wrote, with the {@code Helicone-Property-} prefix removed.
 */
public record CallerTags(String userId, String sessionId, String sessionName, String sessionPath,
    Map<String, String> properties) {

  private static final String PROPERTY_PREFIX = "helicone-property-";

  public static CallerTags from(Map<String, String> headers) {
    String user = null;
    String sessionId = null;
    String sessionName = null;
    String sessionPath = null;
    Map<String, String> properties = new LinkedHashMap<>();
    for (var h : headers.entrySet()) {
      String name = h.getKey().toLowerCase(Locale.ROOT);
      switch (name) {
        case "helicone-user-id" -> user = h.getValue();
        case "helicone-session-id" -> sessionId = h.getValue();
        case "helicone-session-name" -> sessionName = h.getValue();
        case "helicone-session-path" -> sessionPath = h.getValue();
        default -> {
          if (name.startsWith(PROPERTY_PREFIX) && name.length() > PROPERTY_PREFIX.length()) {
            properties.put(h.getKey().substring(PROPERTY_PREFIX.length()), h.getValue());
          }
        }
      }
    }
    return new CallerTags(user, sessionId, sessionName, sessionPath, Collections.unmodifiableMap(properties));
  }
}
