package dev.costpipe.engine.usage.processors;

import com.fasterxml.jackson.databind.JsonNode;
import dev.costpipe.engine.usage.Usage;
import dev.costpipe.engine.usage.UsageFields;
import java.util.Map;

/**
 * xAI's billed extras, in its Chat Completions and Responses usage alike: {@code num_sources_used}
 * (Live Search, billed per source) and {@code server_side_tool_usage_details} (Agent Tools, billed per
 * call): its {@code web_search_calls} are web searches, the other tools have no price dimension.
 */
final class XaiToolUsage {
  static final String DETAILS = "server_side_tool_usage_details";

  private XaiToolUsage() {}

  /** Sets search sources and web searches; {@code searchItems} are web searches counted from output items. */
  static void read(JsonNode usage, Usage.Builder b, long searchItems) {
    b.searchSources(UsageFields.count(usage, "num_sources_used"));
    long searches = UsageFields.count(UsageFields.object(usage, DETAILS), "web_search_calls");
    // the Responses API may list the same searches as output items: one count, the larger
    b.webSearchCalls(Math.max(searches, searchItems));
  }

  static Map<String, Long> unpriced(JsonNode usage) {
    return ServerToolCounts.unpriced(usage, DETAILS, "web_search_calls");
  }
}
