package dev.costpipe.devtools.generate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.costpipe.engine.json.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * Bedrock's Converse API: the model id in the URL, {@code inputTokens} without cache reads and
 * writes, and ConverseStream events decoded to one JSON object each, the usage in the last
 * ({@code metadata}) one (shapes of bedrock/converse-basic and converse-stream-cache).
 */
final class BedrockConverseShape implements ProviderShape {

  @Override
  public String targetUrl(CallPlan c) {
    // the AWS SDKs percent-encode the model id's ':' in the path
    return "https://bedrock-runtime.us-east-1.amazonaws.com/model/" + c.model().model().replace(":", "%3A")
        + (c.streamed() ? "/converse-stream" : "/converse");
  }

  @Override
  public ObjectNode requestBody(CallPlan c) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    ArrayNode system = body.putArray("system");
    system.addObject().put("text", c.system());
    if (c.cacheReadTokens() + c.cacheWriteTokens() > 0) {
      system.addObject().putObject("cachePoint").put("type", "default");
    }
    ArrayNode messages = body.putArray("messages");
    for (CallPlan.Turn t : c.turns()) {
      ObjectNode m = messages.addObject().put("role", t.role());
      m.putArray("content").addObject().put("text", t.text());
    }
    body.putObject("inferenceConfig").put("maxTokens", c.maxTokens());
    return body;
  }

  @Override
  public ObjectNode responseBody(CallPlan c) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.putObject("metrics").put("latencyMs", latencyMs(c));
    ObjectNode message = body.putObject("output").putObject("message");
    message.putArray("content").addObject().put("text", c.outputText());
    message.put("role", "assistant");
    body.put("stopReason", "end_turn");
    body.set("usage", usage(c));
    return body;
  }

  @Override
  public List<JsonNode> streamChunks(CallPlan c) {
    List<JsonNode> chunks = new ArrayList<>();
    ObjectNode start = Json.MAPPER.createObjectNode();
    start.putObject("messageStart").put("role", "assistant");
    chunks.add(start);
    for (String piece : c.deltas()) {
      ObjectNode d = Json.MAPPER.createObjectNode();
      d.putObject("contentBlockDelta").put("contentBlockIndex", 0).putObject("delta").put("text", piece);
      chunks.add(d);
    }
    ObjectNode blockStop = Json.MAPPER.createObjectNode();
    blockStop.putObject("contentBlockStop").put("contentBlockIndex", 0);
    chunks.add(blockStop);
    ObjectNode stop = Json.MAPPER.createObjectNode();
    stop.putObject("messageStop").put("stopReason", "end_turn");
    chunks.add(stop);
    ObjectNode metadata = Json.MAPPER.createObjectNode();
    ObjectNode inner = metadata.putObject("metadata");
    inner.putObject("metrics").put("latencyMs", latencyMs(c));
    inner.set("usage", usage(c));
    chunks.add(metadata);
    return chunks;
  }

  @Override
  public int framingChunks() {
    return 4;
  }

  private static long latencyMs(CallPlan c) {
    return 300 + c.completionTokens() * 12L;
  }

  private static ObjectNode usage(CallPlan c) {
    ObjectNode u = Json.MAPPER.createObjectNode();
    u.put("cacheReadInputTokenCount", c.cacheReadTokens());
    u.put("cacheReadInputTokens", c.cacheReadTokens());
    u.put("cacheWriteInputTokenCount", c.cacheWriteTokens());
    u.put("cacheWriteInputTokens", c.cacheWriteTokens());
    u.put("inputTokens", c.inputTokens());
    u.put("outputTokens", c.completionTokens());
    u.put("totalTokens", c.promptTokens() + c.completionTokens());
    return u;
  }
}
