package dev.costpipe.devtools.generate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * How one provider's API looks on the wire: its URL, request body, response body and stream events,
 * as in the real captures under cost-engine's test fixtures.
 */
interface ProviderShape {
  String targetUrl(CallPlan c);

  ObjectNode requestBody(CallPlan c);

  /** The body of a non-streamed answer. */
  ObjectNode responseBody(CallPlan c);

  /** The stream, one element per chunk event: raw SSE text, or a decoded event object (Bedrock). */
  List<JsonNode> streamChunks(CallPlan c);

  /** How many stream events frame the content deltas (the stream has this many chunks plus the deltas). */
  int framingChunks();
}
