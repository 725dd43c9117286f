package dev.costpipe.clickhouse.report;

import dev.costpipe.clickhouse.costsql.SqlLiterals;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Which cost records {@link CostQuery} reads. Every criterion is optional (null: not filtered) and they
 * combine with AND. String criteria match exactly (case-sensitive); an empty string matches rows where the
 * column is empty or NULL. Values reach the SQL only as literals from {@link SqlLiterals#string}, so any value
 * (quotes, backslashes, newlines, NUL, SQL text) is compared as data.
 *
 * @param from requests at or after this instant (inclusive); null for no lower bound
 * @param to requests before this instant (exclusive); null for no upper bound
 * @param userId {@code user_id} equals
 * @param sessionId {@code session_id} equals
 * @param sessionName {@code session_name} equals
 * @param properties each must be present: a property with exactly this name and value (names keep their case)
 * @param model {@code model} (as called) or {@code model_key} (the pricing entry, e.g. {@code openai/gpt-4o})
 *     equals; an empty string matches an empty or NULL {@code model}, never a NULL {@code model_key}
 * @param provider {@code provider} equals
 */
public record CostFilter(
        Instant from,
        Instant to,
        String userId,
        String sessionId,
        String sessionName,
        List<PropertyEquals> properties,
        String model,
        String provider) {

    /** DateTime's range: what ClickHouse can store. */
    private static final Instant MIN = Instant.EPOCH;
    private static final Instant MAX = Instant.parse("2106-02-07T06:28:15Z");

    public CostFilter {
        properties = properties == null ? List.of() : List.copyOf(properties);
        checkInRange("from", from);
        checkInRange("to", to);
        if (from != null && to != null && !from.isBefore(to)) {
            throw new IllegalArgumentException("the time range is empty: from " + from + " is not before to " + to);
        }
    }

    /** No filter: every row. */
    public static CostFilter all() {
        return new CostFilter(null, null, null, null, null, List.of(), null, null);
    }

    public CostFilter between(Instant newFrom, Instant newTo) {
        return new CostFilter(newFrom, newTo, userId, sessionId, sessionName, properties, model, provider);
    }

    public CostFilter withUser(String value) {
        return new CostFilter(from, to, value, sessionId, sessionName, properties, model, provider);
    }

    public CostFilter withSession(String value) {
        return new CostFilter(from, to, userId, value, sessionName, properties, model, provider);
    }

    public CostFilter withSessionName(String value) {
        return new CostFilter(from, to, userId, sessionId, value, properties, model, provider);
    }

    /** Adds one property criterion (repeatable: all must hold). */
    public CostFilter withProperty(String name, String value) {
        List<PropertyEquals> more = new ArrayList<>(properties);
        more.add(new PropertyEquals(name, value));
        return new CostFilter(from, to, userId, sessionId, sessionName, more, model, provider);
    }

    public CostFilter withModel(String value) {
        return new CostFilter(from, to, userId, sessionId, sessionName, properties, value, provider);
    }

    public CostFilter withProvider(String value) {
        return new CostFilter(from, to, userId, sessionId, sessionName, properties, model, value);
    }

    /** The SQL condition on the time range alone ({@code 1} when unbounded). */
    String timeRange() {
        return from == null && to == null ? "1" : SqlTime.range(from, to);
    }

    /** The SQL condition (never empty: {@code 1} when nothing is filtered). */
    String whereClause() {
        List<String> conditions = new ArrayList<>();
        if (from != null || to != null) {
            conditions.add(SqlTime.range(from, to));
        }
        String columns = columnConditions();
        if (columns != null) {
            conditions.add(columns);
        }
        return conditions.isEmpty() ? "1" : String.join(" AND ", conditions);
    }

    /** The SQL condition on the columns other than the time (user, session, properties, model, provider), or null. */
    String columnConditions() {
        List<String> conditions = new ArrayList<>();
        equals(conditions, "user_id", userId);
        equals(conditions, "session_id", sessionId);
        equals(conditions, "session_name", sessionName);
        for (PropertyEquals property : properties) {
            conditions.add("arrayExists((k, v) -> k = " + SqlLiterals.string(property.name())
                    + " AND v = " + SqlLiterals.string(property.value()) + ", property_keys, property_values)");
        }
        if (model != null) {
            String literal = SqlLiterals.string(model);
            conditions.add("(ifNull(model, '') = " + literal + " OR model_key = " + literal + ")");
        }
        equals(conditions, "provider", provider);
        return conditions.isEmpty() ? null : String.join(" AND ", conditions);
    }

    /** The columns {@link #whereClause()} may read. */
    static final String COLUMNS = "user_id, session_id, session_name, property_keys, property_values, model, model_key,"
            + " provider";

    private static void equals(List<String> conditions, String column, String value) {
        if (value != null) {
            conditions.add("ifNull(" + column + ", '') = " + SqlLiterals.string(value));
        }
    }

    private static void checkInRange(String what, Instant instant) {
        if (instant != null && (instant.isBefore(MIN) || instant.isAfter(MAX))) {
            throw new IllegalArgumentException(what + " must be between " + MIN + " and " + MAX + ", got " + instant);
        }
    }

    /**
     * Reads a time bound as given on a command line: an ISO-8601 instant ({@code 2026-11-16T10:00:00Z}), a
     * date-time with an offset ({@code 2026-11-16T11:00:00+01:00}), a local date-time taken as UTC
     * ({@code 2026-11-16T10:00}), or a date meaning its 00:00 UTC ({@code 2026-11-16}).
     */
    public static Instant parseTime(String text) {
        String value = Objects.requireNonNull(text, "time").strip();
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException ignored) {
            // try the other forms
        }
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException ignored) {
            // try the other forms
        }
        try {
            return LocalDateTime.parse(value).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException ignored) {
            // try the other forms
        }
        try {
            return LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("not a time: '" + text + "' (use 2026-11-16, 2026-11-16T10:00 (UTC)"
                    + " or 2026-11-16T10:00:00Z)");
        }
    }

    /**
     * One property criterion: the request has a property {@code name} whose value is exactly {@code value}.
     */
    public record PropertyEquals(String name, String value) {
        public PropertyEquals {
            Objects.requireNonNull(name, "property name");
            Objects.requireNonNull(value, "property value");
        }

        /** {@code Environment=production}: split at the first {@code =} (the value may hold more). */
        public static PropertyEquals parse(String nameEqualsValue) {
            int eq = nameEqualsValue == null ? -1 : nameEqualsValue.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("a property filter is written name=value, got '"
                        + nameEqualsValue + "'");
            }
            return new PropertyEquals(nameEqualsValue.substring(0, eq), nameEqualsValue.substring(eq + 1));
        }
    }
}
