package dev.costpipe.topology.it;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Events that are certainly bad, of every kind the parse step must refuse: not JSON, binary text, deep
 * nesting, wrong types, missing or unknown fields, negative, fractional and absurd token counts.
 */
final class HostileEvents {
  private HostileEvents() {}

  static List<Map.Entry<String, String>> of(int n, long seed) {
    Random r = new Random(seed);
    List<Map.Entry<String, String>> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      String id = "hostile-" + seed + "-" + i;
      String usage = "{\"request_id\":\"" + id + "\",\"event_type\":\"response\",\"provider\":\"openai\","
          + "\"request_body\":{\"model\":\"gpt-4o\"},\"response_body\":{\"usage\":{\"prompt_tokens\":%s,\"completion_tokens\":1}}}";
      String value = switch (r.nextInt(12)) {
        case 0 -> "{\"request_id\":\"" + id + "\",\"event_type\":";
        case 1 -> "\u00ff\u00fe binary \u00ff";
        case 2 -> "[".repeat(5000) + "]".repeat(5000);
        case 3 -> "{\"request_id\":" + i + ",\"event_type\":\"response\"}";
        case 4 -> "{\"event_type\":\"response\",\"response_body\":{}}";
        case 5 -> "{\"request_id\":\"" + id + "\",\"event_type\":\"delete from request_costs\"}";
        case 6 -> usage.formatted("-5");
        case 7 -> usage.formatted("1.5");
        case 8 -> usage.formatted("99999999999999999999");
        case 9 -> usage.formatted("\"ten\"");
        case 10 -> "{\"request_id\":\"" + id + "\",\"event_type\":\"chunk\",\"seq\":-1,\"chunk\":{}}";
        default -> "{\"request_id\":\"" + id + "\",\"event_type\":\"response\",\"headers\":{\"Helicone-User-Id\":{\"x\":1}}}";
      };
      out.add(Map.entry(r.nextBoolean() ? id : "x' OR 1=1 --", value));
    }
    return out;
  }
}
