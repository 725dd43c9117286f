package dev.costpipe.topology.alert;

import dev.costpipe.engine.record.CostRecord;
import dev.costpipe.topology.aggregate.Dimension;
import dev.costpipe.topology.aggregate.DimensionSplit;

/**
 * What a rule with {@code per} is applied to each key of: {@code user_id}, {@code session_id}, {@code model},
 * {@code provider} or {@code properties.<name>}. Each value (each user, …) has its own spend, levels and alerts.
 * The values are those the aggregates are keyed by (a model is its catalogue key when it has one), so that a
 * rule without another filter is seeded from them.
 *
 * @param wire as the rule writes it
 */
public record AlertPer(String wire, Dimension dimension, String property) {
  private static final String PROPERTIES = "properties.";

  public static AlertPer fromWire(String s) {
    return switch (s) {
      case "user_id" -> new AlertPer(s, Dimension.USER, null);
      case "session_id" -> new AlertPer(s, Dimension.SESSION, null);
      case "model" -> new AlertPer(s, Dimension.MODEL, null);
      case "provider" -> new AlertPer(s, Dimension.PROVIDER, null);
      default -> {
        if (s.startsWith(PROPERTIES) && s.length() > PROPERTIES.length()) {
          yield new AlertPer(s, Dimension.PROPERTY, s.substring(PROPERTIES.length()));
        }
        throw new IllegalArgumentException("per must be user_id, session_id, model, provider or properties.<name>, "
            + "got '" + s + "'");
      }
    };
  }

  /** The record's value of this dimension, or null when it has none (it then counts for no key). */
  public String valueOf(CostRecord r) {
    String v = switch (dimension) {
      case USER -> r.userId();
      case SESSION -> r.sessionId();
      case MODEL -> r.modelKey() != null ? r.modelKey() : r.model();
      case PROVIDER -> r.provider();
      default -> r.properties().get(property);
    };
    return v == null || v.isEmpty() ? null : v;
  }

  /** The prefix of the aggregate keys ({@link DimensionSplit#key}) of this dimension's values. */
  public String aggregateKeyPrefix() {
    return DimensionSplit.key(dimension, property == null ? "" : property + "=");
  }

  /** The value an aggregate key with {@link #aggregateKeyPrefix} is of. */
  public String valueOfAggregateKey(String key) {
    return key.substring(aggregateKeyPrefix().length());
  }
}
