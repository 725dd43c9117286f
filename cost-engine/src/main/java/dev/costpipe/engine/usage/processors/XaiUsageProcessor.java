package dev.costpipe.engine.usage.processors;

import com.fasterxml.jackson.databind.JsonNode;
import dev.costpipe.engine.usage.Usage;
import dev.costpipe.engine.usage.UsageFields;
import java.util.Map;

/**
 * xAI: OpenAI's shape, but reasoning tokens are reported beside {@code completion_tokens}, not in
 * it ({@code total_tokens = prompt + completion + reasoning}); they are billed as output, so they are
 * added. Where the total shows them already included, nothing is added. Live Search bills each of
 * {@code num_sources_used}; server-side tools report {@code server_side_tool_usage_details}, whose web
 * searches are priced as web searches and the rest flagged ({@link XaiToolUsage}).
 */
public final class XaiUsageProcessor extends OpenAiChatUsageProcessor {

  @Override
  protected long outputTokens(JsonNode usage, JsonNode completionDetails) {
    long completion = UsageFields.count(usage, "completion_tokens");
    long reasoning = UsageFields.count(completionDetails, "reasoning_tokens");
    long prompt = UsageFields.count(usage, "prompt_tokens");
    boolean separate = usage.has("total_tokens")
        ? UsageFields.count(usage, "total_tokens") == prompt + completion + reasoning
        : reasoning > completion;
    return separate ? completion + reasoning : completion;
  }

  @Override
  protected void readExtras(JsonNode usage, Usage.Builder b) {
    XaiToolUsage.read(usage, b, 0);
  }

  @Override
  protected Map<String, Long> unpricedCounts(JsonNode usage) {
    return XaiToolUsage.unpriced(usage);
  }
}
