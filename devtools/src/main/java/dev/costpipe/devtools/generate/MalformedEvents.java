package dev.costpipe.devtools.generate;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.costpipe.engine.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

/**
 * Events a buggy or hostile producer sends, one of each reason costpipe refuses an event for. Each
 * carries the id of a real request but can never merge into it: it is refused before merging.
 */
final class MalformedEvents {
  private MalformedEvents() {}

  static byte[] make(Random random, String requestId, String timestamp, byte[] goodEvent) {
    return switch (random.nextInt(5)) {
      // a record cut short, e.g. by a producer writing past a size limit
      case 0 -> Arrays.copyOf(goodEvent, 1 + random.nextInt(Math.max(1, goodEvent.length / 2)));
      case 1 -> bytes(Json.MAPPER.createObjectNode().put("event_type", "response").put("timestamp", timestamp)
          .put("status", 200));
      case 2 -> bytes(envelope(requestId, timestamp).put("event_type", "reply"));
      case 3 -> bytes(envelope(requestId, timestamp).put("event_type", "chunk").put("chunk", "data: {}\n\n"));
      default -> {
        ObjectNode e = envelope(requestId, timestamp).put("event_type", "response").put("provider", "openai")
            .put("status", 200);
        ObjectNode body = e.putObject("response_body").put("object", "chat.completion").put("model", "gpt-4o-mini");
        body.putArray("choices");
        body.putObject("usage").put("prompt_tokens", -12).put("completion_tokens", 40).put("total_tokens", 28);
        yield bytes(e);
      }
    };
  }

  private static ObjectNode envelope(String requestId, String timestamp) {
    return Json.MAPPER.createObjectNode().put("request_id", requestId).put("timestamp", timestamp);
  }

  private static byte[] bytes(ObjectNode node) {
    return Sse.json(node).getBytes(StandardCharsets.UTF_8);
  }
}
