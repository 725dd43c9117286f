package dev.costpipe.clickhouse.costsql;

import dev.costpipe.engine.pricing.Rates;
import java.math.BigDecimal;
import java.util.List;

/**
 * {@code CostCalculator}'s formula regrouped by usage column, in nano-USD per unit. Expanding
 * {@code (input − cache_read − …) × input_rate + cache_read × cache_read_rate + …} gives
 *
 * <pre>
 * input_tokens × in + cache_read_tokens × (cache_read − in) + cache_write_tokens × (cache_write − in)
 * + cache_write_1h_tokens × (cache_write_1h − in) + audio_input_tokens × (audio_input − in)
 * + output_tokens × out + reasoning_tokens × (reasoning − out) + audio_output_tokens × (audio_output − out)
 * + web_search_calls × per_web_search + images × per_image
 * + image_output_tokens × (image_output − out)
 * + cache_read_audio_tokens × (cache_read_audio − cache_read − audio_input + in)
 * + search_sources × per_search_source + server_tool_calls × per_server_tool_call
 * + image_input_tokens × (image_input − in) + video_input_tokens × (video_input − in) + per_request
 * </pre>
 *
 * <p>(cached audio is inside both cache_read_tokens and audio_input_tokens, so its coefficient takes back
 * the cache-read and audio-input rates those columns charge it and the input rate the prompt lost twice).
 *
 * <p>which is the same exact sum (no rounding happens before the total), but needs no subtraction of
 * UInt64 counts in SQL and has fewer non-zero terms, since most differences are zero after fallbacks.
 */
final class CostCoefficients {
  /** The usage columns, in the order of the column coefficients. */
  static final List<String> COLUMNS = List.of("input_tokens", "cache_read_tokens", "cache_write_tokens",
      "cache_write_1h_tokens", "audio_input_tokens", "output_tokens", "reasoning_tokens",
      "audio_output_tokens", "web_search_calls", "images", "image_output_tokens", "cache_read_audio_tokens",
      "search_sources", "server_tool_calls", "image_input_tokens", "video_input_tokens");
  /** Index of the per-request constant, after the column coefficients. */
  static final int PER_REQUEST = COLUMNS.size();
  static final int SIZE = PER_REQUEST + 1;

  /** The count per column for which the generated SQL is guaranteed not to overflow. */
  static final BigDecimal MAX_COUNT = BigDecimal.valueOf(1_000_000_000L);
  private static final BigDecimal DECIMAL128_LIMIT = BigDecimal.TEN.pow(38);
  private static final BigDecimal INT64_LIMIT = BigDecimal.valueOf(Long.MAX_VALUE);

  private CostCoefficients() {}

  /** {@link #SIZE} nano-USD values (trailing zeros stripped, so equal prices give equal lists). */
  static List<BigDecimal> of(Rates rates) {
    Rates r = rates.withFallbacks();
    BigDecimal in = r.input();
    BigDecimal out = r.output();
    return List.of(
        nano(in), nano(r.cacheRead().subtract(in)), nano(r.cacheWrite().subtract(in)),
        nano(r.cacheWrite1h().subtract(in)), nano(r.audioInput().subtract(in)),
        nano(out), nano(r.reasoning().subtract(out)), nano(r.audioOutput().subtract(out)),
        nano(r.perWebSearch()), nano(r.perImage()), nano(r.imageOutput().subtract(out)),
        nano(r.cacheReadAudio().subtract(r.cacheRead()).subtract(r.audioInput()).add(in)),
        nano(r.perSearchSource()), nano(r.perServerToolCall()), nano(r.imageInput().subtract(in)),
        nano(r.videoInput().subtract(in)), nano(r.perRequest()));
  }

  /** The fraction digits needed to hold every coefficient exactly. */
  static int scale(List<BigDecimal> coefficients) {
    int scale = 0;
    for (BigDecimal c : coefficients) {
      scale = Math.max(scale, c.scale());
    }
    return scale;
  }

  /**
   * Checks that with every count at most {@link #MAX_COUNT}, no partial sum at {@code scale} exceeds
   * Decimal128's 38 digits and the total fits Int64 nano-USD.
   *
   * @throws IllegalArgumentException naming {@code what} otherwise
   */
  static void checkBounded(List<BigDecimal> coefficients, int scale, String what) {
    BigDecimal bound = coefficients.get(PER_REQUEST).abs();
    for (int i = 0; i < PER_REQUEST; i++) {
      bound = bound.add(coefficients.get(i).abs().multiply(MAX_COUNT));
    }
    if (bound.movePointRight(scale).compareTo(DECIMAL128_LIMIT) >= 0 || bound.compareTo(INT64_LIMIT) >= 0) {
      throw new IllegalArgumentException("prices of " + what + " are too large for exact SQL: with counts up to "
          + MAX_COUNT + " a cost could reach " + bound.toPlainString() + " nano-USD (limits: Int64, and 38 digits"
          + " at scale " + scale + ")");
    }
  }

  private static BigDecimal nano(BigDecimal usd) {
    BigDecimal n = usd.movePointRight(9).stripTrailingZeros();
    return n.scale() < 0 ? n.setScale(0) : n;
  }
}
