package dev.costpipe.engine.pricing;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.EnumSet;
import java.util.Set;

/**
 * Prices by the request's time of day, in UTC (DeepSeek's off-peak discount): a request whose timestamp
 * falls in [{@code from}, {@code until}) of a UTC day, on one of {@code days} (every day when empty),
 * pays {@code prices} laid over its base or context-tier rates. {@code until} before {@code from} crosses
 * midnight (16:30–00:30); {@code until} equal to {@code from} is the whole day. {@code days} are the
 * UTC weekday of the request itself.
 */
public record TimeOfDayPrice(LocalTime from, LocalTime until, Set<DayOfWeek> days, PriceMode prices) {

  public TimeOfDayPrice {
    days = days.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(days));
  }

  /** Whether a request at {@code at} (null: unknown) pays these prices. */
  public boolean appliesAt(Instant at) {
    if (at == null) {
      return false;
    }
    ZonedDateTime utc = at.atZone(ZoneOffset.UTC);
    if (!days.isEmpty() && !days.contains(utc.getDayOfWeek())) {
      return false;
    }
    int second = utc.toLocalTime().toSecondOfDay();
    int start = from.toSecondOfDay();
    int end = until.toSecondOfDay();
    if (start == end) {
      return true;
    }
    return start < end ? second >= start && second < end : second >= start || second < end;
  }
}
