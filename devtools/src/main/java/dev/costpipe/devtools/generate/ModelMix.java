package dev.costpipe.devtools.generate;

import java.util.List;
import java.util.Random;

/**
 * The providers and models of generated traffic, in proportions like those seen in LLM gateways'
 * public usage rankings: OpenAI and Anthropic carry most calls, small and cheap models most volume.
 * Every known model is in the built-in catalogue; the unknown ones are not (and must not become so).
 */
final class ModelMix {
  private static final List<ModelChoice> KNOWN = List.of(
      ModelChoice.of("openai", "gpt-4o-mini", "gpt-4o-mini-2024-07-18", 120, true, false),
      ModelChoice.of("openai", "gpt-4.1-mini", "gpt-4.1-mini-2025-04-14", 70, true, false),
      ModelChoice.of("openai", "gpt-4o", "gpt-4o-2024-08-06", 50, true, false),
      ModelChoice.of("openai", "gpt-4.1", "gpt-4.1-2025-04-14", 40, true, false),
      ModelChoice.of("openai", "gpt-5-mini", "gpt-5-mini-2025-08-07", 30, true, true),
      ModelChoice.of("openai", "o4-mini", "o4-mini-2025-04-16", 20, true, true),
      ModelChoice.of("openai", "gpt-4.1-nano", "gpt-4.1-nano-2025-04-14", 10, true, false),
      ModelChoice.of("anthropic", "claude-sonnet-4-5", "claude-sonnet-4-5-20250929", 110, true, false),
      ModelChoice.of("anthropic", "claude-haiku-4-5", "claude-haiku-4-5-20251001", 70, true, false),
      ModelChoice.of("anthropic", "claude-3-5-haiku-20241022", "claude-3-5-haiku-20241022", 30, true, false),
      ModelChoice.of("anthropic", "claude-sonnet-4-6", "claude-sonnet-4-6", 20, true, false),
      ModelChoice.of("anthropic", "claude-opus-4-1", "claude-opus-4-1-20250805", 10, true, false),
      ModelChoice.of("google", "gemini-2.5-flash", "gemini-2.5-flash", 80, true, true),
      ModelChoice.of("google", "gemini-2.0-flash", "gemini-2.0-flash-001", 30, false, false),
      ModelChoice.of("google", "gemini-2.5-pro", "gemini-2.5-pro", 30, true, true),
      ModelChoice.of("google", "gemini-2.5-flash-lite", "gemini-2.5-flash-lite", 10, false, false),
      ModelChoice.of("bedrock", "us.anthropic.claude-3-7-sonnet-20250219-v1:0", "us.anthropic.claude-3-7-sonnet-20250219-v1:0", 40, true, false),
      ModelChoice.of("bedrock", "us.anthropic.claude-sonnet-4-20250514-v1:0", "us.anthropic.claude-sonnet-4-20250514-v1:0", 20, true, false),
      ModelChoice.of("bedrock", "us.amazon.nova-lite-v1:0", "us.amazon.nova-lite-v1:0", 20, false, false),
      ModelChoice.of("bedrock", "us.meta.llama3-3-70b-instruct-v1:0", "us.meta.llama3-3-70b-instruct-v1:0", 10, false, false),
      ModelChoice.of("deepseek", "deepseek-chat", "deepseek-chat", 50, true, false),
      ModelChoice.of("deepseek", "deepseek-reasoner", "deepseek-reasoner", 20, true, true),
      ModelChoice.of("groq", "llama-3.3-70b-versatile", "llama-3.3-70b-versatile", 30, false, false),
      ModelChoice.of("groq", "llama-3.1-8b-instant", "llama-3.1-8b-instant", 20, false, false),
      ModelChoice.of("groq", "openai/gpt-oss-120b", "openai/gpt-oss-120b", 10, false, false),
      new ModelChoice("openrouter", "openai/gpt-4o-mini", "openai/gpt-4o-mini", 20, false, false,
          new String[] {"0.15", "0.60"}),
      new ModelChoice("openrouter", "anthropic/claude-sonnet-4.5", "anthropic/claude-sonnet-4.5", 20, false, false,
          new String[] {"3", "15"}),
      new ModelChoice("openrouter", "google/gemini-2.5-flash", "google/gemini-2.5-flash", 10, false, false,
          new String[] {"0.30", "2.50"}));

  /** Models that do not exist (yet): a typo, a model newer than the catalogue, a private fine-tune. */
  private static final List<String[]> UNKNOWN = List.of(
      new String[] {"openai", "gpt-6-preview"},
      new String[] {"openai", "acme-support-llm-v2"},
      new String[] {"anthropic", "claude-sonnet-9"},
      new String[] {"deepseek", "deepseek-coder-v9"});

  private static final int TOTAL_WEIGHT = KNOWN.stream().mapToInt(ModelChoice::weight).sum();

  private ModelMix() {}

  static ModelChoice pick(Random random) {
    int x = random.nextInt(TOTAL_WEIGHT);
    for (ModelChoice m : KNOWN) {
      x -= m.weight();
      if (x < 0) {
        return m;
      }
    }
    throw new AssertionError("weights");
  }

  /** An unknown model served by a provider whose response shape the generator knows. */
  static ModelChoice unknown(Random random) {
    String[] u = UNKNOWN.get(random.nextInt(UNKNOWN.size()));
    ModelChoice sameProvider = KNOWN.stream().filter(m -> m.provider().equals(u[0])).findFirst().orElseThrow();
    return sameProvider.renamed(u[1]);
  }

  static List<ModelChoice> known() {
    return KNOWN;
  }

  static List<String> unknownModels() {
    return UNKNOWN.stream().map(u -> u[1]).toList();
  }
}
