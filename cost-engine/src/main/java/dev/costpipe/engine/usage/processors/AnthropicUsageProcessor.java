package dev.costpipe.engine.usage.processors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.costpipe.engine.json.Json;
import dev.costpipe.engine.usage.Extraction;
import dev.costpipe.engine.usage.ServiceTiers;
import dev.costpipe.engine.usage.Usage;
import dev.costpipe.engine.usage.UsageFields;
import dev.costpipe.engine.usage.UsageProcessor;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Anthropic Messages, wherever it is served (Anthropic, Vertex rawPredict, Bedrock InvokeModel).
 * {@code input_tokens} excludes cache reads and writes, so they are added; {@code cache_creation}
 * splits writes into 5-minute and 1-hour. A stream's usage is split: {@code message_start} has the
 * input side, {@code message_delta} the cumulative output side (its fields win where repeated).
 * {@code service_tier} ({@code priority}, {@code batch}), fast mode ({@code speed: "fast"}, billed as the
 * {@code fast} tier) and {@code inference_geo} (a region with an uplift) are read into the usage;
 * {@code server_tool_use} web searches are priced, other server tools billed beyond tokens are flagged.
 */
public final class AnthropicUsageProcessor implements UsageProcessor {
  private static final String SERVER_TOOLS = "server_tool_use";

  @Override
  public Extraction fromBody(JsonNode body) {
    StringBuilder text = new StringBuilder();
    for (JsonNode block : body.path("content")) {
      appendBlockText(text, block);
    }
    String model = UsageFields.text(body, "model");
    JsonNode u = UsageFields.object(body, "usage");
    return u == null ? Extraction.none(model, text.toString())
        : new Extraction(usage(u), model, text.toString(), null, unpriced(u));
  }

  @Override
  public Extraction fromStream(List<JsonNode> payloads) {
    StringBuilder text = new StringBuilder();
    ObjectNode merged = null;
    String model = null;
    for (JsonNode p : payloads) {
      switch (p.path("type").asText()) {
        case "message_start" -> {
          JsonNode message = p.path("message");
          model = UsageFields.text(message, "model");
          JsonNode u = UsageFields.object(message, "usage");
          if (u != null) {
            merged = ((ObjectNode) u).deepCopy();
          }
        }
        case "message_delta" -> {
          JsonNode u = UsageFields.object(p, "usage");
          if (u != null) {
            if (merged == null) {
              merged = Json.MAPPER.createObjectNode();
            }
            for (var it = u.fields(); it.hasNext(); ) {
              var f = it.next();
              if (!f.getValue().isNull()) {
                merged.set(f.getKey(), f.getValue());
              }
            }
          }
        }
        case "content_block_delta" -> {
          JsonNode d = p.path("delta");
          appendText(text, d.get("text"));
          appendText(text, d.get("partial_json"));
          appendText(text, d.get("thinking"));
        }
        default -> { }
      }
    }
    return merged == null ? Extraction.none(model, text.toString())
        : new Extraction(usage(merged), model, text.toString(), null, unpriced(merged));
  }

  static Usage usage(JsonNode u) {
    long uncached = UsageFields.count(u, "input_tokens");
    long read = UsageFields.count(u, "cache_read_input_tokens");
    JsonNode split = UsageFields.object(u, "cache_creation");
    long write5m;
    long write1h;
    if (split != null) {
      write5m = UsageFields.count(split, "ephemeral_5m_input_tokens");
      write1h = UsageFields.count(split, "ephemeral_1h_input_tokens");
    } else {
      write5m = UsageFields.count(u, "cache_creation_input_tokens");
      write1h = 0;
    }
    return Usage.builder()
        .inputTokens(uncached + read + write5m + write1h)
        .cacheReadTokens(read)
        .cacheWriteTokens(write5m)
        .cacheWrite1hTokens(write1h)
        .outputTokens(UsageFields.count(u, "output_tokens"))
        .webSearchCalls(UsageFields.count(UsageFields.object(u, SERVER_TOOLS), "web_search_requests"))
        .serviceTier("fast".equals(UsageFields.text(u, "speed")) ? "fast"
            : ServiceTiers.normalize(UsageFields.text(u, "service_tier")))
        .inferenceGeo(geo(UsageFields.text(u, "inference_geo")))
        .build();
  }

  /** Server tools billed beyond their tokens, other than web search (web fetch costs only its tokens). */
  static Map<String, Long> unpriced(JsonNode u) {
    Map<String, Long> out = ServerToolCounts.unpriced(u, SERVER_TOOLS, "web_search_requests");
    out.remove(SERVER_TOOLS + ".web_fetch_requests");
    return out;
  }

  /** "" where the region carries no uplift (global routing, or none reported: "not_available"). */
  private static String geo(String reported) {
    String geo = reported == null ? "" : reported.strip().toLowerCase(Locale.ROOT);
    return geo.equals("global") || geo.equals("not_available") ? "" : geo;
  }

  private static void appendBlockText(StringBuilder text, JsonNode block) {
    appendText(text, block.get("text"));
    appendText(text, block.get("thinking"));
    JsonNode input = block.get("input");
    if (input != null && input.isObject()) {
      text.append(input);
    }
  }

  private static void appendText(StringBuilder text, JsonNode v) {
    if (v != null && v.isTextual()) {
      text.append(v.textValue());
    }
  }
}
