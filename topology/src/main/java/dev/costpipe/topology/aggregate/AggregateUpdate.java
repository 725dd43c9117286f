package dev.costpipe.topology.aggregate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * A window's totals for one dimension value after an update, the value of {@code llm.cost-aggregates}.
 *
 * @param window the window size as named in records: 1h, 1d, 15m
 */
public record AggregateUpdate(String window, Instant windowStart, Instant windowEnd, CostTotals totals) {

  /** The record key: dimension, value, window and its start; the same for every update of these totals. */
  public String key() {
    return totals.dimension() + "/" + totals.value() + "/" + window + "/" + windowStart;
  }

  /** The aggregate record of the README: the totals, then the window. */
  public ObjectNode toTree() {
    ObjectNode o = totals.toTree();
    o.put("window", window);
    o.put("window_start", windowStart.toString());
    o.put("window_end", windowEnd.toString());
    return o;
  }

  public static AggregateUpdate fromTree(JsonNode o) {
    return new AggregateUpdate(o.path("window").asText(), Instant.parse(o.path("window_start").asText()),
        Instant.parse(o.path("window_end").asText()), CostTotals.fromTree(o));
  }
}
