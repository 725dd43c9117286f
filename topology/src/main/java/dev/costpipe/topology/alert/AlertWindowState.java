package dev.costpipe.topology.alert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.costpipe.engine.json.Json;
import java.util.ArrayList;
import java.util.List;

/** A rule's spend in one window and the levels already fired there. */
public record AlertWindowState(long windowStartMs, long windowEndMs, long spent, List<Integer> fired) {

  public JsonNode toTree() {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("window_start_ms", windowStartMs).put("window_end_ms", windowEndMs).put("spent", spent);
    fired.forEach(o.putArray("fired")::add);
    return o;
  }

  public static AlertWindowState fromTree(JsonNode o) {
    List<Integer> fired = new ArrayList<>();
    o.path("fired").forEach(l -> fired.add(l.asInt()));
    return new AlertWindowState(o.path("window_start_ms").asLong(), o.path("window_end_ms").asLong(),
        o.path("spent").asLong(), fired);
  }
}
