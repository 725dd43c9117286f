package dev.costpipe.engine.usage;

/**
 * Normalized usage: one meaning for every provider.
 *
 * <p>{@code inputTokens} counts all prompt tokens (uncached, cache reads, cache writes, audio);
 * {@code outputTokens} counts all completion tokens (reasoning and audio included). The cache,
 * audio-input parts are subsets of input; reasoning and audio-output are subsets of output.
 */
public record Usage(
    long inputTokens,
    long outputTokens,
    long cacheReadTokens,
    long cacheWriteTokens,
    long cacheWrite1hTokens,
    long reasoningTokens,
    long audioInputTokens,
    long audioOutputTokens,
    long webSearchCalls,
    long images) {

  public static final Usage ZERO = new Usage(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

  public static Builder builder() {
    return new Builder();
  }

  /** Prompt tokens billed at the plain input rate. */
  public long uncachedTextInputTokens() {
    return inputTokens - cacheReadTokens - cacheWriteTokens - cacheWrite1hTokens - audioInputTokens;
  }

  /** Completion tokens billed at the plain output rate. */
  public long plainOutputTokens() {
    return outputTokens - reasoningTokens - audioOutputTokens;
  }

  /** The invariants every processor must produce; empty when they hold. */
  public String invariantViolation() {
    long[] all = {inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens, cacheWrite1hTokens,
        reasoningTokens, audioInputTokens, audioOutputTokens, webSearchCalls, images};
    for (long v : all) {
      if (v < 0) {
        return "negative usage count";
      }
    }
    if (uncachedTextInputTokens() < 0) {
      return "input parts exceed input_tokens";
    }
    if (plainOutputTokens() < 0) {
      return "output parts exceed output_tokens";
    }
    return "";
  }

  public static final class Builder {
    private long inputTokens;
    private long outputTokens;
    private long cacheReadTokens;
    private long cacheWriteTokens;
    private long cacheWrite1hTokens;
    private long reasoningTokens;
    private long audioInputTokens;
    private long audioOutputTokens;
    private long webSearchCalls;
    private long images;

    public Builder inputTokens(long v) { inputTokens = v; return this; }
    public Builder outputTokens(long v) { outputTokens = v; return this; }
    public Builder cacheReadTokens(long v) { cacheReadTokens = v; return this; }
    public Builder cacheWriteTokens(long v) { cacheWriteTokens = v; return this; }
    public Builder cacheWrite1hTokens(long v) { cacheWrite1hTokens = v; return this; }
    public Builder reasoningTokens(long v) { reasoningTokens = v; return this; }
    public Builder audioInputTokens(long v) { audioInputTokens = v; return this; }
    public Builder audioOutputTokens(long v) { audioOutputTokens = v; return this; }
    public Builder webSearchCalls(long v) { webSearchCalls = v; return this; }
    public Builder images(long v) { images = v; return this; }

    public Usage build() {
      return new Usage(inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens, cacheWrite1hTokens,
          reasoningTokens, audioInputTokens, audioOutputTokens, webSearchCalls, images);
    }
  }
}
