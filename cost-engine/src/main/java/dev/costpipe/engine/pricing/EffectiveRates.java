package dev.costpipe.engine.pricing;

import java.math.BigDecimal;

/**
 * Rates with every fallback applied, indexed by {@link CostComponent}, all at one scale so that the
 * hot path's BigDecimal sums stay on BigDecimal's compact (long) representation.
 */
final class EffectiveRates {
  private static final int MIN_SCALE = 18;

  final BigDecimal[] byComponent;

  private EffectiveRates(BigDecimal[] byComponent) {
    this.byComponent = byComponent;
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
    return new EffectiveRates(v);
  }

  BigDecimal rate(CostComponent c) {
    return byComponent[c.ordinal()];
  }
}
