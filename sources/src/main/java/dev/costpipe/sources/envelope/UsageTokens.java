package dev.costpipe.sources.envelope;

/**
 * The normalized usage of a usage event, total-inclusive as docs/providers-and-prices.md "Normalized usage"
 * defines: {@code inputTokens} includes the cache reads and writes, {@code outputTokens} the reasoning.
 *
 * @param serviceTier "" for the standard tier, else flex, priority, scale, batch, fast
 * @param imageInputTokens image prompt tokens not read from a cache (inside {@code inputTokens})
 * @param videoInputTokens video prompt tokens not read from a cache (inside {@code inputTokens})
 */
public record UsageTokens(long inputTokens, long outputTokens, long cacheReadTokens, long cacheWriteTokens,
    long cacheWrite1hTokens, long reasoningTokens, String serviceTier, long imageInputTokens,
    long videoInputTokens) {
  public static final UsageTokens NONE = new UsageTokens(0, 0, 0, 0, 0, 0, "");

  public UsageTokens {
    serviceTier = serviceTier == null ? "" : serviceTier;
  }

  /** Usage with no image or video prompt tokens. */
  public UsageTokens(long inputTokens, long outputTokens, long cacheReadTokens, long cacheWriteTokens,
      long cacheWrite1hTokens, long reasoningTokens, String serviceTier) {
    this(inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens, cacheWrite1hTokens, reasoningTokens,
        serviceTier, 0, 0);
  }

  /** What breaks the invariants the cost engine checks, or null. */
  public String invalid() {
    if (inputTokens < 0 || outputTokens < 0 || cacheReadTokens < 0 || cacheWriteTokens < 0 || cacheWrite1hTokens < 0
        || reasoningTokens < 0 || imageInputTokens < 0 || videoInputTokens < 0) {
      return "a negative token count";
    }
    if (cacheReadTokens + cacheWriteTokens + cacheWrite1hTokens > inputTokens) {
      return "cache reads and writes (" + (cacheReadTokens + cacheWriteTokens + cacheWrite1hTokens)
          + ") exceed the input tokens (" + inputTokens + ")";
    }
    if (cacheReadTokens + cacheWriteTokens + cacheWrite1hTokens + imageInputTokens + videoInputTokens > inputTokens) {
      return "cache, image and video tokens (" + (cacheReadTokens + cacheWriteTokens + cacheWrite1hTokens
          + imageInputTokens + videoInputTokens) + ") exceed the input tokens (" + inputTokens + ")";
    }
    if (reasoningTokens > outputTokens) {
      return "reasoning tokens (" + reasoningTokens + ") exceed the output tokens (" + outputTokens + ")";
    }
    return null;
  }

  public boolean isZero() {
    return inputTokens == 0 && outputTokens == 0;
  }
}
