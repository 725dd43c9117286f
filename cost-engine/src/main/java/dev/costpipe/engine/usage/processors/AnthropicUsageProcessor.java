package dev.costpipe.engine.usage.processors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.costpipe.engine.json.Json;
import dev.costpipe.engine.usage.Extraction;
import dev.costpipe.engine.usage.Usage;
import dev.costpipe.engine.usage.UsageFields;
import dev.costpipe.engine.usage.UsageProcessor;
import java.util.List;

/**
 * Anthropic Messages, wherever it is served (Anthropic, Vertex rawPredict, Bedrock InvokeModel).
 * {@code input_tokens} excludes cache reads and writes, so they are added; {@code cache_creation}
 * splits writes into 5-minute and 1-hour. A stream's usage is split: {@code message_start} has the
 * input side, {@code message_delta} the cumulative output side (its fields win where repeated).
 */
public final class AnthropicUsageProcessor implements UsageProcessor {

  @Override
  public Extraction fromBody(JsonNode body) {
    StringBuilder text = new StringBuilder();
    for (JsonNode block : body.path("content")) {
      appendBlockText(text, block);
    }
    String model = UsageFields.text(body, "model");
    JsonNode u = UsageFields.object(body, "usage");
    return u == null ? Extraction.none(model, text.toString()) : new Extraction(usage(u), model, text.toString(), null);
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
        : new Extraction(usage(merged), model, text.toString(), null);
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
        .webSearchCalls(UsageFields.count(UsageFields.object(u, "server_tool_use"), "web_search_requests"))
        .build();
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
