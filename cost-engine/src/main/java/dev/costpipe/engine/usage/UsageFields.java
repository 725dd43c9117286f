package dev.costpipe.engine.usage;

import com.fasterxml.jackson.databind.JsonNode;
import dev.costpipe.engine.event.BadEventException;

/** Reads token counts from provider JSON, refusing what no provider sends. */
public final class UsageFields {
  /** No single request reports more; larger values are corrupt input, not usage. */
  public static final long MAX_COUNT = 1_000_000_000L;

  private UsageFields() {}

  /** The count at {@code parent.field}, 0 when absent or null. */
  public static long count(JsonNode parent, String field) {
    if (parent == null) {
      return 0;
    }
    JsonNode v = parent.get(field);
    if (v == null || v.isNull() || v.isMissingNode()) {
      return 0;
    }
    if (!v.isNumber()) {
      throw new BadEventException("invalid_usage", field + " must be a number, got " + v.getNodeType());
    }
    if (!v.isIntegralNumber() && v.decimalValue().stripTrailingZeros().scale() > 0) {
      throw new BadEventException("invalid_usage", field + " must be a whole number, got " + v.asText());
    }
    if (v.decimalValue().signum() < 0 || v.decimalValue().compareTo(java.math.BigDecimal.valueOf(MAX_COUNT)) > 0) {
      throw new BadEventException("invalid_usage", field + " out of range 0.." + MAX_COUNT + ": " + v.asText());
    }
    return v.longValue();
  }

  /**
   * The {@code field} tokens (e.g. {@code image_tokens}) of an OpenAI-shaped prompt details object not read
   * from a cache: minus the same field of its {@code cached_tokens_details} (OpenAI Realtime), where given.
   */
  public static long uncachedPromptTokens(JsonNode promptDetails, String field) {
    long cached = promptDetails == null ? 0 : count(object(promptDetails, "cached_tokens_details"), field);
    return Math.max(0, count(promptDetails, field) - cached);
  }

  /** The object at {@code parent.field}, or null when absent; anything else is invalid usage. */
  public static JsonNode object(JsonNode parent, String field) {
    if (parent == null) {
      return null;
    }
    JsonNode v = parent.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isObject()) {
      throw new BadEventException("invalid_usage", field + " must be an object");
    }
    return v;
  }

  public static String text(JsonNode parent, String field) {
    JsonNode v = parent == null ? null : parent.get(field);
    return v != null && v.isTextual() ? v.textValue() : null;
  }
}
