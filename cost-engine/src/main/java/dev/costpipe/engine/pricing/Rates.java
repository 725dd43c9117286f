package dev.costpipe.engine.pricing;

import java.math.BigDecimal;

/**
 * USD rates: per token for the token kinds, per call/image/request for the rest. A null rate is
 * "not given"; {@link #withFallbacks()} fills it from the documented fallback chain.
 */
public record Rates(
    BigDecimal input,
    BigDecimal output,
    BigDecimal cacheRead,
    BigDecimal cacheWrite,
    BigDecimal cacheWrite1h,
    BigDecimal reasoning,
    BigDecimal audioInput,
    BigDecimal audioOutput,
    BigDecimal perWebSearch,
    BigDecimal perImage,
    BigDecimal perRequest,
    BigDecimal imageOutput,
    BigDecimal cacheReadAudio,
    BigDecimal perSearchSource,
    BigDecimal perServerToolCall,
    BigDecimal imageInput,
    BigDecimal videoInput) {

  public static final Rates EMPTY = new Rates(null, null, null, null, null, null, null, null, null, null, null);

  /** Rates without the image-output, cached-audio, per-source and per-tool-call rates. */
  public Rates(BigDecimal input, BigDecimal output, BigDecimal cacheRead, BigDecimal cacheWrite,
      BigDecimal cacheWrite1h, BigDecimal reasoning, BigDecimal audioInput, BigDecimal audioOutput,
      BigDecimal perWebSearch, BigDecimal perImage, BigDecimal perRequest) {
    this(input, output, cacheRead, cacheWrite, cacheWrite1h, reasoning, audioInput, audioOutput, perWebSearch,
        perImage, perRequest, null, null, null, null);
  }

  /** Rates without the image- and video-input rates. */
  public Rates(BigDecimal input, BigDecimal output, BigDecimal cacheRead, BigDecimal cacheWrite,
      BigDecimal cacheWrite1h, BigDecimal reasoning, BigDecimal audioInput, BigDecimal audioOutput,
      BigDecimal perWebSearch, BigDecimal perImage, BigDecimal perRequest, BigDecimal imageOutput,
      BigDecimal cacheReadAudio, BigDecimal perSearchSource, BigDecimal perServerToolCall) {
    this(input, output, cacheRead, cacheWrite, cacheWrite1h, reasoning, audioInput, audioOutput, perWebSearch,
        perImage, perRequest, imageOutput, cacheReadAudio, perSearchSource, perServerToolCall, null, null);
  }

  /** This set's rates where given, else {@code base}'s (tier rates replace base rates one by one). */
  public Rates over(Rates base) {
    return new Rates(
        or(input, base.input), or(output, base.output), or(cacheRead, base.cacheRead),
        or(cacheWrite, base.cacheWrite), or(cacheWrite1h, base.cacheWrite1h), or(reasoning, base.reasoning),
        or(audioInput, base.audioInput), or(audioOutput, base.audioOutput),
        or(perWebSearch, base.perWebSearch), or(perImage, base.perImage), or(perRequest, base.perRequest),
        or(imageOutput, base.imageOutput), or(cacheReadAudio, base.cacheReadAudio),
        or(perSearchSource, base.perSearchSource), or(perServerToolCall, base.perServerToolCall),
        or(imageInput, base.imageInput), or(videoInput, base.videoInput));
  }

  /** The token rates times {@code factor}; per-call fees (searches, sources, images, requests) unchanged. */
  public Rates timesTokenRates(BigDecimal factor) {
    return new Rates(times(input, factor), times(output, factor), times(cacheRead, factor),
        times(cacheWrite, factor), times(cacheWrite1h, factor), times(reasoning, factor), times(audioInput, factor),
        times(audioOutput, factor), perWebSearch, perImage, perRequest, times(imageOutput, factor),
        times(cacheReadAudio, factor), perSearchSource, perServerToolCall, times(imageInput, factor),
        times(videoInput, factor));
  }

  /**
   * Applies the fallbacks: cache_read/cache_write → input, cache_write_1h → cache_write,
   * reasoning → output, audio_input → input, audio_output → output, image_output → output,
   * cache_read_audio → cache_read, image_input → input, video_input → input (what Google, OpenAI's chat
   * models and Anthropic bill image and video prompt tokens at unless their price list names a rate of its
   * own); per-call fees default to 0.
   */
  public Rates withFallbacks() {
    BigDecimal in = or(input, BigDecimal.ZERO);
    BigDecimal out = or(output, BigDecimal.ZERO);
    BigDecimal write = or(cacheWrite, in);
    BigDecimal read = or(cacheRead, in);
    return new Rates(in, out, read, write, or(cacheWrite1h, write), or(reasoning, out),
        or(audioInput, in), or(audioOutput, out), or(perWebSearch, BigDecimal.ZERO),
        or(perImage, BigDecimal.ZERO), or(perRequest, BigDecimal.ZERO), or(imageOutput, out),
        or(cacheReadAudio, read), or(perSearchSource, BigDecimal.ZERO), or(perServerToolCall, BigDecimal.ZERO),
        or(imageInput, in), or(videoInput, in));
  }

  private static BigDecimal times(BigDecimal v, BigDecimal factor) {
    return v == null ? null : v.multiply(factor);
  }

  private static BigDecimal or(BigDecimal v, BigDecimal fallback) {
    return v != null ? v : fallback;
  }
}
