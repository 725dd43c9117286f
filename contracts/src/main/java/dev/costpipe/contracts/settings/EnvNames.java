package dev.costpipe.contracts.settings;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The environment-variable form of a setting. {@code costpipe.*} settings are {@code COSTPIPE_} plus the rest
 * of the key; Kafka settings are {@code COSTPIPE_KAFKA_} plus the key. In the rest, upper-cased, {@code .}
 * is written {@code _}, {@code -} is {@code __} and {@code _} is {@code ___}:
 *
 * <pre>
 * costpipe.sink.clickhouse.retry-backoff     ↔  COSTPIPE_SINK_CLICKHOUSE_RETRY__BACKOFF
 * bootstrap.servers                          ↔  COSTPIPE_KAFKA_BOOTSTRAP_SERVERS
 * rack.aware.assignment.non_overlap_cost     ↔  COSTPIPE_KAFKA_RACK_AWARE_ASSIGNMENT_NON___OVERLAP___COST
 * </pre>
 *
 * Keys never hold two separators in a row, so each name maps to one key and back. {@code costpipe.kafka.*}
 * is therefore not a costpipe setting name.
 */
public final class EnvNames {
  public static final String PREFIX = "COSTPIPE_";
  public static final String KAFKA_PREFIX = "COSTPIPE_KAFKA_";

  private EnvNames() {}

  /** The variable that sets {@code key}. */
  public static String of(String key) {
    if (key.startsWith("costpipe.")) {
      return PREFIX + encode(key.substring("costpipe.".length()));
    }
    return KAFKA_PREFIX + encode(key);
  }

  /** The setting a variable sets, if it is a {@code COSTPIPE_} variable of a well-formed name. */
  public static Optional<String> keyOf(String variable) {
    if (variable.startsWith(KAFKA_PREFIX)) {
      return decode(variable.substring(KAFKA_PREFIX.length()));
    }
    if (variable.startsWith(PREFIX)) {
      return decode(variable.substring(PREFIX.length())).map(k -> "costpipe." + k);
    }
    return Optional.empty();
  }

  /** Every {@code COSTPIPE_} variable of {@code env} by the setting it names, sorted; malformed names are left out. */
  public static Map<String, String> settings(Map<String, String> env) {
    Map<String, String> out = new TreeMap<>();
    env.forEach((name, value) -> keyOf(name).ifPresent(k -> out.put(k, name)));
    return out;
  }

  private static String encode(String rest) {
    StringBuilder b = new StringBuilder();
    for (char c : rest.toCharArray()) {
      switch (c) {
        case '.' -> b.append('_');
        case '-' -> b.append("__");
        case '_' -> b.append("___");
        default -> b.append(Character.toUpperCase(c));
      }
    }
    return b.toString();
  }

  private static Optional<String> decode(String rest) {
    if (rest.isEmpty()) {
      return Optional.empty();
    }
    StringBuilder b = new StringBuilder();
    int i = 0;
    while (i < rest.length()) {
      char c = rest.charAt(i);
      if (c != '_') {
        b.append(Character.toLowerCase(c));
        i++;
        continue;
      }
      int run = 0;
      while (i < rest.length() && rest.charAt(i) == '_') {
        run++;
        i++;
      }
      if (run > 3 || b.isEmpty() || i == rest.length()) {
        return Optional.empty();
      }
      b.append(run == 1 ? "." : run == 2 ? "-" : "_");
    }
    return Optional.of(b.toString().toLowerCase(Locale.ROOT));
  }
}
