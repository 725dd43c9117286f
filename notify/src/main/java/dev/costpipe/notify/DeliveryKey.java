package dev.costpipe.notify;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.costpipe.engine.json.Json;

/**
 * What is delivered at most once: one alert level of one rule's window (and key, for a rule with {@code per}), to
 * one channel. Its wire form, the key of the delivered and failed topics, is a JSON array
 * {@code ["prod-daily","2026-06-01T00:00:00Z",80,"ops-slack"]}, with the key last for a rule with {@code per}
 * ({@code [...,"ops-slack","alice"]}): unambiguous whatever the names hold, and readable.
 */
public record DeliveryKey(String ruleId, String windowStart, int levelPct, String channel, String perValue) {

  public static DeliveryKey of(AlertEvent alert, String channel) {
    return new DeliveryKey(alert.ruleId(), alert.windowStart().toString(), alert.levelPct(), channel,
        alert.perValue());
  }

  public String wire() {
    ArrayNode a = Json.MAPPER.createArrayNode();
    a.add(ruleId).add(windowStart).add(levelPct).add(channel);
    if (perValue != null) {
      a.add(perValue);
    }
    return a.toString();
  }

  /** Lowercase hex SHA-256 of {@link #wire()}: an opaque, header-safe id of this delivery. */
  public String id() {
    try {
      return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
          .digest(wire().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return wire();
  }
}
