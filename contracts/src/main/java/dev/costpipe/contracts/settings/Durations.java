package dev.costpipe.contracts.settings;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one duration syntax of every setting: a number and a unit, {@code 500ms}, {@code 30s}, {@code 5m},
 * {@code 1h}, {@code 1d}, {@code 90d} (or a sum of them, {@code 1h30m}). ISO-8601 ({@code PT10M}, {@code P1D}) is
 * read too, so that configurations written before keep working. Durations are printed in the short form.
 */
public final class Durations {
  /** The accepted forms, as error messages and the documentation name them. */
  public static final String SYNTAX = "500ms, 30s, 5m, 1h, 1d, or ISO-8601 like PT10M";

  private static final Pattern SHORT = Pattern.compile("(\\d+(ms|s|m|h|d))+");
  private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d)");

  private Durations() {}

  /** The duration {@code text} says; an {@link IllegalArgumentException} with one message when it says none. */
  public static Duration parse(String text) {
    String s = text.strip().toLowerCase(Locale.ROOT);
    Duration d;
    try {
      d = s.matches("[-+]?p.*") ? Duration.parse(s) : sum(s);
    } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
      d = null;
    }
    if (d == null) {
      throw new IllegalArgumentException("not a duration: '" + text.strip() + "' (use " + SYNTAX + ")");
    }
    if (d.isNegative()) {
      throw new IllegalArgumentException("not a duration: '" + text.strip() + "' is negative");
    }
    return d;
  }

  /** {@code 1h30m}: the sum of its parts, or null when it is not of that form. */
  private static Duration sum(String s) {
    if (!SHORT.matcher(s).matches()) {
      return null;
    }
    Duration d = Duration.ZERO;
    Matcher m = PART.matcher(s);
    while (m.find()) {
      long n = Long.parseLong(m.group(1));
      d = d.plus(switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      });
    }
    return d;
  }

  /** The short form in the largest unit that holds it whole: {@code 1d}, {@code 90m}, {@code 1500ms}. */
  public static String format(Duration d) {
    if (d.isNegative() || d.getNano() % 1_000_000 != 0) {
      return d.toString(); // not written by the short form: keep every digit
    }
    long ms = d.toMillis();
    if (ms == 0) {
      return "0s";
    }
    long[] sizes = {86_400_000L, 3_600_000L, 60_000L, 1_000L};
    String[] units = {"d", "h", "m", "s"};
    for (int i = 0; i < sizes.length; i++) {
      if (ms % sizes[i] == 0) {
        return ms / sizes[i] + units[i];
      }
    }
    return ms + "ms";
  }
}
