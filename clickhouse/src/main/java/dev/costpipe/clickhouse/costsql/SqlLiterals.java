package dev.costpipe.clickhouse.costsql;

import java.math.BigDecimal;

/**
 * ClickHouse SQL literals built from data (model names are data: a model called
 * {@code x' OR 1=1 --} must stay a string). Valid on ClickHouse 18.16 and current servers.
 */
public final class SqlLiterals {
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private SqlLiterals() {}

  /**
   * A single-quoted string literal: backslash and quote are backslash-escaped, every control
   * character (U+0000–U+001F, U+007F) becomes {@code \xHH}, everything else is kept as is (the SQL
   * is sent as UTF-8). A string with an unpaired surrogate has no UTF-8 form and is rejected.
   *
   * @throws IllegalArgumentException for an unpaired surrogate
   */
  public static String string(String value) {
    StringBuilder out = new StringBuilder(value.length() + 2).append('\'');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\\' || c == '\'') {
        out.append('\\').append(c);
      } else if (c < 0x20 || c == 0x7F) {
        out.append("\\x").append(HEX[c >> 4]).append(HEX[c & 0xF]);
      } else if (Character.isHighSurrogate(c) && i + 1 < value.length()
          && Character.isLowSurrogate(value.charAt(i + 1))) {
        out.append(c).append(value.charAt(++i));
      } else if (Character.isSurrogate(c)) {
        throw new IllegalArgumentException("unpaired surrogate at index " + i + " in a string literal");
      } else {
        out.append(c);
      }
    }
    return out.append('\'').toString();
  }

  /**
   * An exact Decimal128 literal: {@code toDecimal128('<plain digits>', scale)}; never a float.
   *
   * @throws ArithmeticException if {@code value} has more fraction digits than {@code scale}
   */
  public static String decimal128(BigDecimal value, int scale) {
    return "toDecimal128('" + plain(value, scale) + "', " + scale + ")";
  }

  /** The plain digits of {@code value} (no exponent, trailing zeros stripped), checked to fit {@code scale}. */
  static String plain(BigDecimal value, int scale) {
    BigDecimal stripped = value.stripTrailingZeros();
    if (stripped.scale() > scale) {
      throw new ArithmeticException(value.toPlainString() + " does not fit scale " + scale);
    }
    return stripped.scale() < 0 ? stripped.setScale(0).toPlainString() : stripped.toPlainString();
  }
}
