package dev.costpipe.engine.pricing;

/**
 * Rates that replace the base rates for the whole request once input_tokens passes {@code inputTokens}:
 * strictly above it (Anthropic, Google, LiteLLM's {@code _above_<N>k_tokens}), or at or above it with
 * {@code atOrAbove} (xAI, genai-prices' tier {@code start}: the long-context rate from exactly N).
 */
public record PriceTier(long inputTokens, boolean atOrAbove, Rates rates) {

  /** A tier for requests with more than {@code aboveInputTokens} input tokens. */
  public PriceTier(long aboveInputTokens, Rates rates) {
    this(aboveInputTokens, false, rates);
  }

  /** The same threshold as "input_tokens &gt; n" (token counts are whole: "&gt;= N" is "&gt; N − 1"). */
  public long aboveInputTokens() {
    return atOrAbove ? inputTokens - 1 : inputTokens;
  }
}
