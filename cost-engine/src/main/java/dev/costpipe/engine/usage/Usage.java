package dev.costpipe.engine.usage;

/**
 * Normalized usage: one meaning for every provider.
 *
 * <p>{@code inputTokens} counts all prompt tokens (uncached, cache reads, cache writes, audio);
 * {@code outputTokens} counts all completion tokens (reasoning, audio and image tokens included). The
 * cache and audio-input parts are subsets of input; {@code cacheReadAudioTokens} is the part of the
 * cache reads that is audio, so it is inside both {@code cacheReadTokens} and {@code audioInputTokens}
 * (and subtracted from the prompt once). Reasoning, audio-output and image-output are subsets of
 * output. {@code searchSources} are search results billed one by one (xAI Live Search);
 * {@code serverToolCalls} are provider-run tool calls billed per call other than web searches (xAI's
 * X search, code execution, document search). {@code imageInputTokens} and {@code videoInputTokens} are the
 * image and video prompt tokens not read from a cache (subsets of input, outside the cache reads: cached
 * images and video are billed as cache reads, there being no cached-image rate for a model that reports them). {@code serviceTier} is how the request was billed
 * ("" standard, else {@code flex}, {@code priority}, {@code scale}, {@code batch}, {@code fast});
 * {@code inferenceGeo} the region the provider says it ran in when that changes the price ("" otherwise).
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
    long images,
    long imageOutputTokens,
    long cacheReadAudioTokens,
    long searchSources,
    long serverToolCalls,
    long imageInputTokens,
    long videoInputTokens,
    String serviceTier,
    String inferenceGeo) {

  public static final Usage ZERO = new Usage(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

  public Usage {
    serviceTier = serviceTier == null ? "" : serviceTier;
    inferenceGeo = inferenceGeo == null ? "" : inferenceGeo;
  }

  /** Usage of the standard tier with only the original ten counts. */
  public Usage(long inputTokens, long outputTokens, long cacheReadTokens, long cacheWriteTokens,
      long cacheWrite1hTokens, long reasoningTokens, long audioInputTokens, long audioOutputTokens,
      long webSearchCalls, long images) {
    this(inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens, cacheWrite1hTokens, reasoningTokens,
        audioInputTokens, audioOutputTokens, webSearchCalls, images, 0, 0, 0, 0, 0, 0, "", "");
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this usage's values. */
  public Builder toBuilder() {
    return new Builder().inputTokens(inputTokens).outputTokens(outputTokens).cacheReadTokens(cacheReadTokens)
        .cacheWriteTokens(cacheWriteTokens).cacheWrite1hTokens(cacheWrite1hTokens).reasoningTokens(reasoningTokens)
        .audioInputTokens(audioInputTokens).audioOutputTokens(audioOutputTokens).webSearchCalls(webSearchCalls)
        .images(images).imageOutputTokens(imageOutputTokens).cacheReadAudioTokens(cacheReadAudioTokens)
        .searchSources(searchSources).serverToolCalls(serverToolCalls).imageInputTokens(imageInputTokens)
        .videoInputTokens(videoInputTokens).serviceTier(serviceTier)
        .inferenceGeo(inferenceGeo);
  }

  /** The same request had nothing been read from a cache: what cache savings are measured against. */
  public Usage withoutCacheReads() {
    return toBuilder().cacheReadTokens(0).cacheReadAudioTokens(0).build();
  }

  /** Prompt tokens billed at the plain input rate. */
  public long uncachedTextInputTokens() {
    return inputTokens - cacheReadTokens - cacheWriteTokens - cacheWrite1hTokens - audioInputTokens
        + cacheReadAudioTokens - imageInputTokens - videoInputTokens;
  }

  /** Cache reads billed at the (text) cache-read rate. */
  public long textCacheReadTokens() {
    return cacheReadTokens - cacheReadAudioTokens;
  }

  /** Audio prompt tokens billed at the audio-input rate (not read from a cache). */
  public long uncachedAudioInputTokens() {
    return audioInputTokens - cacheReadAudioTokens;
  }

  /** Completion tokens billed at the plain output rate. */
  public long plainOutputTokens() {
    return outputTokens - reasoningTokens - audioOutputTokens - imageOutputTokens;
  }

  /** The invariants every processor must produce; empty when they hold. */
  public String invariantViolation() {
    long[] all = {inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens, cacheWrite1hTokens,
        reasoningTokens, audioInputTokens, audioOutputTokens, webSearchCalls, images, imageOutputTokens,
        cacheReadAudioTokens, searchSources, serverToolCalls, imageInputTokens, videoInputTokens};
    for (long v : all) {
      if (v < 0) {
        return "negative usage count";
      }
    }
    if (cacheReadAudioTokens > cacheReadTokens || cacheReadAudioTokens > audioInputTokens) {
      return "cached audio exceeds cache reads or audio input";
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
    private long imageOutputTokens;
    private long cacheReadAudioTokens;
    private long searchSources;
    private long serverToolCalls;
    private long imageInputTokens;
    private long videoInputTokens;
    private String serviceTier = "";
    private String inferenceGeo = "";

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
    public Builder imageOutputTokens(long v) { imageOutputTokens = v; return this; }
    public Builder cacheReadAudioTokens(long v) { cacheReadAudioTokens = v; return this; }
    public Builder searchSources(long v) { searchSources = v; return this; }
    public Builder serverToolCalls(long v) { serverToolCalls = v; return this; }
    public Builder imageInputTokens(long v) { imageInputTokens = v; return this; }
    public Builder videoInputTokens(long v) { videoInputTokens = v; return this; }
    public Builder serviceTier(String v) { serviceTier = v; return this; }
    public Builder inferenceGeo(String v) { inferenceGeo = v; return this; }

    public Usage build() {
      return new Usage(inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens, cacheWrite1hTokens,
          reasoningTokens, audioInputTokens, audioOutputTokens, webSearchCalls, images, imageOutputTokens,
          cacheReadAudioTokens, searchSources, serverToolCalls, imageInputTokens, videoInputTokens, serviceTier,
          inferenceGeo);
    }
  }
}
