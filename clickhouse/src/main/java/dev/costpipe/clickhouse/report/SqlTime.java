package dev.costpipe.clickhouse.report;

import dev.costpipe.clickhouse.costsql.SqlLiterals;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

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

    /** {@code timestamp >= from AND timestamp < to} (either bound may be null: unbounded). */
    static String range(Instant from, Instant to) {
        StringBuilder sql = new StringBuilder();
        if (from != null) {
            sql.append("timestamp >= ").append(literal(from));
        }
        if (to != null) {
            if (sql.length() > 0) {
                sql.append(" AND ");
            }
            sql.append("timestamp < ").append(literal(to));
        }
        return sql.length() == 0 ? "1" : sql.toString();
    }
}
