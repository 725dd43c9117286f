package dev.costpipe.engine.usage.processors;

import com.fasterxml.jackson.databind.JsonNode;
import dev.costpipe.engine.usage.UsageFields;

/** DeepSeek: OpenAI's shape, but cache reads are {@code prompt_cache_hit_tokens}. */
public final class DeepSeekUsageProcessor extends OpenAiChatUsageProcessor {

  @Override
  protected long cacheReadTokens(JsonNode usage, JsonNode promptDetails) {
    if (usage.has("prompt_cache_hit_tokens")) {
      return UsageFields.count(usage, "prompt_cache_hit_tokens");
    }
    return super.cacheReadTokens(usage, promptDetails);
  }
}
