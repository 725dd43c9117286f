package dev.costpipe.engine.usage.processors;

import com.fasterxml.jackson.databind.JsonNode;
import dev.costpipe.engine.usage.Extraction;
import dev.costpipe.engine.usage.ServiceTiers;
import dev.costpipe.engine.usage.Usage;
import dev.costpipe.engine.usage.UsageFields;
import dev.costpipe.engine.usage.UsageProcessor;
import java.util.List;
import java.util.Map;

/**
 * OpenAI chat completions, and every provider that answers in the same shape (Azure OpenAI, Groq,
 * Mistral, Together, Fireworks). {@code prompt_tokens} already includes cached, cache-write
 * ({@code prompt_tokens_details.cache_write_tokens}: OpenRouter, Azure), audio, image and video tokens
 * ({@code image_tokens}, {@code video_tokens}: OpenRouter, LiteLLM's normalized usage);
 * {@code completion_tokens} already includes reasoning, audio and image tokens. The body's
 * {@code service_tier} says which tier billed it. In a stream the usage comes in the last chunk when
 * {@code stream_options.include_usage} is set (Groq: {@code x_groq.usage}).
 */
public class OpenAiChatUsageProcessor implements UsageProcessor {

  @Override
  public Extraction fromBody(JsonNode body) {
    StringBuilder text = new StringBuilder();
    for (JsonNode choice : body.path("choices")) {
      appendText(text, choice.path("message"));
    }
    JsonNode usage = UsageFields.object(body, "usage");
    return extraction(usage, body, text.toString());
  }

  @Override
  public Extraction fromStream(List<JsonNode> payloads) {
    StringBuilder text = new StringBuilder();
    JsonNode usage = null;
    JsonNode usageCarrier = null;
    String model = null;
    for (JsonNode p : payloads) {
      for (JsonNode choice : p.path("choices")) {
        appendText(text, choice.path("delta"));
      }
      JsonNode u = UsageFields.object(p, "usage");
      if (u == null) {
        u = UsageFields.object(p.path("x_groq"), "usage");
      }
      if (u != null) {
        usage = u;
        usageCarrier = p;
      }
      if (model == null) {
        model = UsageFields.text(p, "model");
      }
    }
    Extraction e = extraction(usage, usageCarrier, text.toString());
    return e.model() == null ? new Extraction(e.usage(), model, e.outputText(), e.providerCostUsd()) : e;
  }

  private Extraction extraction(JsonNode usage, JsonNode carrier, String text) {
    String model = carrier == null ? null : UsageFields.text(carrier, "model");
    if (usage == null) {
      return Extraction.none(model, text);
    }
    Usage u = usage(usage).toBuilder().serviceTier(ServiceTiers.normalize(UsageFields.text(carrier, "service_tier")))
        .build();
    return new Extraction(u, model, text, providerCost(usage), unpricedCounts(usage));
  }

  /** The normalized usage of one {@code usage} object. */
  protected Usage usage(JsonNode u) {
    JsonNode in = UsageFields.object(u, "prompt_tokens_details");
    JsonNode out = UsageFields.object(u, "completion_tokens_details");
    Usage.Builder b = Usage.builder()
        .inputTokens(UsageFields.count(u, "prompt_tokens"))
        .cacheReadTokens(cacheReadTokens(u, in))
        .cacheWriteTokens(UsageFields.count(in, "cache_write_tokens"))
        .audioInputTokens(UsageFields.count(in, "audio_tokens"))
        .imageInputTokens(UsageFields.uncachedPromptTokens(in, "image_tokens"))
        .videoInputTokens(UsageFields.uncachedPromptTokens(in, "video_tokens"))
        .outputTokens(outputTokens(u, out))
        .reasoningTokens(UsageFields.count(out, "reasoning_tokens"))
        .audioOutputTokens(UsageFields.count(out, "audio_tokens"))
        .imageOutputTokens(UsageFields.count(out, "image_tokens"));
    readExtras(u, b);
    return b.build();
  }

  /** Provider-specific counts beyond OpenAI's (xAI's search sources and server-side tools). */
  protected void readExtras(JsonNode usage, Usage.Builder b) {}

  /** Counts in the usage object that may be billed but have no price dimension. */
  protected Map<String, Long> unpricedCounts(JsonNode usage) {
    return Map.of();
  }

  protected long cacheReadTokens(JsonNode usage, JsonNode promptDetails) {
    return UsageFields.count(promptDetails, "cached_tokens");
  }

  protected long outputTokens(JsonNode usage, JsonNode completionDetails) {
    return UsageFields.count(usage, "completion_tokens");
  }

  /** A cost the provider itself reports in the usage object; none for OpenAI. */
  protected java.math.BigDecimal providerCost(JsonNode usage) {
    return null;
  }

  private static void appendText(StringBuilder text, JsonNode message) {
    append(text, message.get("content"));
    append(text, message.get("reasoning_content"));
    append(text, message.get("reasoning"));
    for (JsonNode call : message.path("tool_calls")) {
      append(text, call.path("function").get("arguments"));
    }
  }

  private static void append(StringBuilder text, JsonNode v) {
    if (v == null || v.isNull()) {
      return;
    }
    if (v.isTextual()) {
      text.append(v.textValue());
    } else if (v.isArray()) {
      for (JsonNode part : v) {
        append(text, part.get("text"));
      }
    }
  }
}
