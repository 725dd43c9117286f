package dev.costpipe.engine.usage;

import com.fasterxml.jackson.databind.JsonNode;
import dev.costpipe.engine.event.BadEventException;
import dev.costpipe.engine.json.Json;
import java.io.IOException;
import java.util.Base64;

/**
 * Bedrock InvokeModelWithResponseStream wraps each of the model's own stream events (Anthropic's
 * {@code message_start}, …) as base64 JSON: {@code {"chunk": {"bytes": "eyJ0eXBlIjoi…"}}}, or
 * {@code {"bytes": "…"}} as the SDKs' PayloadPart. This unwraps such a payload to the event inside.
 */
public final class BedrockChunkBytes {
  private BedrockChunkBytes() {}

  /** The decoded event when {@code payload} is a base64 chunk, else {@code payload} itself. */
  public static JsonNode decode(JsonNode payload) {
    JsonNode bytes = payload.path("chunk").path("bytes");
    if (!bytes.isTextual()) {
      bytes = payload.size() == 1 ? payload.path("bytes") : bytes;
    }
    if (!bytes.isTextual()) {
      return payload;
    }
    try {
      JsonNode event = Json.MAPPER.readTree(Base64.getDecoder().decode(bytes.textValue()));
      if (event == null || !event.isObject()) {
        throw new BadEventException("invalid_body", "chunk.bytes does not hold a JSON object");
      }
      return event;
    } catch (IllegalArgumentException | IOException e) {
      throw new BadEventException("invalid_body", "chunk.bytes is not base64 JSON");
    }
  }
}
