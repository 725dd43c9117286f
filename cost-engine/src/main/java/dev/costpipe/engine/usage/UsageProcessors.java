package dev.costpipe.engine.usage;

import com.fasterxml.jackson.databind.JsonNode;
import dev.costpipe.engine.usage.processors.AnthropicUsageProcessor;
import dev.costpipe.engine.usage.processors.BedrockConverseUsageProcessor;
import dev.costpipe.engine.usage.processors.DeepSeekUsageProcessor;
import dev.costpipe.engine.usage.processors.GeminiUsageProcessor;
import dev.costpipe.engine.usage.processors.OpenAiChatUsageProcessor;
import dev.costpipe.engine.usage.processors.OpenAiResponsesUsageProcessor;
import dev.costpipe.engine.usage.processors.OpenRouterUsageProcessor;
import dev.costpipe.engine.usage.processors.XaiUsageProcessor;
import java.util.List;
import java.util.Map;

/**
 * Chooses the processor for a call. The API's shape decides first, because one provider serves
 * several APIs (Bedrock: Converse and Anthropic's Messages via InvokeModel; Vertex: Gemini and
 * Claude; OpenAI and others: Chat Completions and Responses); otherwise the provider's own processor.
 */
public final class UsageProcessors {
  private static final UsageProcessor OPENAI_CHAT = new OpenAiChatUsageProcessor();
  private static final UsageProcessor OPENAI_RESPONSES = new OpenAiResponsesUsageProcessor();
  private static final UsageProcessor ANTHROPIC = new AnthropicUsageProcessor();
  private static final UsageProcessor GEMINI = new GeminiUsageProcessor();
  private static final UsageProcessor BEDROCK_CONVERSE = new BedrockConverseUsageProcessor();

  /** One line per provider: its default processor. */
  private static final Map<String, UsageProcessor> BY_PROVIDER = Map.ofEntries(
      Map.entry("openai", OPENAI_CHAT),
      Map.entry("azure", OPENAI_CHAT),
      Map.entry("groq", OPENAI_CHAT),
      Map.entry("mistral", OPENAI_CHAT),
      Map.entry("together", OPENAI_CHAT),
      Map.entry("fireworks", OPENAI_CHAT),
      Map.entry("deepseek", new DeepSeekUsageProcessor()),
      Map.entry("xai", new XaiUsageProcessor()),
      Map.entry("openrouter", new OpenRouterUsageProcessor()),
      Map.entry("anthropic", ANTHROPIC),
      Map.entry("google", GEMINI),
      Map.entry("vertex", GEMINI),
      Map.entry("bedrock", BEDROCK_CONVERSE));

  private UsageProcessors() {}

  /**
   * @param payloads the stream's payloads, empty for a non-streamed call
   */
  public static UsageProcessor select(String provider, String targetUrl, JsonNode requestBody,
      JsonNode responseBody, List<JsonNode> payloads) {
    String url = targetUrl == null ? "" : targetUrl;
    JsonNode first = payloads.isEmpty() ? responseBody : payloads.get(0);
    String firstType = first == null ? "" : first.path("type").asText("");
    // the Images API (gpt-image models) reports usage in the Responses API's shape
    if (url.contains("/responses") || url.contains("/images/generations") || url.contains("/images/edits")
        || firstType.startsWith("response.")
        || (responseBody != null && "response".equals(responseBody.path("object").asText()))) {
      return OPENAI_RESPONSES;
    }
    if ((requestBody != null && requestBody.has("anthropic_version")) || firstType.equals("message_start")
        || (responseBody != null && "message".equals(responseBody.path("type").asText()))) {
      return ANTHROPIC;
    }
    if (url.contains("/converse") || (first != null && (first.has("messageStart") || first.has("metadata")
        || first.path("output").has("message")))) {
      return BEDROCK_CONVERSE;
    }
    if (first != null && (first.has("usageMetadata") || first.has("candidates"))) {
      return GEMINI;
    }
    UsageProcessor own = provider == null ? null : BY_PROVIDER.get(provider);
    return own != null ? own : OPENAI_CHAT;
  }
}
