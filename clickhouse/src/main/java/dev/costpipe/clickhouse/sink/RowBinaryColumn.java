package dev.costpipe.clickhouse.sink;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One ClickHouse column type as RowBinary writes it, fed a row's value for it ({@link RowValues}: a string, a long,
 * a BigDecimal, a list, or null), written as the value ClickHouse would read from the row's JSONEachRow line
 * ({@link RowJson}). Covers the types of the sink's tables on 18.16 and on current servers: (U)Int8–64,
 * Float32/64, Decimal(P, S) and DecimalN(S), DateTime with or without a time zone, Date, String, and Nullable,
 * Array and LowCardinality of those. {@link #of} is empty for any other type (Enum, Map, DateTime64,
 * FixedString…): that table is then written as JSONEachRow. A value of another type than the column's (a table
 * whose layout changed) is an {@link IOException}: that batch goes as JSONEachRow, where ClickHouse decides.
 */
abstract class RowBinaryColumn {
  private static final Pattern WRAPPED = Pattern.compile("(Nullable|Array|LowCardinality)\\((.*)\\)");
  private static final Pattern DECIMAL = Pattern.compile("Decimal\\((\\d+),\\s*(\\d+)\\)");
  private static final Pattern DECIMAL_N = Pattern.compile("Decimal(32|64|128|256)\\((\\d+)\\)");
  private static final Pattern DATE_TIME = Pattern.compile("DateTime(\\('[^']*'\\))?");

  abstract void write(Object value, RowBinaryOutput out) throws IOException;

  /** The encoding of a type as {@code system.columns} spells it, or empty when RowBinary is not written for it. */
  static Optional<RowBinaryColumn> of(String type) {
    String t = type.strip();
    Matcher m = WRAPPED.matcher(t);
    if (m.matches()) {
      Optional<RowBinaryColumn> inner = of(m.group(2));
      return switch (m.group(1)) {
        case "Nullable" -> inner.map(Nullable::new);
        case "Array" -> inner.map(ArrayOf::new);
        default -> inner; // LowCardinality changes the storage, not RowBinary
      };
    }
    if ((m = DECIMAL.matcher(t)).matches()) {
      return Optional.of(decimal(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))));
    }
    if ((m = DECIMAL_N.matcher(t)).matches()) {
      int bits = Integer.parseInt(m.group(1));
      int precision = switch (bits) {
        case 32 -> 9;
        case 64 -> 18;
        case 128 -> 38;
        default -> 76;
      };
      return Optional.of(decimal(precision, Integer.parseInt(m.group(2))));
    }
    if (DATE_TIME.matcher(t).matches()) {
      return Optional.of(new FixedInt(4, false)); // UInt32 epoch seconds, as the rows hold them
    }
    return Optional.ofNullable(switch (t) {
      case "String" -> new Text();
      case "UInt8", "Bool" -> new FixedInt(1, false);
      case "Int8" -> new FixedInt(1, true);
      case "UInt16" -> new FixedInt(2, false);
      case "Int16" -> new FixedInt(2, true);
      case "UInt32" -> new FixedInt(4, false);
      case "Int32" -> new FixedInt(4, true);
      case "UInt64" -> new FixedInt(8, false);
      case "Int64" -> new FixedInt(8, true);
      case "Float32" -> new FloatingPoint(4);
      case "Float64" -> new FloatingPoint(8);
      case "Date" -> new Day();
      default -> null;
    });
  }

  private static RowBinaryColumn decimal(int precision, int scale) {
    int bytes = precision <= 9 ? 4 : precision <= 18 ? 8 : precision <= 38 ? 16 : 32;
    return new Decimal(bytes, precision, scale);
  }

  private static IOException unexpected(Object value, String what) {
    return new IOException("expected " + what + ", found " + (value == null ? "null"
        : value.getClass().getSimpleName() + " " + value));
  }

  private static final class Text extends RowBinaryColumn {
    @Override
    void write(Object value, RowBinaryOutput out) throws IOException {
      if (!(value instanceof String s)) {
        throw unexpected(value, "a string");
      }
      out.writeString(s);
    }
  }

  /** A fixed-width integer; booleans and DateTime come as longs too. */
  private static final class FixedInt extends RowBinaryColumn {
    private final int bytes;
    private final boolean signed;

    FixedInt(int bytes, boolean signed) {
      this.bytes = bytes;
      this.signed = signed;
    }

    @Override
    void write(Object value, RowBinaryOutput out) throws IOException {
      if (!(value instanceof Long l)) {
        throw unexpected(value, "an integer");
      }
      long v = l;
      long min = signed ? -(1L << (8 * bytes - 1)) : 0;
      long max = bytes == 8 ? Long.MAX_VALUE : signed ? (1L << (8 * bytes - 1)) - 1 : (1L << (8 * bytes)) - 1;
      if (v < min || v > max) {
        throw new IOException(v + " does not fit " + (signed ? "Int" : "UInt") + 8 * bytes);
      }
      out.writeLittleEndian(v, bytes);
    }
  }

  private static final class FloatingPoint extends RowBinaryColumn {
    private final int bytes;

    FloatingPoint(int bytes) {
      this.bytes = bytes;
    }

    @Override
    void write(Object value, RowBinaryOutput out) throws IOException {
      double v;
      if (value instanceof Long l) {
        v = l; // the nearest double, as ClickHouse reads the JSON integer
      } else if (value instanceof BigDecimal d) {
        v = d.doubleValue(); // the nearest double, as ClickHouse reads the decimal text
      } else {
        throw unexpected(value, "a number");
      }
      out.writeLittleEndian(bytes == 4 ? Float.floatToIntBits((float) v) : Double.doubleToLongBits(v),
          bytes);
    }
  }

  /**
   * The unscaled value at the column's scale, as a 4-, 8-, 16- or 32-byte integer; never rounded. More digits than
   * the precision are refused here, as ClickHouse refuses them in JSON (RowBinary would store them unchecked).
   */
  private static final class Decimal extends RowBinaryColumn {
    private final int bytes;
    private final BigInteger limit;
    private final int scale;

    Decimal(int bytes, int precision, int scale) {
      this.bytes = bytes;
      this.limit = BigInteger.TEN.pow(precision);
      this.scale = scale;
    }

    @Override
    void write(Object value, RowBinaryOutput out) throws IOException {
      BigDecimal v;
      if (value instanceof BigDecimal d) {
        v = d;
      } else if (value instanceof Long l) {
        v = BigDecimal.valueOf(l);
      } else {
        throw unexpected(value, "a decimal");
      }
      BigInteger unscaled;
      try {
        unscaled = v.setScale(scale, RoundingMode.UNNECESSARY).unscaledValue();
      } catch (ArithmeticException e) {
        throw new IOException(v + " has more than " + scale + " decimal places");
      }
      if (unscaled.abs().compareTo(limit) >= 0) {
        throw new IOException(v + " has more digits than the Decimal column");
      }
      if (bytes <= 8) {
        out.writeLittleEndian(unscaled.longValue(), bytes);
      } else {
        out.writeLittleEndian(unscaled, bytes);
      }
    }
  }

  /** Days since 1970-01-01 as UInt16, from a number of days or "yyyy-MM-dd". */
  private static final class Day extends RowBinaryColumn {
    @Override
    void write(Object value, RowBinaryOutput out) throws IOException {
      long days;
      if (value instanceof Long l) {
        days = l;
      } else if (value instanceof String s) {
        try {
          days = LocalDate.parse(s).toEpochDay();
        } catch (DateTimeParseException e) {
          throw new IOException(e.getMessage());
        }
      } else {
        throw unexpected(value, "a date");
      }
      out.writeLittleEndian(days, 2);
    }
  }

  private static final class Nullable extends RowBinaryColumn {
    private final RowBinaryColumn inner;

    Nullable(RowBinaryColumn inner) {
      this.inner = inner;
    }

    @Override
    void write(Object value, RowBinaryOutput out) throws IOException {
      if (value == null) {
        out.writeByte(1);
      } else {
        out.writeByte(0);
        inner.write(value, out);
      }
    }
  }

  private static final class ArrayOf extends RowBinaryColumn {
    private final RowBinaryColumn element;

    ArrayOf(RowBinaryColumn element) {
      this.element = element;
    }

    @Override
    void write(Object value, RowBinaryOutput out) throws IOException {
      if (!(value instanceof List<?> list)) {
        throw unexpected(value, "an array");
      }
      out.writeVarUInt(list.size());
      for (Object element : list) {
        this.element.write(element, out);
      }
    }
  }
}
