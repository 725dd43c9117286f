package dev.costpipe.engine.catalogue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import dev.costpipe.engine.pricing.Rates;
import java.math.BigDecimal;

/**
 * What the upstream catalogue importers share: the slots of a {@link Rates} record an importer fills one
 * price field at a time, and a JSON reader that keeps every decimal exactly as written.
 */
final class RateSlots {
  static final int INPUT = 0;
  static final int OUTPUT = 1;
  static final int CACHE_READ = 2;
  static final int CACHE_WRITE = 3;
  static final int CACHE_WRITE_1H = 4;
  static final int REASONING = 5;
  static final int AUDIO_INPUT = 6;
  static final int AUDIO_OUTPUT = 7;
  static final int PER_WEB_SEARCH = 8;
  static final int PER_IMAGE = 9;
  static final int PER_REQUEST = 10;
  static final int IMAGE_OUTPUT = 11;
  static final int CACHE_READ_AUDIO = 12;
  static final int IMAGE_INPUT = 13;
  static final int VIDEO_INPUT = 14;
  static final int COUNT = 15;

  /** Keeps each decimal exactly as parsed from its text (2.5e-06 stays 2.5E-6, not re-normalised). */
  static final ObjectMapper EXACT_JSON = JsonMapper.builder()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false)
      .build();

  private RateSlots() {}

  /** The rates of filled slots (null: not given); per-source and per-tool-call fees are not imported. */
  static Rates rates(BigDecimal[] r) {
    return new Rates(r[INPUT], r[OUTPUT], r[CACHE_READ], r[CACHE_WRITE], r[CACHE_WRITE_1H], r[REASONING],
        r[AUDIO_INPUT], r[AUDIO_OUTPUT], r[PER_WEB_SEARCH], r[PER_IMAGE], r[PER_REQUEST], r[IMAGE_OUTPUT],
        r[CACHE_READ_AUDIO], null, null, r[IMAGE_INPUT], r[VIDEO_INPUT]);
  }
}
