package dev.costpipe.clickhouse.report;

import dev.costpipe.clickhouse.costsql.SqlLiterals;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/** Time bounds for SQL over a {@code DateTime('UTC')} column (whole seconds). */
final class SqlTime {

    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private SqlTime() {}

    /**
     * {@code toDateTime('2026-11-16 00:00:00', 'UTC')} for the first whole second at or after {@code instant}:
     * a row stored at second {@code s} is {@code >= instant} (or {@code < instant}) exactly when {@code s} is
     * {@code >=} (or {@code <}) that second, so bounds with a fraction of a second stay exact.
     */
    static String literal(Instant instant) {
        Instant ceiled = instant.getNano() == 0 ? instant : Instant.ofEpochSecond(instant.getEpochSecond() + 1);
        String text = LocalDateTime.ofInstant(ceiled, ZoneOffset.UTC).format(DATE_TIME);
        return "toDateTime(" + SqlLiterals.string(text) + ", 'UTC')";
    }

    /**
     * {@code timestamp >= from AND timestamp < to} (either bound may be null: unbounded), preceded by the same bounds
     * on {@code toDate(timestamp)}, the first column of the time-led sort key (V007): 18.16 uses the key only for a
     * condition on the key's own expression, not for one on {@code timestamp}. The day bounds hold every row the
     * exact bounds do, so the answer is the same on any layout.
     */
    static String range(Instant from, Instant to) {
        List<String> conditions = new ArrayList<>();
        if (from != null) {
            conditions.add("toDate(timestamp) >= toDate(" + literal(from) + ")");
        }
        if (to != null) {
            conditions.add("toDate(timestamp) <= toDate(" + literal(to) + ")");
        }
        if (from != null) {
            conditions.add("timestamp >= " + literal(from));
        }
        if (to != null) {
            conditions.add("timestamp < " + literal(to));
        }
        return conditions.isEmpty() ? "1" : String.join(" AND ", conditions);
    }
}
