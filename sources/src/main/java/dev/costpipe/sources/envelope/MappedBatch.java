package dev.costpipe.sources.envelope;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * What one body became: the events to produce (each a costpipe envelope, keyed by its {@code request_id}), the
 * items refused with their reasons, and how many items were skipped because they are not LLM calls at all (an
 * HTTP span, an agent span that only sums its children).
 *
 * @param warnings events produced but flagged (an unmapped provider): counted, never guessed
 */
public record MappedBatch(List<ObjectNode> events, List<Reject> rejects, int ignored, List<String> warnings) {
  public MappedBatch {
    events = List.copyOf(events);
    rejects = List.copyOf(rejects);
    warnings = List.copyOf(warnings);
  }

  /** The key of an event on the raw-events topic: its request id. */
  public static String key(ObjectNode event) {
    return event.path("request_id").asText();
  }
}
