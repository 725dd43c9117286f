package dev.costpipe.sources.envelope;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;

/**
 * A {@code usage} event (docs/contracts.md, issue 15): one whole request whose source reported usage, not bodies.
 * Built by the mappers, written as the envelope JSON the topology reads. Null optional fields are left out.
 *
 * @param provider a costpipe provider id, or the source's own name when it maps to none (flagged by the mapper)
 * @param status HTTP status; a failed call has status &gt;= 400 and zero usage
 * @param reportedCostUsd the cost the source itself reported (LiteLLM's {@code response_cost}), exact decimal
 * @param source {@code otlp}, {@code litellm}: diagnostics only
 */
public record UsageEvent(String requestId, Instant timestamp, String provider, String model, UsageTokens usage,
    String userId, String sessionId, Map<String, String> properties, int status, boolean cacheHit, boolean streamed,
    BigDecimal reportedCostUsd, String source) {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  public UsageEvent {
    properties = properties == null ? Map.of() : Map.copyOf(properties);
  }

  public ObjectNode toEnvelope() {
    ObjectNode e = NODES.objectNode();
    e.put("event_type", "usage");
    e.put("request_id", requestId);
    if (timestamp != null) {
      e.put("timestamp", timestamp.toString());
    }
    putIfPresent(e, "provider", provider);
    putIfPresent(e, "model", model);
    ObjectNode u = e.putObject("usage");
    u.put("input_tokens", usage.inputTokens());
    u.put("output_tokens", usage.outputTokens());
    u.put("cache_read_tokens", usage.cacheReadTokens());
    u.put("cache_write_tokens", usage.cacheWriteTokens());
    if (usage.cacheWrite1hTokens() > 0) {
      u.put("cache_write_1h_tokens", usage.cacheWrite1hTokens());
    }
    u.put("reasoning_tokens", usage.reasoningTokens());
    if (usage.imageInputTokens() > 0) {
      u.put("image_input_tokens", usage.imageInputTokens());
    }
    if (usage.videoInputTokens() > 0) {
      u.put("video_input_tokens", usage.videoInputTokens());
    }
    u.put("service_tier", usage.serviceTier());
    putIfPresent(e, "user_id", userId);
    putIfPresent(e, "session_id", sessionId);
    if (!properties.isEmpty()) {
      ObjectNode p = e.putObject("properties");
      properties.forEach(p::put);
    }
    e.put("status", status);
    e.put("cache_hit", cacheHit);
    e.put("streamed", streamed);
    if (reportedCostUsd != null) {
      e.put("reported_cost_usd", reportedCostUsd.toPlainString());
    }
    putIfPresent(e, "source", source);
    return e;
  }

  private static void putIfPresent(ObjectNode e, String field, String value) {
    if (value != null && !value.isEmpty()) {
      e.put(field, value);
    }
  }
}
