package dev.costpipe.engine.provider;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * LiteLLM's provider names ({@code litellm_provider} in its price catalogue, {@code custom_llm_provider} in its
 * logging payloads) → costpipe's provider ids, for the catalogue importer and the LiteLLM payload mapper alike. A
 * cloud's route maps to that cloud ({@code vertex_ai}, {@code vertex_ai_beta} → {@code vertex}); families written
 * {@code <name>-<variant>} ({@code vertex_ai-language-models}, {@code fireworks_ai-embedding-models}) map like
 * their base name. The two callers differ only on a name not listed: see {@link #catalogueProvider} and
 * {@link #knownProvider}.
 */
public final class LiteLlmProviders {
  private static final Map<String, String> TO_COSTPIPE = Map.ofEntries(
      Map.entry("openai", "openai"),
      Map.entry("text-completion-openai", "openai"),
      Map.entry("azure", "azure"),
      Map.entry("azure_ai", "azure"),
      Map.entry("azure_text", "azure"),
      Map.entry("anthropic", "anthropic"),
      Map.entry("gemini", "google"),
      Map.entry("vertex_ai", "vertex"),
      Map.entry("vertex_ai_beta", "vertex"),
      Map.entry("bedrock", "bedrock"),
      Map.entry("bedrock_converse", "bedrock"),
      Map.entry("deepseek", "deepseek"),
      Map.entry("groq", "groq"),
      Map.entry("xai", "xai"),
      Map.entry("openrouter", "openrouter"),
      Map.entry("mistral", "mistral"),
      Map.entry("codestral", "mistral"),
      Map.entry("text-completion-codestral", "mistral"),
      Map.entry("together_ai", "together"),
      Map.entry("fireworks_ai", "fireworks"),
      Map.entry("cohere", "cohere"),
      Map.entry("cohere_chat", "cohere"),
      Map.entry("perplexity", "perplexity"),
      Map.entry("cerebras", "cerebras"),
      Map.entry("ollama", "ollama"),
      Map.entry("ollama_chat", "ollama"),
      Map.entry("watsonx", "watsonx"));

  /** Families whose variants are written {@code <family>-<variant>}. */
  private static final String[] FAMILIES = {"vertex_ai", "fireworks_ai"};

  private LiteLlmProviders() {}

  /**
   * The catalogue's reading: the costpipe id of a listed name, else the name itself, lower-cased (LiteLLM's
   * catalogue names a hundred hosts costpipe has no special handling for; their prices still apply under that
   * name). Null for a null or blank name.
   */
  public static String catalogueProvider(String litellmProvider) {
    if (litellmProvider == null || litellmProvider.isBlank()) {
      return null;
    }
    String name = normalized(litellmProvider);
    return lookup(name).orElse(name);
  }

  /**
   * The payload mapper's reading: the costpipe id of a listed name, else empty, so that the caller flags the
   * name instead of guessing a provider for traffic.
   */
  public static Optional<String> knownProvider(String litellmProvider) {
    return litellmProvider == null ? Optional.empty() : lookup(normalized(litellmProvider));
  }

  /** Whether {@code prefix} (the part before the first {@code /} of a LiteLLM model name) names a listed provider. */
  public static boolean isRoute(String prefix) {
    return knownProvider(prefix).isPresent();
  }

  private static String normalized(String name) {
    return name.strip().toLowerCase(Locale.ROOT);
  }

  private static Optional<String> lookup(String name) {
    String mapped = TO_COSTPIPE.get(name);
    if (mapped != null) {
      return Optional.of(mapped);
    }
    for (String family : FAMILIES) {
      if (name.startsWith(family + "-")) {
        return Optional.of(TO_COSTPIPE.get(family));
      }
    }
    return Optional.empty();
  }
}
