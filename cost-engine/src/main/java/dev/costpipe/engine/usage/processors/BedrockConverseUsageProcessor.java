package dev.costpipe.engine.usage.processors;

import com.fasterxml.jackson.databind.JsonNode;
import dev.costpipe.engine.usage.Extraction;
import dev.costpipe.engine.usage.Usage;
import dev.costpipe.engine.usage.UsageFields;
import dev.costpipe.engine.usage.UsageProcessor;
import java.util.List;

/**
 * Amazon Bedrock Converse and ConverseStream. {@code inputTokens} excludes cache reads and writes,
 * so they are added; a stream reports usage in its {@code metadata} event.
 */
public final class BedrockConverseUsageProcessor implements UsageProcessor {

  @Override
  public Extraction fromBody(JsonNode body) {
    StringBuilder text = new StringBuilder();
    for (JsonNode block : body.path("output").path("message").path("content")) {
      if (block.path("text").isTextual()) {
        text.append(block.path("text").textValue());
      }
    }
    JsonNode u = UsageFields.object(body, "usage");
    return u == null ? Extraction.none(null, text.toString()) : new Extraction(usage(u), null, text.toString(), null);
  }

  @Override
  public Extraction fromStream(List<JsonNode> payloads) {
    StringBuilder text = new StringBuilder();
    JsonNode usage = null;
    for (JsonNode p : payloads) {
      JsonNode delta = p.path("contentBlockDelta").path("delta");
      if (delta.path("text").isTextual()) {
        text.append(delta.path("text").textValue());
      }
      JsonNode u = UsageFields.object(UsageFields.object(p, "metadata"), "usage");
      if (u != null) {
        usage = u;
      }
    }
    return usage == null ? Extraction.none(null, text.toString()) : new Extraction(usage(usage), null, text.toString(), null);
  }

  private static Usage usage(JsonNode u) {
    long read = UsageFields.count(u, "cacheReadInputTokens");
    long write = UsageFields.count(u, "cacheWriteInputTokens");
    return Usage.builder()
        .inputTokens(UsageFields.count(u, "inputTokens") + read + write)
        .cacheReadTokens(read)
        .cacheWriteTokens(write)
        .outputTokens(UsageFields.count(u, "outputTokens"))
        .build();
  }
}
