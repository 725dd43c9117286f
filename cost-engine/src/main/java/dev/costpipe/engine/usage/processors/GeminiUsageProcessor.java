package dev.costpipe.engine.usage.processors;

import com.fasterxml.jackson.databind.JsonNode;
import dev.costpipe.engine.usage.Extraction;
import dev.costpipe.engine.usage.ServiceTiers;
import dev.costpipe.engine.usage.Usage;
import dev.costpipe.engine.usage.UsageFields;
import dev.costpipe.engine.usage.UsageProcessor;
import java.util.List;

/**
 * Google Gemini (Gemini API and Vertex AI). {@code promptTokenCount} includes cached tokens;
 * {@code candidatesTokenCount} excludes {@code thoughtsTokenCount}, which is billed as output, so it
 * is added; {@code toolUsePromptTokenCount} is billed as input, so it is added too. Per modality:
 * {@code promptTokensDetails} AUDIO is audio input (cached audio included), {@code cacheTokensDetails}
 * AUDIO the cached part of it (inside {@code cachedContentTokenCount} too, and subtracted from the
 * prompt once), IMAGE and VIDEO less their {@code cacheTokensDetails} part are image and video input (cached
 * images and video are billed as cache reads), {@code candidatesTokensDetails} AUDIO and IMAGE are audio and
 * image output. A response
 * grounded with Google Search ({@code groundingMetadata.webSearchQueries}) is one grounded prompt, billed
 * as one web search. Vertex's {@code trafficType} {@code ON_DEMAND_FLEX}/{@code ON_DEMAND_PRIORITY} is the
 * service tier. A stream repeats cumulative {@code usageMetadata}: the last one with counts counts.
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
    boolean grounded = false;
    for (JsonNode p : payloads) {
      for (JsonNode candidate : p.path("candidates")) {
        JsonNode queries = candidate.path("groundingMetadata").path("webSearchQueries");
        grounded |= queries.isArray() && !queries.isEmpty();
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
        : new Extraction(usage(usage, grounded), model, text.toString(), null);
  }

  private static Usage usage(JsonNode u, boolean grounded) {
    long thoughts = UsageFields.count(u, "thoughtsTokenCount");
    String traffic = UsageFields.text(u, "trafficType");
    return Usage.builder()
        .inputTokens(UsageFields.count(u, "promptTokenCount") + UsageFields.count(u, "toolUsePromptTokenCount"))
        .cacheReadTokens(UsageFields.count(u, "cachedContentTokenCount"))
        .audioInputTokens(modality(u.get("promptTokensDetails"), "AUDIO"))
        .cacheReadAudioTokens(modality(u.get("cacheTokensDetails"), "AUDIO"))
        .imageInputTokens(uncachedPrompt(u, "IMAGE"))
        .videoInputTokens(uncachedPrompt(u, "VIDEO"))
        .outputTokens(UsageFields.count(u, "candidatesTokenCount") + thoughts)
        .reasoningTokens(thoughts)
        .audioOutputTokens(modality(u.get("candidatesTokensDetails"), "AUDIO"))
        .imageOutputTokens(modality(u.get("candidatesTokensDetails"), "IMAGE"))
        .webSearchCalls(grounded ? 1 : 0)
        .serviceTier(traffic != null && traffic.startsWith("ON_DEMAND_")
            ? ServiceTiers.normalize(traffic.substring("ON_DEMAND_".length())) : "")
        .build();
  }

  private static long uncachedPrompt(JsonNode u, String modality) {
    return Math.max(0, modality(u.get("promptTokensDetails"), modality) - modality(u.get("cacheTokensDetails"), modality));
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
