package dev.costpipe.engine.usage;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * Turns one provider API's responses into normalized {@link Usage}. Invalid usage (wrong types,
 * negative or absurd counts) throws {@link dev.costpipe.engine.event.BadEventException}.
 */
public interface UsageProcessor {

  /** A complete, non-streamed response body. */
  Extraction fromBody(JsonNode body);

  /** A stream's event payloads (the JSON of each SSE {@code data:} line or decoded event), in order. */
  Extraction fromStream(List<JsonNode> payloads);
}
