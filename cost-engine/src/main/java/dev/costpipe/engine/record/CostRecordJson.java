package dev.costpipe.engine.record;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.costpipe.engine.json.Json;
import dev.costpipe.engine.usage.Usage;
import dev.costpipe.engine.usage.UsageSource;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The cost record's JSON form, field by field: this class is the wire contract. */
public final class CostRecordJson {
  private CostRecordJson() {}

  public static String write(CostRecord r) {
    try {
      return Json.MAPPER.writeValueAsString(toTree(r));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static ObjectNode toTree(CostRecord r) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("request_id", r.requestId());
    o.put("timestamp", r.timestamp() == null ? null : r.timestamp().toString());
    o.put("provider", r.provider());
    o.put("model", r.model());
    o.put("model_key", r.modelKey());
    o.put("user_id", r.userId());
    o.put("session_id", r.sessionId());
    o.put("session_name", r.sessionName());
    o.put("session_path", r.sessionPath());
    ObjectNode props = o.putObject("properties");
    r.properties().forEach(props::put);
    o.put("status", r.status());
    o.put("streamed", r.streamed());
    o.put("cache_hit", r.cacheHit());
    o.set("usage", usageTree(r.usage()));
    o.put("usage_source", r.usageSource().wire());
    o.put("pricing_status", r.pricingStatus().wire());
    o.put("cost_nano_usd", r.costNanoUsd());
    o.put("cost_usd", r.costUsd());
    ObjectNode breakdown = o.putObject("cost_breakdown");
    r.costBreakdown().forEach(breakdown::put);
    o.put("cache_savings_nano_usd", r.cacheSavingsNanoUsd());
    o.putArray("errors").addAll(r.errors().stream().map(Json.MAPPER.getNodeFactory()::textNode).toList());
    o.put("revision", r.revision());
    o.put("reported_cost_nano_usd", r.reportedCostNanoUsd());
    return o;
  }

  /** The {@code usage} object: {@link dev.costpipe.engine.usage.UsageObject} reads it back. */
  public static ObjectNode usageTree(Usage u) {
    ObjectNode usage = Json.MAPPER.createObjectNode();
    usage.put("input_tokens", u.inputTokens());
    usage.put("output_tokens", u.outputTokens());
    usage.put("cache_read_tokens", u.cacheReadTokens());
    usage.put("cache_write_tokens", u.cacheWriteTokens());
    usage.put("cache_write_1h_tokens", u.cacheWrite1hTokens());
    usage.put("reasoning_tokens", u.reasoningTokens());
    usage.put("audio_input_tokens", u.audioInputTokens());
    usage.put("audio_output_tokens", u.audioOutputTokens());
    usage.put("web_search_calls", u.webSearchCalls());
    usage.put("images", u.images());
    usage.put("image_output_tokens", u.imageOutputTokens());
    usage.put("cache_read_audio_tokens", u.cacheReadAudioTokens());
    usage.put("search_sources", u.searchSources());
    usage.put("server_tool_calls", u.serverToolCalls());
    usage.put("image_input_tokens", u.imageInputTokens());
    usage.put("video_input_tokens", u.videoInputTokens());
    usage.put("service_tier", u.serviceTier());
    usage.put("inference_geo", u.inferenceGeo());
    return usage;
  }

  public static CostRecord read(String json) {
    try {
      return fromTree(Json.MAPPER.readTree(json));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not a cost record: " + e.getOriginalMessage(), e);
    }
  }

  public static CostRecord fromTree(JsonNode o) {
    JsonNode u = o.path("usage");
    Usage usage = new Usage(u.path("input_tokens").asLong(), u.path("output_tokens").asLong(),
        u.path("cache_read_tokens").asLong(), u.path("cache_write_tokens").asLong(),
        u.path("cache_write_1h_tokens").asLong(), u.path("reasoning_tokens").asLong(),
        u.path("audio_input_tokens").asLong(), u.path("audio_output_tokens").asLong(),
        u.path("web_search_calls").asLong(), u.path("images").asLong(), u.path("image_output_tokens").asLong(),
        u.path("cache_read_audio_tokens").asLong(), u.path("search_sources").asLong(),
        u.path("server_tool_calls").asLong(), u.path("image_input_tokens").asLong(),
        u.path("video_input_tokens").asLong(), u.path("service_tier").asText(""), u.path("inference_geo").asText(""));
    Map<String, String> props = new LinkedHashMap<>();
    o.path("properties").fields().forEachRemaining(f -> props.put(f.getKey(), f.getValue().asText()));
    Map<String, Long> breakdown = new LinkedHashMap<>();
    o.path("cost_breakdown").fields().forEachRemaining(f -> breakdown.put(f.getKey(), f.getValue().asLong()));
    List<String> errors = new ArrayList<>();
    o.path("errors").forEach(e -> errors.add(e.asText()));
    return new CostRecord(text(o, "request_id"), o.hasNonNull("timestamp") ? Instant.parse(text(o, "timestamp")) : null,
        text(o, "provider"), text(o, "model"), text(o, "model_key"), text(o, "user_id"), text(o, "session_id"),
        text(o, "session_name"), text(o, "session_path"), props,
        o.hasNonNull("status") ? o.get("status").asInt() : null, o.path("streamed").asBoolean(),
        o.path("cache_hit").asBoolean(), usage, usageSource(text(o, "usage_source")),
        pricingStatus(text(o, "pricing_status")),
        o.hasNonNull("cost_nano_usd") ? o.get("cost_nano_usd").asLong() : null, breakdown,
        o.path("cache_savings_nano_usd").asLong(), errors, o.path("revision").asInt(),
        o.hasNonNull("reported_cost_nano_usd") ? o.get("reported_cost_nano_usd").asLong() : null);
  }

  private static String text(JsonNode o, String f) {
    return o.hasNonNull(f) ? o.get(f).asText() : null;
  }

  private static UsageSource usageSource(String wire) {
    for (UsageSource s : UsageSource.values()) {
      if (s.wire().equals(wire)) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown usage_source " + wire);
  }

  private static PricingStatus pricingStatus(String wire) {
    for (PricingStatus s : PricingStatus.values()) {
      if (s.wire().equals(wire)) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown pricing_status " + wire);
  }
}
