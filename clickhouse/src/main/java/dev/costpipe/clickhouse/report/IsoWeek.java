package dev.costpipe.clickhouse.report;

import java.time.Clock;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.IsoFields;
import java.time.temporal.TemporalAdjusters;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An ISO-8601 week in UTC: Monday 00:00 (inclusive) to the next Monday 00:00 (exclusive). Written
 * {@code 2026-W47}.
 */
public record IsoWeek(int weekBasedYear, int week) implements Comparable<IsoWeek> {

    private static final Pattern FORMAT = Pattern.compile("(\\d{4})-?W(\\d{2})");

    public IsoWeek {
        if (weekBasedYear < 1970 || weekBasedYear > 2105) { // what DateTime can hold
            throw new IllegalArgumentException("week-based year out of range: " + weekBasedYear);
        }
        int weeks = weeksIn(weekBasedYear);
        if (week < 1 || week > weeks) {
            throw new IllegalArgumentException(weekBasedYear + " has weeks 1 to " + weeks + ", not " + week);
        }
    }

    /** Parses {@code YYYY-Www} (also {@code YYYYWww}); e.g. {@code 2026-W47}. */
    public static IsoWeek parse(String text) {
        Matcher m = FORMAT.matcher(text == null ? "" : text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("an ISO week is written YYYY-Www (e.g. 2026-W47), got '" + text + "'");
        }
        return new IsoWeek(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
    }

    /** The week holding {@code date}. */
    public static IsoWeek of(LocalDate date) {
        return new IsoWeek(date.get(IsoFields.WEEK_BASED_YEAR), date.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
    }

    /** The week holding {@code instant} (UTC). */
    public static IsoWeek of(Instant instant) {
        return of(LocalDate.ofInstant(instant, ZoneOffset.UTC));
    }

    /** The last complete week: the one before the week holding now (UTC). */
    public static IsoWeek lastComplete(Clock clock) {
        return of(clock.instant()).previous();
    }

    /** Monday of this week. */
    public LocalDate monday() {
        return LocalDate.of(weekBasedYear, 1, 4)
                .with(IsoFields.WEEK_OF_WEEK_BASED_YEAR, week)
                .with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
    }

    /** Sunday of this week. */
    public LocalDate sunday() {
        return monday().plusDays(6);
    }

    /** Monday 00:00 UTC, inclusive. */
    public Instant start() {
        return monday().atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    /** The next Monday 00:00 UTC, exclusive. */
    public Instant end() {
        return monday().plusDays(7).atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    public IsoWeek previous() {
        return of(monday().minusDays(7));
    }

    public IsoWeek next() {
        return of(monday().plusDays(7));
    }

    @Override
    public int compareTo(IsoWeek other) {
        return monday().compareTo(other.monday());
    }

    @Override
    public String toString() {
        return String.format("%04d-W%02d", weekBasedYear, week);
    }

    private static int weeksIn(int weekBasedYear) {
        return LocalDate.of(weekBasedYear, 12, 28).get(IsoFields.WEEK_OF_WEEK_BASED_YEAR);
    }
}
