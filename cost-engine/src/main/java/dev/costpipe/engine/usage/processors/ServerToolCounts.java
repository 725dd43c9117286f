package dev.costpipe.engine.usage.processors;

import com.fasterxml.jackson.databind.JsonNode;
import dev.costpipe.engine.usage.UsageFields;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * Per-tool call counts a usage object reports (xAI's {@code server_side_tool_usage_details}, Anthropic's
 * {@code server_tool_use}): the one costpipe prices as web searches is taken out, every other non-zero
 * count is returned for the record's "unpriced usage" flag.
 */
final class ServerToolCounts {
  private ServerToolCounts() {}

  /** Non-zero counts of {@code parent.field}'s members except {@code pricedMember}, named {@code field.member}. */
  static Map<String, Long> unpriced(JsonNode parent, String field, String pricedMember) {
    JsonNode details = UsageFields.object(parent, field);
    Map<String, Long> out = new TreeMap<>();
    if (details == null) {
      return out;
    }
    for (Iterator<String> it = details.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (name.equals(pricedMember) || !details.get(name).isNumber()) {
        continue;
      }
      long n = UsageFields.count(details, name);
      if (n > 0) {
        out.put(field + "." + name, n);
      }
    }
    return out;
  }
}
