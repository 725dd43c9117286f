package dev.costpipe.sources.litellm;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * LiteLLM's {@code custom_llm_provider} → costpipe's provider id. A cloud's route maps to that cloud
 * ({@code vertex_ai} → {@code vertex}, {@code bedrock} → {@code bedrock}); a provider not listed maps to nothing and
 * is flagged by the caller, never guessed.
 */
public final class LiteLlmProviders {
  private static final Map<String, String> BY_NAME = Map.ofEntries(
      Map.entry("openai", "openai"),
      Map.entry("text-completion-openai", "openai"),
      Map.entry("azure", "azure"),
      Map.entry("azure_text", "azure"),
      Map.entry("azure_ai", "azure"),
      Map.entry("anthropic", "anthropic"),
      Map.entry("vertex_ai", "vertex"),
      Map.entry("vertex_ai_beta", "vertex"),
      Map.entry("gemini", "google"),
      Map.entry("bedrock", "bedrock"),
      Map.entry("bedrock_converse", "bedrock"),
      Map.entry("together_ai", "together"),
      Map.entry("fireworks_ai", "fireworks"),
      Map.entry("groq", "groq"),
      Map.entry("deepseek", "deepseek"),
      Map.entry("xai", "xai"),
      Map.entry("mistral", "mistral"),
      Map.entry("codestral", "mistral"),
      Map.entry("openrouter", "openrouter"),
      Map.entry("cohere", "cohere"),
      Map.entry("cohere_chat", "cohere"),
      Map.entry("perplexity", "perplexity"),
      Map.entry("cerebras", "cerebras"),
      Map.entry("ollama", "ollama"),
      Map.entry("ollama_chat", "ollama"),
      Map.entry("watsonx", "watsonx"));

  private LiteLlmProviders() {}

  public static Optional<String> map(String customLlmProvider) {
    return Optional.ofNullable(BY_NAME.get(customLlmProvider.strip().toLowerCase(Locale.ROOT)));
  }

  /** Whether {@code prefix} (the part before the first {@code /} of a LiteLLM model name) names a provider route. */
  static boolean isRoute(String prefix) {
    return BY_NAME.containsKey(prefix.toLowerCase(Locale.ROOT));
  }
}
