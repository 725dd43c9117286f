package dev.costpipe.topology.alert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.costpipe.engine.json.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * A rule's spend in one window and the levels already fired there.
 *
 * @param seeded whether the spend the window had before the rule was put has been added
 * @param partialSinceMs when the rule started counting, if that was after the window started and the spend before
 *     could not be added; else null
 */
public record AlertWindowState(long windowStartMs, long windowEndMs, long spent, List<Integer> fired, boolean seeded,
    Long partialSinceMs) {

  /** A window's state before anything is counted. */
  public static AlertWindowState empty(long windowStartMs, long windowEndMs, Long partialSinceMs) {
    return new AlertWindowState(windowStartMs, windowEndMs, 0, List.of(), false, partialSinceMs);
  }

  public JsonNode toTree() {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("window_start_ms", windowStartMs).put("window_end_ms", windowEndMs).put("spent", spent);
    fired.forEach(o.putArray("fired")::add);
    if (seeded) {
      o.put("seeded", true);
    }
    if (partialSinceMs != null) {
      o.put("partial_since_ms", partialSinceMs);
    }
    return o;
  }

  public static AlertWindowState fromTree(JsonNode o) {
    List<Integer> fired = new ArrayList<>();
    o.path("fired").forEach(l -> fired.add(l.asInt()));
    return new AlertWindowState(o.path("window_start_ms").asLong(), o.path("window_end_ms").asLong(),
        o.path("spent").asLong(), fired, o.path("seeded").asBoolean(),
        o.hasNonNull("partial_since_ms") ? o.get("partial_since_ms").asLong() : null);
  }
}
