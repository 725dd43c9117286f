package dev.costpipe.app.budgets;

import dev.costpipe.topology.aggregate.Dimension;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * {@code GET /v1/totals?dimension=user&key=alice&window=1d[&at=2026-12-06T10:00:00Z]}: one dimension value's
 * totals in the window of that size holding {@code at} (default: now). Property keys are {@code name=value}.
 */
record TotalsRequest(Dimension dimension, String key, String window, Instant at) {

  /** @throws IllegalArgumentException saying what is missing or wrong (HTTP 400) */
  static TotalsRequest parse(Map<String, String> params, Instant now) {
    for (String name : params.keySet()) {
      if (!name.equals("dimension") && !name.equals("key") && !name.equals("window") && !name.equals("at")) {
        throw new IllegalArgumentException("unknown parameter " + name + " (dimension, key, window, at)");
      }
    }
    String dimension = required(params, "dimension");
    Dimension d;
    try {
      d = Dimension.fromWire(dimension);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("dimension must be one of " + Arrays.stream(Dimension.values())
          .map(Dimension::wire).collect(Collectors.joining(", ")) + ", got '" + dimension + "'");
    }
    String key = d == Dimension.TOTAL ? params.getOrDefault("key", "all") : required(params, "key");
    return new TotalsRequest(d, key, required(params, "window"), instant(params.get("at"), now));
  }

  /** An ISO-8601 instant, or {@code now} when not given. */
  static Instant instant(String at, Instant now) {
    if (at == null) {
      return now;
    }
    try {
      return Instant.parse(at);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("at must be an ISO-8601 instant such as 2026-12-06T10:00:00Z, got '" + at
          + "'");
    }
  }

  private static String required(Map<String, String> params, String name) {
    String v = params.get(name);
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException("parameter " + name + " is required");
    }
    return v;
  }
}
