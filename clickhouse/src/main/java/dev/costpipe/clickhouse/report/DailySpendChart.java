package dev.costpipe.clickhouse.report;

import dev.costpipe.clickhouse.report.WeeklyReport.Day;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The daily-spend chart of the HTML report: an inline SVG with one bar per day of the week (class
 * {@code bar}), its amount above it, the day below, a dollar axis with gridlines at round amounts, and a
 * dashed marker per day for the previous week's spend on the same weekday.
 */
final class DailySpendChart {

    private static final int WIDTH = 760;
    private static final int HEIGHT = 330;
    private static final int LEFT = 64;
    private static final int RIGHT = 16;
    private static final int TOP = 44;
    private static final int BOTTOM = 52;
    private static final BigDecimal NANOS = BigDecimal.valueOf(1_000_000_000L);
    private static final BigDecimal[] NICE = {
        BigDecimal.ONE, BigDecimal.valueOf(2), new BigDecimal("2.5"), BigDecimal.valueOf(5), BigDecimal.TEN};

    private DailySpendChart() {}

    static String svg(List<Day> days, List<Day> previous, IsoWeek previousWeek) {
        long maxNanos = 0;
        for (Day d : days) {
            maxNanos = Math.max(maxNanos, d.costNanoUsd());
        }
        for (Day d : previous) {
            maxNanos = Math.max(maxNanos, d.costNanoUsd());
        }
        List<BigDecimal> ticks = ticks(BigDecimal.valueOf(maxNanos).divide(NANOS));
        BigDecimal top = ticks.get(ticks.size() - 1);
        double plotWidth = WIDTH - LEFT - RIGHT;
        double plotHeight = HEIGHT - TOP - BOTTOM;
        double baseline = TOP + plotHeight;
        double slot = plotWidth / days.size();
        double barWidth = Math.min(64, slot * 0.58);

        StringBuilder svg = new StringBuilder();
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(HEIGHT)
                .append("\" role=\"img\" aria-labelledby=\"chart-title\" font-family=\"system-ui, -apple-system,"
                        + " 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif\">\n");
        svg.append("<title id=\"chart-title\">Daily spend, USD</title>\n");

        // Legend.
        svg.append("<g font-size=\"12\" fill=\"#4b5563\">")
                .append("<rect x=\"").append(LEFT).append("\" y=\"12\" width=\"12\" height=\"12\" rx=\"2\" fill=\"#4f46e5\"/>")
                .append("<text x=\"").append(LEFT + 18).append("\" y=\"22\">this week</text>")
                .append("<line x1=\"").append(LEFT + 96).append("\" y1=\"18\" x2=\"").append(LEFT + 116)
                .append("\" y2=\"18\" stroke=\"#f59e0b\" stroke-width=\"2.5\" stroke-dasharray=\"5 3\"/>")
                .append("<text x=\"").append(LEFT + 122).append("\" y=\"22\">previous week (")
                .append(previousWeek).append(")</text></g>\n");

        // Gridlines and the dollar axis.
        svg.append("<g font-size=\"12\" fill=\"#6b7280\" text-anchor=\"end\">\n");
        for (BigDecimal tick : ticks) {
            double y = y(tick, top, plotHeight);
            svg.append("<line x1=\"").append(LEFT).append("\" x2=\"").append(WIDTH - RIGHT).append("\" y1=\"")
                    .append(n(y)).append("\" y2=\"").append(n(y)).append("\" stroke=\"")
                    .append(tick.signum() == 0 ? "#9ca3af" : "#e5e7eb").append("\" stroke-width=\"1\"/>")
                    .append("<text x=\"").append(LEFT - 8).append("\" y=\"").append(n(y + 4)).append("\">")
                    .append(Display.html(axisLabel(tick))).append("</text>\n");
        }
        svg.append("</g>\n");

        // Bars, amounts, day labels, previous-week markers.
        for (int i = 0; i < days.size(); i++) {
            Day day = days.get(i);
            BigDecimal usd = BigDecimal.valueOf(day.costNanoUsd()).divide(NANOS);
            double center = LEFT + slot * i + slot / 2;
            double y = y(usd, top, plotHeight);
            double height = Math.max(baseline - y, day.costNanoUsd() > 0 ? 1 : 0);
            String amount = Usd.format(day.costNanoUsd());
            svg.append("<g>\n<title>").append(Display.html(Display.dayYear(day.date()) + ": " + amount + ", "
                    + Usd.count(day.requests()) + " " + ReportHints.plural(day.requests(), "request")))
                    .append("</title>\n");
            svg.append("<rect class=\"bar\" x=\"").append(n(center - barWidth / 2)).append("\" y=\"")
                    .append(n(baseline - height)).append("\" width=\"").append(n(barWidth)).append("\" height=\"")
                    .append(n(height)).append("\" rx=\"3\" fill=\"#4f46e5\" data-date=\"").append(day.date())
                    .append("\" data-cost-usd=\"").append(Usd.exactText(day.costNanoUsd())).append("\"/>\n");
            if (i < previous.size()) {
                Day before = previous.get(i);
                double py = y(BigDecimal.valueOf(before.costNanoUsd()).divide(NANOS), top, plotHeight);
                svg.append("<line class=\"previous\" x1=\"").append(n(center - slot * 0.4)).append("\" x2=\"")
                        .append(n(center + slot * 0.4)).append("\" y1=\"").append(n(py)).append("\" y2=\"")
                        .append(n(py)).append("\" stroke=\"#f59e0b\" stroke-width=\"2.5\" stroke-dasharray=\"5 3\">")
                        .append("<title>").append(Display.html(Display.dayYear(before.date()) + ": "
                                + Usd.format(before.costNanoUsd()) + " (previous week)"))
                        .append("</title></line>\n");
            }
            svg.append("<text x=\"").append(n(center)).append("\" y=\"").append(n(baseline - height - 7))
                    .append("\" text-anchor=\"middle\" font-size=\"12.5\" font-weight=\"600\" fill=\"#111827\"")
                    .append(" stroke=\"#ffffff\" stroke-width=\"4\" stroke-linejoin=\"round\" paint-order=\"stroke\">")
                    .append(Display.html(amount)).append("</text>\n");
            String[] label = Display.day(day.date()).split(" ", 2);
            svg.append("<text x=\"").append(n(center)).append("\" y=\"").append(n(baseline + 20))
                    .append("\" text-anchor=\"middle\" font-size=\"13\" font-weight=\"600\" fill=\"#374151\">")
                    .append(label[0]).append("</text>\n");
            svg.append("<text x=\"").append(n(center)).append("\" y=\"").append(n(baseline + 37))
                    .append("\" text-anchor=\"middle\" font-size=\"12\" fill=\"#6b7280\">")
                    .append(label.length > 1 ? label[1] : "").append("</text>\n</g>\n");
        }
        svg.append("</svg>\n");
        return svg.toString();
    }

    /**
     * Round gridline amounts from 0 to at least {@code max}: a step of 1, 2, 2.5 or 5 × 10^k giving about
     * four intervals. Exact decimals; $1 in steps of $0.25 when nothing was spent.
     */
    static List<BigDecimal> ticks(BigDecimal max) {
        BigDecimal step;
        BigDecimal top;
        if (max.signum() <= 0) {
            step = new BigDecimal("0.25");
            top = BigDecimal.ONE;
        } else {
            BigDecimal raw = max.divide(BigDecimal.valueOf(4), 12, RoundingMode.HALF_EVEN).stripTrailingZeros();
            int exponent = raw.precision() - raw.scale() - 1;
            BigDecimal magnitude = BigDecimal.ONE.scaleByPowerOfTen(exponent);
            BigDecimal normalized = raw.divide(magnitude, 12, RoundingMode.HALF_EVEN);
            BigDecimal nice = NICE[NICE.length - 1];
            for (BigDecimal candidate : NICE) {
                if (candidate.compareTo(normalized) >= 0) {
                    nice = candidate;
                    break;
                }
            }
            step = nice.multiply(magnitude);
            top = max.divide(step, 0, RoundingMode.CEILING).multiply(step);
        }
        List<BigDecimal> ticks = new ArrayList<>();
        for (BigDecimal tick = BigDecimal.ZERO; tick.compareTo(top) <= 0; tick = tick.add(step)) {
            ticks.add(tick);
        }
        return ticks;
    }

    /** {@code $0}, {@code $50}, {@code $1,000}, {@code $2.50}, {@code $0.0005}. */
    static String axisLabel(BigDecimal usd) {
        BigDecimal stripped = usd.stripTrailingZeros();
        if (stripped.scale() <= 0) {
            return "$" + Usd.group(stripped.setScale(0).toPlainString());
        }
        return Usd.format(usd);
    }

    private static double y(BigDecimal usd, BigDecimal top, double plotHeight) {
        double fraction = usd.divide(top, 6, RoundingMode.HALF_EVEN).doubleValue(); // pixels only, not money
        return TOP + plotHeight - plotHeight * fraction;
    }

    private static String n(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }
}
