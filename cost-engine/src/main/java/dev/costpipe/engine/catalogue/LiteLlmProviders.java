package dev.costpipe.engine.catalogue;

import java.util.Locale;
import java.util.Map;

/**
 * Maps LiteLLM's {@code litellm_provider} names to costpipe provider ids. Families written
 * {@code <name>-<variant>} (e.g. {@code vertex_ai-language-models}, {@code fireworks_ai-embedding-models})
 * map like their base name; any provider not in the table keeps its LiteLLM name, lower-cased.
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
      Map.entry("fireworks_ai", "fireworks"));

  /** Families whose variants are written {@code <family>-<variant>}. */
  private static final String[] FAMILIES = {"vertex_ai", "fireworks_ai"};

  private LiteLlmProviders() {}

  /** The costpipe provider id for a LiteLLM provider name; null for a null or blank name. */
  public static String toCostpipe(String litellmProvider) {
    if (litellmProvider == null || litellmProvider.isBlank()) {
      return null;
    }
    String p = litellmProvider.trim().toLowerCase(Locale.ROOT);
    String mapped = TO_COSTPIPE.get(p);
    if (mapped != null) {
      return mapped;
    }
    for (String family : FAMILIES) {
      if (p.startsWith(family + "-")) {
        return TO_COSTPIPE.get(family);
      }
    }
    return p;
  }
}
