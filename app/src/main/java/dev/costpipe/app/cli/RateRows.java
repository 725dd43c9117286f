package dev.costpipe.app.cli;

import dev.costpipe.engine.pricing.Rates;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Rates as aligned text rows: per token and per million tokens, or per call; fallbacks named. */
final class RateRows {
  private record Field(String name, Function<Rates, BigDecimal> rate, boolean perToken, String fallsBackTo) {}

  private static final List<Field> FIELDS = List.of(
      new Field("input", Rates::input, true, null),
      new Field("output", Rates::output, true, null),
      new Field("cache_read", Rates::cacheRead, true, "input"),
      new Field("cache_write", Rates::cacheWrite, true, "input"),
      new Field("cache_write_1h", Rates::cacheWrite1h, true, "cache_write"),
      new Field("reasoning", Rates::reasoning, true, "output"),
      new Field("audio_input", Rates::audioInput, true, "input"),
      new Field("audio_output", Rates::audioOutput, true, "output"),
      // shown only where given (their fallbacks are output, cache_read and input)
      new Field("image_output", Rates::imageOutput, true, null),
      new Field("cache_read_audio", Rates::cacheReadAudio, true, null),
      new Field("image_input", Rates::imageInput, true, null),
      new Field("video_input", Rates::videoInput, true, null),
      new Field("per_web_search", Rates::perWebSearch, false, null),
      new Field("per_search_source", Rates::perSearchSource, false, null),
      new Field("per_server_tool_call", Rates::perServerToolCall, false, null),
      new Field("per_image", Rates::perImage, false, null),
      new Field("per_request", Rates::perRequest, false, null));

  private RateRows() {}

  /**
   * One row per rate. With {@code allTokenRates}, token rates not given are shown with what they fall
   * back to (a base period); without, only the given rates (a tier, whose other rates are the base's).
   */
  static List<String> of(Rates rates, boolean allTokenRates, String indent) {
    List<String> rows = new ArrayList<>();
    Rates effective = rates.withFallbacks();
    for (Field f : FIELDS) {
      BigDecimal given = f.rate().apply(rates);
      if (given != null) {
        rows.add(f.perToken()
            ? String.format("%s%-15s %-22s %s", indent, f.name(), plain(given), plain(given.movePointRight(6)))
            : String.format("%s%-15s %s", indent, f.name(), plain(given) + " per call"));
      } else if (allTokenRates && f.perToken() && f.fallsBackTo() != null) {
        BigDecimal v = f.rate().apply(effective);
        rows.add(String.format("%s%-15s %-22s %s", indent, f.name(), plain(v), plain(v.movePointRight(6))
            + "   (not listed: = " + f.fallsBackTo() + ")"));
      }
    }
    return rows;
  }

  static String header(String indent) {
    return String.format("%s%-15s %-22s %s", indent, "rate", "USD per token", "USD per 1M tokens");
  }

  static String plain(BigDecimal v) {
    BigDecimal s = v.stripTrailingZeros();
    return (s.scale() < 0 ? s.setScale(0) : s).toPlainString();
  }
}
