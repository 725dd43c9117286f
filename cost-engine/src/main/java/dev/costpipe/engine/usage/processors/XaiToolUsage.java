package dev.costpipe.engine.usage.processors;

import com.fasterxml.jackson.databind.JsonNode;
import dev.costpipe.engine.usage.Usage;
import dev.costpipe.engine.usage.UsageFields;
import java.util.Map;
import java.util.Set;

/**
 * xAI's billed extras, in its Chat Completions and Responses usage alike: {@code num_sources_used}
 * (Live Search, billed per source) and {@code server_side_tool_usage_details} (Agent Tools): its
 * {@code web_search_calls} are web searches; X search, code execution, file and document search are
 * billed per call (server tool calls); the others (MCP, image generation) have no per-call price here
 * and are flagged.
 */
final class XaiToolUsage {
  static final String DETAILS = "server_side_tool_usage_details";
  private static final String WEB_SEARCH = "web_search_calls";
  /** The tools xAI bills per call, besides web search. */
  private static final Set<String> PER_CALL = Set.of("x_search_calls", "code_interpreter_calls",
      "file_search_calls", "document_search_calls");

  private XaiToolUsage() {}

  /** Sets search sources, web searches and tool calls; {@code searchItems}: web searches counted from output items. */
  static void read(JsonNode usage, Usage.Builder b, long searchItems) {
    b.searchSources(UsageFields.count(usage, "num_sources_used"));
    JsonNode details = UsageFields.object(usage, DETAILS);
    // the Responses API may list the same searches as output items: one count, the larger
    b.webSearchCalls(Math.max(UsageFields.count(details, WEB_SEARCH), searchItems));
    long calls = 0;
    for (String tool : PER_CALL) {
      calls += UsageFields.count(details, tool);
    }
    b.serverToolCalls(calls);
  }

  static Map<String, Long> unpriced(JsonNode usage) {
    Map<String, Long> out = ServerToolCounts.unpriced(usage, DETAILS, WEB_SEARCH);
    PER_CALL.forEach(tool -> out.remove(DETAILS + "." + tool));
    return out;
  }
}
