package dev.costpipe.engine.pricing;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;

/**
 * Rates with every fallback applied, indexed by {@link CostComponent}, all at one scale, so that a
 * cost is a sum of whole multiples of 10^-scale USD: the hot path adds them as longs when they fit.
 */
final class EffectiveRates {
  private static final int MIN_SCALE = 18;

  final BigDecimal[] byComponent;
  /** The components with a non-zero rate, in order: the only ones a request can pay for. */
  final CostComponent[] priced;
  final int scale;
  /** Each rate's unscaled value at {@link #scale}; meaningful only when {@link #fitLong}. */
  final long[] unscaled;
  /** Whether every rate's unscaled value fits a long. */
  final boolean fitLong;

  private EffectiveRates(BigDecimal[] byComponent, int scale) {
    this.byComponent = byComponent;
    this.scale = scale;
    this.priced = Arrays.stream(CostComponent.ALL).filter(c -> byComponent[c.ordinal()].signum() != 0)
        .toArray(CostComponent[]::new);
    this.unscaled = new long[byComponent.length];
    boolean fit = true;
    for (int i = 0; i < byComponent.length; i++) {
      BigInteger v = byComponent[i].unscaledValue();
      fit &= v.bitLength() < Long.SIZE;
      unscaled[i] = v.longValue();
    }
    this.fitLong = fit;
  }

  static EffectiveRates of(Rates rates) {
    Rates r = rates.withFallbacks();
    BigDecimal[] v = new BigDecimal[CostComponent.ALL.length];
    v[CostComponent.INPUT.ordinal()] = r.input();
    v[CostComponent.CACHE_READ.ordinal()] = r.cacheRead();
    v[CostComponent.CACHE_WRITE.ordinal()] = r.cacheWrite();
    v[CostComponent.CACHE_WRITE_1H.ordinal()] = r.cacheWrite1h();
    v[CostComponent.AUDIO_INPUT.ordinal()] = r.audioInput();
    v[CostComponent.CACHE_READ_AUDIO.ordinal()] = r.cacheReadAudio();
    v[CostComponent.IMAGE_INPUT.ordinal()] = r.imageInput();
    v[CostComponent.VIDEO_INPUT.ordinal()] = r.videoInput();
    v[CostComponent.OUTPUT.ordinal()] = r.output();
    v[CostComponent.REASONING.ordinal()] = r.reasoning();
    v[CostComponent.AUDIO_OUTPUT.ordinal()] = r.audioOutput();
    v[CostComponent.IMAGE_OUTPUT.ordinal()] = r.imageOutput();
    v[CostComponent.WEB_SEARCH.ordinal()] = r.perWebSearch();
    v[CostComponent.SEARCH_SOURCES.ordinal()] = r.perSearchSource();
    v[CostComponent.SERVER_TOOL_CALLS.ordinal()] = r.perServerToolCall();
    v[CostComponent.IMAGES.ordinal()] = r.perImage();
    v[CostComponent.REQUEST.ordinal()] = r.perRequest();
    int scale = MIN_SCALE;
    for (BigDecimal d : v) {
      scale = Math.max(scale, d.stripTrailingZeros().scale());
    }
    for (int i = 0; i < v.length; i++) {
      v[i] = v[i].setScale(scale);
    }
    return new EffectiveRates(v, scale);
  }

  BigDecimal rate(CostComponent c) {
    return byComponent[c.ordinal()];
  }
}
