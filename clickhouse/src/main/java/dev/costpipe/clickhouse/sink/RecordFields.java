package dev.costpipe.clickhouse.sink;

import static dev.costpipe.clickhouse.sink.InvalidRecordException.INVALID_RECORD;
import static dev.costpipe.clickhouse.sink.InvalidRecordException.OUT_OF_RANGE;

import com.fasterxml.jackson.databind.JsonNode;
import dev.costpipe.engine.json.Json;
import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;

/**
 * Strict reading of one JSON field for a ClickHouse column: the type the contract says, and a value the
 * column can hold. ClickHouse 18.16 silently wraps what does not fit (a DateTime after 2106, an Int32 above
 * 2^31, a number above UInt64), so every range is checked here, before a row is sent.
 */
final class RecordFields {
  /** DateTime is seconds since the epoch in a UInt32, on 18.16 and on current servers alike. */
  static final long MAX_DATETIME = 4_294_967_295L;
  /** Decimal(18, 9) holds |x| < 10^9 USD, i.e. |nano-USD| < 10^18. */
  static final long DECIMAL_18_9_LIMIT_NANO = 1_000_000_000_000_000_000L;

  private RecordFields() {}

  static JsonNode object(JsonNode o, String field) throws InvalidRecordException {
    JsonNode v = o.get(field);
    if (v == null || !v.isObject()) {
      throw new InvalidRecordException(INVALID_RECORD, field + " must be a JSON object");
    }
    return v;
  }

  /** An object, or an empty one when missing or null. */
  static JsonNode optionalObject(JsonNode o, String field) throws InvalidRecordException {
    JsonNode v = o.get(field);
    if (v == null || v.isNull()) {
      return Json.MAPPER.createObjectNode();
    }
    if (!v.isObject()) {
      throw new InvalidRecordException(INVALID_RECORD, field + " must be a JSON object");
    }
    return v;
  }

  /** An array, or an empty one when missing or null. */
  static JsonNode optionalArray(JsonNode o, String field) throws InvalidRecordException {
    JsonNode v = o.get(field);
    if (v == null || v.isNull()) {
      return Json.MAPPER.createArrayNode();
    }
    if (!v.isArray()) {
      throw new InvalidRecordException(INVALID_RECORD, field + " must be a JSON array");
    }
    return v;
  }

  static String text(JsonNode o, String field) throws InvalidRecordException {
    JsonNode v = o.get(field);
    if (v == null || !v.isTextual()) {
      throw new InvalidRecordException(INVALID_RECORD, field + " must be a string");
    }
    return v.textValue();
  }

  static String nonEmptyText(JsonNode o, String field) throws InvalidRecordException {
    String s = text(o, field);
    if (s.isEmpty()) {
      throw new InvalidRecordException(INVALID_RECORD, field + " must not be empty");
    }
    return s;
  }

  /** A string or null (missing counts as null). */
  static String optionalText(JsonNode o, String field) throws InvalidRecordException {
    JsonNode v = o.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw new InvalidRecordException(INVALID_RECORD, field + " must be a string or null");
    }
    return v.textValue();
  }

  static boolean bool(JsonNode o, String field) throws InvalidRecordException {
    JsonNode v = o.get(field);
    if (v == null || !v.isBoolean()) {
      throw new InvalidRecordException(INVALID_RECORD, field + " must be true or false");
    }
    return v.booleanValue();
  }

  /** An integral JSON number that fits a signed 64-bit integer. */
  static long int64(JsonNode v, String field) throws InvalidRecordException {
    if (v == null || !v.isIntegralNumber()) {
      throw new InvalidRecordException(INVALID_RECORD, field + " must be an integer");
    }
    if (!v.canConvertToLong()) {
      throw new InvalidRecordException(OUT_OF_RANGE, field + " does not fit a 64-bit integer: " + v.asText());
    }
    return v.longValue();
  }

  static long int64(JsonNode o, String parent, String field) throws InvalidRecordException {
    return int64(o.get(field), parent == null ? field : parent + "." + field);
  }

  static Long optionalInt64(JsonNode o, String field) throws InvalidRecordException {
    JsonNode v = o.get(field);
    return v == null || v.isNull() ? null : int64(v, field);
  }

  /** A count: an integer from 0 to 2^63 - 1 (a UInt64 column). */
  static long count(JsonNode o, String parent, String field) throws InvalidRecordException {
    long v = int64(o, parent, field);
    if (v < 0) {
      throw new InvalidRecordException(OUT_OF_RANGE, (parent == null ? field : parent + "." + field)
          + " must not be negative, got " + v);
    }
    return v;
  }

  static Integer optionalInt32(JsonNode o, String field) throws InvalidRecordException {
    Long v = optionalInt64(o, field);
    if (v != null && (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE)) {
      throw new InvalidRecordException(OUT_OF_RANGE, field + " does not fit a 32-bit integer: " + v);
    }
    return v == null ? null : v.intValue();
  }

  /** An ISO-8601 instant as DateTime seconds (truncated to the second), within DateTime's range. */
  static long dateTime(JsonNode o, String field) throws InvalidRecordException {
    String s = text(o, field);
    long seconds;
    try {
      seconds = epochSecond(s);
    } catch (DateTimeParseException e) {
      throw new InvalidRecordException(INVALID_RECORD, field + " must be an ISO-8601 instant, got '" + s + "'");
    }
    if (seconds < 0 || seconds > MAX_DATETIME) {
      throw new InvalidRecordException(OUT_OF_RANGE, field + " " + s
          + " is outside ClickHouse DateTime's range (1970-01-01T00:00:00Z to 2106-02-07T06:28:15Z)");
    }
    return seconds;
  }

  /**
   * {@link Instant#parse}'s epoch second: {@code yyyy-MM-ddTHH:mm:ss[.f…]Z} (what {@link Instant#toString} writes,
   * so every cost record's time) read directly, anything else by {@link Instant#parse} (a third of the row's time
   * went there).
   */
  static long epochSecond(String s) {
    int n = s.length();
    boolean plain = n >= 20 && s.charAt(4) == '-' && s.charAt(7) == '-' && s.charAt(10) == 'T' && s.charAt(13) == ':'
        && s.charAt(16) == ':' && s.charAt(n - 1) == 'Z' && (n == 20 || n <= 30 && s.charAt(19) == '.' && n > 21);
    for (int i = 0; plain && i < n - 1; i++) {
      char c = s.charAt(i);
      plain = i == 4 || i == 7 || i == 10 || i == 13 || i == 16 || i == 19 || c >= '0' && c <= '9';
    }
    if (plain) {
      int hour = digits(s, 11);
      int minute = digits(s, 14);
      int second = digits(s, 17);
      if (hour < 24 && minute < 60 && second < 60) {
        try {
          long day = LocalDate.of(digits(s, 0) * 100 + digits(s, 2), digits(s, 5), digits(s, 8)).toEpochDay();
          return day * 86_400 + hour * 3_600 + minute * 60 + second;
        } catch (DateTimeException e) {
          // not a day of the calendar: Instant.parse says why
        }
      }
    }
    return Instant.parse(s).getEpochSecond();
  }

  private static int digits(String s, int at) {
    return (s.charAt(at) - '0') * 10 + s.charAt(at + 1) - '0';
  }

  /** A decimal JSON number (any form) as an exact value with at most {@code scale} fraction digits. */
  static BigDecimal decimal(JsonNode o, String field, int precision, int scale) throws InvalidRecordException {
    JsonNode v = o.get(field);
    if (v == null || !v.isNumber()) {
      throw new InvalidRecordException(INVALID_RECORD, field + " must be a number");
    }
    BigDecimal d = v.decimalValue().stripTrailingZeros();
    if (d.scale() > scale) {
      throw new InvalidRecordException(OUT_OF_RANGE, field + " has more than " + scale + " decimal places: "
          + d.toPlainString());
    }
    BigDecimal scaled = d.setScale(scale);
    if (scaled.precision() > precision) {
      throw new InvalidRecordException(OUT_OF_RANGE, field + " does not fit Decimal(" + precision + ", " + scale
          + "): " + d.toPlainString());
    }
    return scaled;
  }
}
