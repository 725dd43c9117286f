package dev.costpipe.sources.otlp;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code gen_ai.provider.name} (and the older {@code gen_ai.system}, which instrumentations wrote in any case:
 * {@code OpenAI}, {@code AWS}) → costpipe's provider id. A cloud's own endpoint maps to that cloud
 * ({@code aws.bedrock} → {@code bedrock}, {@code gcp.vertex_ai} → {@code vertex}), so a Bedrock or Vertex call is
 * never priced at the model maker's first-party rate. A name not listed maps to nothing: the caller flags it
 * rather than guessing ({@code gcp.gen_ai}, "any Google endpoint", is deliberately not mapped).
 */
public final class GenAiProviders {
  private static final Map<String, String> BY_NAME = Map.ofEntries(
      // semantic conventions' well-known values (gen_ai.provider.name, 1.37+)
      Map.entry("openai", "openai"),
      Map.entry("anthropic", "anthropic"),
      Map.entry("gcp.gemini", "google"),
      Map.entry("gcp.vertex_ai", "vertex"),
      Map.entry("aws.bedrock", "bedrock"),
      Map.entry("azure.ai.openai", "azure"),
      Map.entry("azure.ai.inference", "azure"),
      Map.entry("x_ai", "xai"),
      Map.entry("mistral_ai", "mistral"),
      Map.entry("deepseek", "deepseek"),
      Map.entry("groq", "groq"),
      Map.entry("perplexity", "perplexity"),
      Map.entry("cohere", "cohere"),
      Map.entry("ibm.watsonx.ai", "watsonx"),
      // older gen_ai.system values (before 1.37) and instrumentations' own spellings
      Map.entry("az.ai.openai", "azure"),
      Map.entry("az.ai.inference", "azure"),
      Map.entry("azure_openai", "azure"),
      Map.entry("vertex_ai", "vertex"),
      Map.entry("vertexai", "vertex"),
      Map.entry("gemini", "google"),
      Map.entry("aws", "bedrock"), // OpenLLMetry's Bedrock instrumentation
      Map.entry("bedrock", "bedrock"),
      Map.entry("xai", "xai"),
      Map.entry("mistralai", "mistral"),
      Map.entry("together_ai", "together"),
      Map.entry("togetherai", "together"),
      Map.entry("fireworks_ai", "fireworks"),
      Map.entry("watsonx", "watsonx"));

  /** costpipe provider ids that pass through as they are. */
  private static final Set<String> COSTPIPE_IDS = Set.of("openai", "azure", "anthropic", "google", "vertex",
      "bedrock", "deepseek", "groq", "xai", "openrouter", "mistral", "together", "fireworks", "cohere", "perplexity",
      "cerebras", "ollama", "watsonx");

  private GenAiProviders() {}

  /** The costpipe provider of {@code name}, or empty when it has none (flag it, do not guess). */
  public static Optional<String> map(String name) {
    String n = normalise(name);
    String mapped = BY_NAME.get(n);
    if (mapped == null && COSTPIPE_IDS.contains(n)) {
      mapped = n;
    }
    return Optional.ofNullable(mapped);
  }

  /** Lower case, spaces and hyphens as underscores: {@code Together AI} → {@code together_ai}. */
  public static String normalise(String name) {
    return name.strip().toLowerCase(Locale.ROOT).replace(' ', '_').replace('-', '_');
  }
}
