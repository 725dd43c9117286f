package dev.costpipe.engine.provider;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The one table of LiteLLM provider names, read the catalogue's way and the payload mapper's way. */
class LiteLlmProvidersTest {
  /** Every listed name (both former tables' union) and a family variant of each family. */
  private static final Map<String, String> LISTED = Map.ofEntries(
      Map.entry("openai", "openai"), Map.entry("text-completion-openai", "openai"),
      Map.entry("azure", "azure"), Map.entry("azure_ai", "azure"), Map.entry("azure_text", "azure"),
      Map.entry("anthropic", "anthropic"), Map.entry("gemini", "google"),
      Map.entry("vertex_ai", "vertex"), Map.entry("vertex_ai_beta", "vertex"),
      Map.entry("vertex_ai-language-models", "vertex"), Map.entry("vertex_ai-anthropic_models", "vertex"),
      Map.entry("bedrock", "bedrock"), Map.entry("bedrock_converse", "bedrock"),
      Map.entry("deepseek", "deepseek"), Map.entry("groq", "groq"), Map.entry("xai", "xai"),
      Map.entry("openrouter", "openrouter"), Map.entry("mistral", "mistral"), Map.entry("codestral", "mistral"),
      Map.entry("text-completion-codestral", "mistral"), Map.entry("together_ai", "together"),
      Map.entry("fireworks_ai", "fireworks"), Map.entry("fireworks_ai-embedding-models", "fireworks"),
      Map.entry("cohere", "cohere"), Map.entry("cohere_chat", "cohere"), Map.entry("perplexity", "perplexity"),
      Map.entry("cerebras", "cerebras"), Map.entry("ollama", "ollama"), Map.entry("ollama_chat", "ollama"),
      Map.entry("watsonx", "watsonx"));

  @Test
  void bothReadingsAgreeOnEveryListedName() {
    LISTED.forEach((name, costpipe) -> {
      assertThat(LiteLlmProviders.catalogueProvider(name)).as(name).isEqualTo(costpipe);
      assertThat(LiteLlmProviders.knownProvider(name)).as(name).contains(costpipe);
      assertThat(LiteLlmProviders.isRoute(name)).as(name).isTrue();
    });
    assertThat(LiteLlmProviders.catalogueProvider(" Vertex_AI ")).isEqualTo("vertex");
    assertThat(LiteLlmProviders.knownProvider(" Vertex_AI ")).contains("vertex");
  }

  @Test
  void theCatalogueKeepsAnUnlistedNameLowerCasedTheMapperFlagsIt() {
    assertThat(LiteLlmProviders.catalogueProvider("Novita")).isEqualTo("novita");
    assertThat(LiteLlmProviders.catalogueProvider("dashscope")).isEqualTo("dashscope");
    assertThat(LiteLlmProviders.knownProvider("Novita")).isEmpty();
    assertThat(LiteLlmProviders.knownProvider("my-proxy")).isEqualTo(Optional.empty());
    assertThat(LiteLlmProviders.isRoute("gpt-4o")).isFalse();
    assertThat(LiteLlmProviders.catalogueProvider(null)).isNull();
    assertThat(LiteLlmProviders.catalogueProvider("  ")).isNull();
    assertThat(LiteLlmProviders.knownProvider(null)).isEmpty();
  }
}
