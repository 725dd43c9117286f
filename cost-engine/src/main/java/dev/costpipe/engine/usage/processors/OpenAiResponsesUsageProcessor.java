package dev.costpipe.engine.usage.processors;

import com.fasterxml.jackson.databind.JsonNode;
import dev.costpipe.engine.usage.Extraction;
import dev.costpipe.engine.usage.ServiceTiers;
import dev.costpipe.engine.usage.Usage;
import dev.costpipe.engine.usage.UsageFields;
import dev.costpipe.engine.usage.UsageProcessor;
import java.util.List;

/**
 * OpenAI Responses API (and Azure's). Usage is {@code input_tokens} (cached included) and
 * {@code output_tokens} (reasoning included); a stream carries the final response, usage included,
 * in its {@code response.completed} (or {@code .incomplete}/{@code .failed}) event. Each
 * {@code web_search_call} output item is one billed search. {@code input_tokens_details.cache_write_tokens}
 * are cache writes (inside {@code input_tokens}); {@code input_tokens_details.image_tokens} image prompt
 * tokens and {@code output_tokens_details.image_tokens} image output (the Images API's usage of gpt-image
 * models has this shape); {@code service_tier} says which tier billed it. xAI's
 * Responses add Live Search sources and server-side tool counts ({@link XaiToolUsage}).
 */
public final class OpenAiResponsesUsageProcessor implements UsageProcessor {

  @Override
  public Extraction fromBody(JsonNode body) {
    StringBuilder text = new StringBuilder();
    long searches = 0;
    for (JsonNode item : body.path("output")) {
      if ("web_search_call".equals(item.path("type").asText())) {
        searches++;
      }
      for (JsonNode part : item.path("content")) {
        if (part.path("text").isTextual()) {
          text.append(part.path("text").textValue());
        }
      }
    }
    String model = UsageFields.text(body, "model");
    JsonNode u = UsageFields.object(body, "usage");
    if (u == null) {
      return Extraction.none(model, text.toString());
    }
    JsonNode in = UsageFields.object(u, "input_tokens_details");
    JsonNode out = UsageFields.object(u, "output_tokens_details");
    Usage.Builder usage = Usage.builder()
        .inputTokens(UsageFields.count(u, "input_tokens"))
        .cacheReadTokens(UsageFields.count(in, "cached_tokens"))
        .cacheWriteTokens(UsageFields.count(in, "cache_write_tokens"))
        .audioInputTokens(UsageFields.count(in, "audio_tokens"))
        .imageInputTokens(UsageFields.uncachedPromptTokens(in, "image_tokens"))
        .videoInputTokens(UsageFields.uncachedPromptTokens(in, "video_tokens"))
        .outputTokens(UsageFields.count(u, "output_tokens"))
        .reasoningTokens(UsageFields.count(out, "reasoning_tokens"))
        .audioOutputTokens(UsageFields.count(out, "audio_tokens"))
        .imageOutputTokens(UsageFields.count(out, "image_tokens"))
        .serviceTier(ServiceTiers.normalize(UsageFields.text(body, "service_tier")));
    XaiToolUsage.read(u, usage, searches);
    return new Extraction(usage.build(), model, text.toString(), null, XaiToolUsage.unpriced(u));
  }

  @Override
  public Extraction fromStream(List<JsonNode> payloads) {
    StringBuilder text = new StringBuilder();
    String model = null;
    for (JsonNode p : payloads) {
      String type = p.path("type").asText();
      if (type.equals("response.output_text.delta") && p.path("delta").isTextual()) {
        text.append(p.path("delta").textValue());
      }
      JsonNode response = p.get("response");
      if (response != null && response.isObject()) {
        model = UsageFields.text(response, "model") != null ? UsageFields.text(response, "model") : model;
        if (type.equals("response.completed") || type.equals("response.incomplete")
            || type.equals("response.failed")) {
          Extraction e = fromBody(response);
          return new Extraction(e.usage(), e.model(), text.toString(), null, e.unpricedCounts());
        }
      }
    }
    return Extraction.none(model, text.toString());
  }
}
