package dev.costpipe.engine.catalogue;

import java.util.Locale;
import java.util.Map;

/**
 * Maps genai-prices' provider ids to costpipe provider ids (the names LiteLLM's import uses where
 * costpipe has none of its own, so both upstreams meet on one id). Any other id keeps its name,
 * lower-cased, with {@code _} written {@code -} (a provider id is part of a model key).
 */
public final class GenAiPricesProviders {
  private static final Map<String, String> TO_COSTPIPE = Map.of(
      "aws", "bedrock",
      "x-ai", "xai",
      "moonshotai", "moonshot",
      "voyageai", "voyage");

  private GenAiPricesProviders() {}

  public static String toCostpipe(String genAiProvider) {
    String p = genAiProvider.trim().toLowerCase(Locale.ROOT);
    return TO_COSTPIPE.getOrDefault(p, p.replace('_', '-'));
  }
}
