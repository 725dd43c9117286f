package dev.costpipe.sources.otlp;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A span's attributes by key, read leniently where instrumentations differ: a count may arrive as an int, a
 * string of digits (OTLP/JSON's {@code intValue} is a string, and some SDKs stringify) or an integral double.
 */
final class SpanAttributes {
  private final Map<String, AnyValue> values;

  private SpanAttributes(Map<String, AnyValue> values) {
    this.values = values;
  }

  static SpanAttributes of(List<KeyValue> attributes) {
    Map<String, AnyValue> m = new HashMap<>(attributes.size() * 2);
    for (KeyValue kv : attributes) {
      m.put(kv.getKey(), kv.getValue());
    }
    return new SpanAttributes(m);
  }

  boolean hasPrefix(String prefix) {
    for (String k : values.keySet()) {
      if (k.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  boolean has(String key) {
    return values.containsKey(key);
  }

  /** The first of {@code keys} present, as text; null when none is. */
  String string(String... keys) {
    for (String k : keys) {
      AnyValue v = values.get(k);
      if (v != null) {
        String s = switch (v.getValueCase()) {
          case STRING_VALUE -> v.getStringValue();
          case INT_VALUE -> Long.toString(v.getIntValue());
          case BOOL_VALUE -> Boolean.toString(v.getBoolValue());
          case DOUBLE_VALUE -> Double.toString(v.getDoubleValue());
          default -> null;
        };
        if (s != null && !s.isBlank()) {
          return s.strip();
        }
      }
    }
    return null;
  }

  Boolean bool(String key) {
    AnyValue v = values.get(key);
    if (v == null) {
      return null;
    }
    return switch (v.getValueCase()) {
      case BOOL_VALUE -> v.getBoolValue();
      case STRING_VALUE -> Boolean.parseBoolean(v.getStringValue().strip());
      default -> null;
    };
  }

  /**
   * The first of {@code keys} present as a count; null when none is.
   *
   * @throws NumberFormatException naming the key when its value is no non-negative integer
   */
  Long count(String... keys) {
    for (String k : keys) {
      AnyValue v = values.get(k);
      if (v == null) {
        continue;
      }
      long n = switch (v.getValueCase()) {
        case INT_VALUE -> v.getIntValue();
        case STRING_VALUE -> parse(k, v.getStringValue());
        case DOUBLE_VALUE -> {
          double d = v.getDoubleValue();
          if (d != Math.rint(d) || Double.isInfinite(d)) {
            throw new NumberFormatException(k + " is not an integer (" + d + ")");
          }
          yield (long) d;
        }
        default -> throw new NumberFormatException(k + " is not a number");
      };
      if (n < 0) {
        throw new NumberFormatException(k + " is negative (" + n + ")");
      }
      return n;
    }
    return null;
  }

  private static long parse(String key, String s) {
    try {
      return Long.parseLong(s.strip());
    } catch (NumberFormatException e) {
      throw new NumberFormatException(key + " is not an integer");
    }
  }
}
