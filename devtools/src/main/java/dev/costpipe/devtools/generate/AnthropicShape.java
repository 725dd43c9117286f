package dev.costpipe.devtools.generate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.costpipe.engine.json.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * Anthropic's Messages API: {@code input_tokens} without cache reads and writes, the cache write
 * split by TTL, and in streams the usage split between {@code message_start} and the cumulative
 * {@code message_delta} (shapes of anthropic/messages-basic and messages-stream-cache).
 */
final class AnthropicShape implements ProviderShape {

  @Override
  public String targetUrl(CallPlan c) {
    return "https://api.anthropic.com/v1/messages";
  }

  @Override
  public ObjectNode requestBody(CallPlan c) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("model", c.model().model());
    body.put("max_tokens", c.maxTokens());
    ObjectNode system = body.putArray("system").addObject().put("type", "text").put("text", c.system());
    if (c.cacheReadTokens() + c.cacheWriteTokens() > 0) {
      system.putObject("cache_control").put("type", "ephemeral");
    }
    ArrayNode messages = body.putArray("messages");
    for (CallPlan.Turn t : c.turns()) {
      messages.addObject().put("role", t.role()).put("content", t.text());
    }
    if (c.streamed()) {
      body.put("stream", true);
    }
    return body;
  }

  @Override
  public ObjectNode responseBody(CallPlan c) {
    ObjectNode body = message(c);
    body.withArray("content").addObject().put("type", "text").put("text", c.outputText());
    body.put("stop_reason", "end_turn");
    body.set("usage", usage(c, c.outputTokens(), true));
    return body;
  }

  @Override
  public List<JsonNode> streamChunks(CallPlan c) {
    List<JsonNode> chunks = new ArrayList<>();
    ObjectNode start = Json.MAPPER.createObjectNode().put("type", "message_start");
    ObjectNode message = start.set("message", message(c));
    message.putNull("stop_reason");
    message.putNull("stop_sequence");
    message.set("usage", usage(c, 1, true));
    ObjectNode blockStart = Json.MAPPER.createObjectNode().put("type", "content_block_start").put("index", 0);
    blockStart.putObject("content_block").put("type", "text").put("text", "");
    chunks.add(Sse.chunk(Sse.event("message_start", start) + Sse.event("content_block_start", blockStart)
        + Sse.event("ping", Json.MAPPER.createObjectNode().put("type", "ping"))));
    for (String piece : c.deltas()) {
      ObjectNode d = Json.MAPPER.createObjectNode().put("type", "content_block_delta").put("index", 0);
      d.putObject("delta").put("type", "text_delta").put("text", piece);
      chunks.add(Sse.chunk(Sse.event("content_block_delta", d)));
    }
    ObjectNode stop = Json.MAPPER.createObjectNode().put("type", "content_block_stop").put("index", 0);
    ObjectNode delta = Json.MAPPER.createObjectNode().put("type", "message_delta");
    delta.putObject("delta").put("stop_reason", "end_turn").putNull("stop_sequence");
    delta.set("usage", usage(c, c.outputTokens(), false));
    chunks.add(Sse.chunk(Sse.event("content_block_stop", stop) + Sse.event("message_delta", delta)
        + Sse.event("message_stop", Json.MAPPER.createObjectNode().put("type", "message_stop"))));
    return chunks;
  }

  @Override
  public int framingChunks() {
    return 2;
  }

  private static ObjectNode message(CallPlan c) {
    ObjectNode m = Json.MAPPER.createObjectNode();
    m.put("model", c.model().responseModel());
    m.put("id", "msg_01" + c.responseId());
    m.put("type", "message");
    m.put("role", "assistant");
    m.putArray("content");
    return m;
  }

  // message_delta repeats the input and cache totals without the TTL split, as the real stream does
  private static ObjectNode usage(CallPlan c, int outputTokens, boolean withSplit) {
    ObjectNode u = Json.MAPPER.createObjectNode();
    u.put("input_tokens", c.inputTokens());
    u.put("cache_creation_input_tokens", c.cacheWriteTokens());
    u.put("cache_read_input_tokens", c.cacheReadTokens());
    if (withSplit) {
      u.putObject("cache_creation").put("ephemeral_5m_input_tokens", c.cacheWriteTokens())
          .put("ephemeral_1h_input_tokens", 0);
    }
    u.put("output_tokens", outputTokens);
    if (withSplit) {
      u.put("service_tier", "standard");
    }
    return u;
  }
}
