package dev.costpipe.app.metrics;

import java.util.LinkedHashMap;
import java.util.Map;

/** The answer of a health endpoint: up or not, and why, as a short JSON object. */
public record Health(boolean ok, Map<String, Object> details) {
  public static Health up(Object... keyValues) {
    return new Health(true, map(keyValues));
  }

  public static Health down(Object... keyValues) {
    return new Health(false, map(keyValues));
  }

  private static Map<String, Object> map(Object... keyValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i + 1 < keyValues.length; i += 2) {
      m.put((String) keyValues[i], keyValues[i + 1]);
    }
    return m;
  }
}
