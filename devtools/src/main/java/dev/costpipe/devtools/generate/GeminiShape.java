package dev.costpipe.devtools.generate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.costpipe.engine.json.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * The Gemini API: the model in the URL, {@code promptTokenCount} including cached tokens,
 * {@code thoughtsTokenCount} beside {@code candidatesTokenCount}, and streams ({@code ?alt=sse}) that
 * repeat a cumulative {@code usageMetadata} (shapes of google/generate-content-cached-thinking and
 * stream-generate-content-sse).
 */
final class GeminiShape implements ProviderShape {

  @Override
  public String targetUrl(CallPlan c) {
    String base = "https://generativelanguage.googleapis.com/v1beta/models/" + c.model().model();
    return c.streamed() ? base + ":streamGenerateContent?alt=sse" : base + ":generateContent";
  }

  @Override
  public ObjectNode requestBody(CallPlan c) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.putObject("systemInstruction").putArray("parts").addObject().put("text", c.system());
    ArrayNode contents = body.putArray("contents");
    for (CallPlan.Turn t : c.turns()) {
      ObjectNode content = contents.addObject().put("role", t.role().equals("assistant") ? "model" : "user");
      content.putArray("parts").addObject().put("text", t.text());
    }
    body.putObject("generationConfig").put("maxOutputTokens", c.maxTokens()).put("temperature", 0.7);
    return body;
  }

  @Override
  public ObjectNode responseBody(CallPlan c) {
    return answer(c, c.outputText(), c.outputTokens(), true);
  }

  @Override
  public List<JsonNode> streamChunks(CallPlan c) {
    List<JsonNode> chunks = new ArrayList<>();
    int sent = 0;
    List<String> deltas = c.deltas();
    for (int i = 0; i < deltas.size(); i++) {
      boolean last = i == deltas.size() - 1;
      // candidatesTokenCount grows with the text; the last event carries the final count
      sent = last ? c.outputTokens() : Math.min(c.outputTokens(), sent + Math.max(1, deltas.get(i).length() / 4));
      chunks.add(Sse.chunk(Sse.data(answer(c, deltas.get(i), sent, last))));
    }
    return chunks;
  }

  @Override
  public int framingChunks() {
    return 0;
  }

  private static ObjectNode answer(CallPlan c, String text, int candidatesTokens, boolean finished) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    ObjectNode candidate = body.putArray("candidates").addObject();
    ObjectNode content = candidate.putObject("content");
    content.putArray("parts").addObject().put("text", text);
    content.put("role", "model");
    if (finished) {
      candidate.put("finishReason", "STOP");
    }
    candidate.put("index", 0);
    ObjectNode usage = body.putObject("usageMetadata");
    int prompt = c.promptTokens();
    usage.put("promptTokenCount", prompt);
    usage.put("candidatesTokenCount", candidatesTokens);
    usage.put("totalTokenCount", prompt + candidatesTokens + c.reasoningTokens());
    if (c.cacheReadTokens() > 0) {
      usage.put("cachedContentTokenCount", c.cacheReadTokens());
    }
    usage.putArray("promptTokensDetails").addObject().put("modality", "TEXT").put("tokenCount", prompt);
    if (c.cacheReadTokens() > 0) {
      usage.putArray("cacheTokensDetails").addObject().put("modality", "TEXT").put("tokenCount", c.cacheReadTokens());
    }
    if (c.reasoningTokens() > 0) {
      usage.put("thoughtsTokenCount", c.reasoningTokens());
    }
    body.put("modelVersion", c.model().responseModel());
    body.put("responseId", c.responseId());
    return body;
  }
}
