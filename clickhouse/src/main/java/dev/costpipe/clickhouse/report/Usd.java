package dev.costpipe.clickhouse.report;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Money for people: nano-USD (the cost record's integers) to USD with {@code BigDecimal}, never through a
 * {@code double}.
 */
public final class Usd {

    private static final MathContext FOUR_SIGNIFICANT = new MathContext(4, RoundingMode.HALF_EVEN);

    private Usd() {}

    /** The exact amount in USD, 9 decimal places ({@code 127200} → {@code 0.000127200}). */
    public static BigDecimal exact(long nanoUsd) {
        return BigDecimal.valueOf(nanoUsd, 9);
    }

    /** {@link #exact} as plain text, the cost record's {@code cost_usd} form. */
    public static String exactText(long nanoUsd) {
        return exact(nanoUsd).toPlainString();
    }

    /**
     * For reading: {@code $1,234.57} (cents, half-even) from one dollar up; below, four significant digits
     * and at least cents ({@code $0.12}, {@code $0.1235}, {@code $0.0001272}); {@code $0.00} for zero;
     * {@code -$3.20} when negative.
     */
    public static String format(long nanoUsd) {
        return format(exact(nanoUsd));
    }

    /** {@link #format(long)} for any amount in USD. */
    public static String format(BigDecimal usd) {
        BigDecimal abs = usd.abs();
        BigDecimal shown;
        if (abs.signum() == 0) {
            shown = BigDecimal.ZERO.setScale(2);
        } else if (abs.compareTo(BigDecimal.ONE) >= 0) {
            shown = abs.setScale(2, RoundingMode.HALF_EVEN);
        } else {
            shown = abs.round(FOUR_SIGNIFICANT);
            if (shown.compareTo(BigDecimal.ONE) >= 0) {
                shown = shown.setScale(2, RoundingMode.HALF_EVEN);
            } else {
                shown = shown.stripTrailingZeros();
                if (shown.scale() < 2) {
                    shown = shown.setScale(2);
                }
            }
        }
        String text = "$" + group(shown.toPlainString());
        return usd.signum() < 0 && shown.signum() != 0 ? "-" + text : text;
    }

    /** A change: {@code +$12.30}, {@code -$4.00}, {@code $0.00}. */
    public static String formatSigned(long nanoUsd) {
        return nanoUsd > 0 ? "+" + format(nanoUsd) : format(nanoUsd);
    }

    /** {@code part} as a percentage of {@code whole}, one decimal, half-even; null when whole is 0. */
    public static BigDecimal percent(long part, long whole) {
        if (whole == 0) {
            return null;
        }
        return BigDecimal.valueOf(part).multiply(BigDecimal.valueOf(100))
                .divide(BigDecimal.valueOf(whole), 1, RoundingMode.HALF_EVEN);
    }

    /** {@code 12.5%}, or {@code n/a} for null. */
    public static String percentText(BigDecimal percent) {
        return percent == null ? "n/a" : percent.toPlainString() + "%";
    }

    /** An exact quotient in nano-USD, rounded half-even to whole nanos (an average per session, per call…). */
    public static long divide(long nanoUsd, long count) {
        if (count == 0) {
            return 0;
        }
        return BigDecimal.valueOf(nanoUsd).divide(BigDecimal.valueOf(count), 0, RoundingMode.HALF_EVEN)
                .longValueExact();
    }

    /** {@code 1234567} → {@code 1,234,567}. */
    public static String count(long value) {
        return group(Long.toString(value));
    }

    /** Thousands separators on the integer part of a plain decimal string. */
    static String group(String plain) {
        boolean negative = plain.startsWith("-");
        String digits = negative ? plain.substring(1) : plain;
        int dot = digits.indexOf('.');
        String integer = dot < 0 ? digits : digits.substring(0, dot);
        String fraction = dot < 0 ? "" : digits.substring(dot);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < integer.length(); i++) {
            if (i > 0 && (integer.length() - i) % 3 == 0) {
                out.append(',');
            }
            out.append(integer.charAt(i));
        }
        return (negative ? "-" : "") + out + fraction;
    }
}
