package dev.costpipe.topology.alert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.costpipe.engine.json.Json;

/** A rule's {@link AlertRule#basis} as a task took it into account, and since when (epoch ms; 0: since ever). */
public record RuleVersion(String basis, long sinceMs) {

  public JsonNode toTree() {
    ObjectNode o = Json.MAPPER.createObjectNode();
    return o.put("basis", basis).put("since_ms", sinceMs);
  }

  public static RuleVersion fromTree(JsonNode o) {
    return new RuleVersion(o.path("basis").asText(), o.path("since_ms").asLong());
  }
}
