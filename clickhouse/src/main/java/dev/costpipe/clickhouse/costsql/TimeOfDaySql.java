package dev.costpipe.clickhouse.costsql;

import dev.costpipe.engine.pricing.TimeOfDayPrice;
import java.time.DayOfWeek;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

/**
 * The condition "a {@link TimeOfDayPrice} applies at the row's {@code timestamp}" in SQL, computed from
 * the Unix seconds so that it is UTC whatever the server's or the column's time zone.
 */
final class TimeOfDaySql {
  private static final int DAY = 86_400;

  private TimeOfDaySql() {}

  static String condition(TimeOfDayPrice w) {
    List<String> parts = new ArrayList<>();
    if (!w.days().isEmpty()) {
      // 1970-01-01 was a Thursday (ISO 4): (days since the epoch + 3) % 7 + 1 is the ISO weekday, Monday = 1
      StringJoiner days = new StringJoiner(", ", "(", ")");
      w.days().stream().sorted().map(DayOfWeek::getValue).forEach(d -> days.add(Integer.toString(d)));
      parts.add("(intDiv(toUInt32(timestamp), " + DAY + ") + 3) % 7 + 1 IN " + days);
    }
    int from = w.from().toSecondOfDay();
    int until = w.until().toSecondOfDay();
    String second = "toUInt32(timestamp) % " + DAY;
    if (from < until) {
      parts.add("(" + second + " >= " + from + " AND " + second + " < " + until + ")");
    } else if (from > until) {
      parts.add("(" + second + " >= " + from + " OR " + second + " < " + until + ")");
    }
    return parts.isEmpty() ? "1" : String.join(" AND ", parts);
  }
}
