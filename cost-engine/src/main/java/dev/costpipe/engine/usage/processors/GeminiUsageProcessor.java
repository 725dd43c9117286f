package dev.costpipe.engine.usage.processors;

import com.fasterxml.jackson.databind.JsonNode;
import dev.costpipe.engine.usage.Extraction;
import dev.costpipe.engine.usage.Usage;
import dev.costpipe.engine.usage.UsageFields;
import dev.costpipe.engine.usage.UsageProcessor;
import java.util.List;

/**
 * Google Gemini (Gemini API and Vertex AI). {@code promptTokenCount} includes cached tokens;
 * {@code candidatesTokenCount} excludes {@code thoughtsTokenCount}, which is billed as output, so it
 * is added; {@code toolUsePromptTokenCount} is billed as input, so it is added too. A stream repeats
 * cumulative {@code usageMetadata}: the last one with counts counts.
 */
public final class GeminiUsageProcessor implements UsageProcessor {

  @Override
  public Extraction fromBody(JsonNode body) {
    return fromStream(List.of(body));
  }

  @Override
  public Extraction fromStream(List<JsonNode> payloads) {
    StringBuilder text = new StringBuilder();
    JsonNode usage = null;
    String model = null;
    for (JsonNode p : payloads) {
      for (JsonNode candidate : p.path("candidates")) {
        for (JsonNode part : candidate.path("content").path("parts")) {
          if (part.path("text").isTextual()) {
            text.append(part.path("text").textValue());
          }
        }
      }
      JsonNode u = UsageFields.object(p, "usageMetadata");
      // Vertex's middle chunks carry a usageMetadata with no counts (only trafficType)
      if (u != null && (u.has("promptTokenCount") || u.has("candidatesTokenCount") || u.has("totalTokenCount"))) {
        usage = u;
      }
      if (UsageFields.text(p, "modelVersion") != null) {
        model = UsageFields.text(p, "modelVersion");
      }
    }
    return usage == null ? Extraction.none(model, text.toString())
        : new Extraction(usage(usage), model, text.toString(), null);
  }

  private static Usage usage(JsonNode u) {
    long thoughts = UsageFields.count(u, "thoughtsTokenCount");
    return Usage.builder()
        .inputTokens(UsageFields.count(u, "promptTokenCount") + UsageFields.count(u, "toolUsePromptTokenCount"))
        .cacheReadTokens(UsageFields.count(u, "cachedContentTokenCount"))
        .audioInputTokens(modality(u.get("promptTokensDetails"), "AUDIO"))
        .outputTokens(UsageFields.count(u, "candidatesTokenCount") + thoughts)
        .reasoningTokens(thoughts)
        .audioOutputTokens(modality(u.get("candidatesTokensDetails"), "AUDIO"))
        .build();
  }

  private static long modality(JsonNode details, String modality) {
    long n = 0;
    if (details != null) {
      for (JsonNode d : details) {
        if (modality.equals(d.path("modality").asText())) {
          n += UsageFields.count(d, "tokenCount");
        }
      }
    }
    return n;
  }
}
