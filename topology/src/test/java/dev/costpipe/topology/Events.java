package dev.costpipe.topology;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.costpipe.engine.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Raw events as producers send them, in real provider shapes. */
public final class Events {
  private Events() {}

  /** A non-streamed OpenAI chat call as one response event carrying both bodies. */
  public static String openAi(String id, String at, String model, long prompt, long completion,
      Map<String, String> headers) {
    ObjectNode e = Json.MAPPER.createObjectNode();
    e.put("request_id", id).put("event_type", "response").put("timestamp", at).put("provider", "openai")
        .put("status", 200);
    ObjectNode h = e.putObject("headers");
    headers.forEach(h::put);
    e.putObject("request_body").put("model", model).putArray("messages").addObject().put("role", "user")
        .put("content", "hello");
    ObjectNode body = e.putObject("response_body");
    body.put("id", "chatcmpl-" + id).put("object", "chat.completion").put("model", model);
    body.putArray("choices").addObject().putObject("message").put("role", "assistant").put("content", "hi");
    body.putObject("usage").put("prompt_tokens", prompt).put("completion_tokens", completion)
        .put("total_tokens", prompt + completion);
    return e.toString();
  }

  /** A streamed Anthropic call: request, the SSE events as chunks 0..n, response. */
  public static List<String> anthropicStream(String id, String at, long input, long output) {
    List<String> out = new ArrayList<>();
    ObjectNode req = Json.MAPPER.createObjectNode();
    req.put("request_id", id).put("event_type", "request").put("timestamp", at)
        .put("target_url", "https://api.anthropic.com/v1/messages");
    req.putObject("request_body").put("model", "claude-sonnet-4-5-20250929").put("stream", true)
        .put("max_tokens", 100);
    out.add(req.toString());
    String[] sse = {
        "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_" + id
            + "\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5-20250929\",\"content\":[],"
            + "\"usage\":{\"input_tokens\":" + input + ",\"output_tokens\":1}}}\n\n",
        "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hi\"}}\n\n",
        "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":"
            + output + "}}\n\nevent: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"};
    for (int i = 0; i < sse.length; i++) {
      ObjectNode c = Json.MAPPER.createObjectNode();
      c.put("request_id", id).put("event_type", "chunk").put("seq", i).put("timestamp", at).put("chunk", sse[i]);
      out.add(c.toString());
    }
    ObjectNode resp = Json.MAPPER.createObjectNode();
    resp.put("request_id", id).put("event_type", "response").put("timestamp", at).put("status", 200);
    out.add(resp.toString());
    return out;
  }
}
