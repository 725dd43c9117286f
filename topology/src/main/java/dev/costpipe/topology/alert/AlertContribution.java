package dev.costpipe.topology.alert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.costpipe.engine.json.Json;

/** One request's addition to one rule's spend (nano-USD or 1 request), at the request's time. */
public record AlertContribution(String ruleId, long amount, String requestId, long timestampMs) {

  public JsonNode toTree() {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("rule_id", ruleId).put("amount", amount).put("request_id", requestId).put("timestamp_ms", timestampMs);
    return o;
  }

  public static AlertContribution fromTree(JsonNode o) {
    return new AlertContribution(o.path("rule_id").asText(), o.path("amount").asLong(), o.path("request_id").asText(),
        o.path("timestamp_ms").asLong());
  }
}
