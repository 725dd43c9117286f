package dev.costpipe.clickhouse.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * Reading JSONEachRow values: ClickHouse writes 64-bit integers as JSON strings (by default, on 18.16 and
 * current servers) and smaller ones as numbers; both are accepted. Decimals are read as {@code BigDecimal}.
 */
final class Rows {

    static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    private Rows() {}

    /** One line of a {@code FORMAT JSONEachRow} answer as its row; {@code sql} is named when it is not one. */
    static ObjectNode jsonEachRow(String line, String sql) throws JsonProcessingException {
        JsonNode row = MAPPER.readTree(line);
        if (!(row instanceof ObjectNode object)) {
            throw new ReportException("not a JSONEachRow line: " + line + "\nSQL: " + sql);
        }
        return object;
    }

    /** An integer column; a missing or null value is an error. */
    static long longValue(JsonNode row, String field) {
        JsonNode value = row.get(field);
        if (value == null || value.isNull()) {
            throw new ReportException("column " + field + " is missing or null in " + row);
        }
        return parseLong(value, field, row);
    }

    /** A Nullable integer column: null when the value is null. */
    static Long nullableLong(JsonNode row, String field) {
        JsonNode value = row.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        return parseLong(value, field, row);
    }

    /** A String or Nullable(String) column: null stays null. */
    static String nullableString(JsonNode row, String field) {
        JsonNode value = row.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    /** A String column, null read as "". */
    static String string(JsonNode row, String field) {
        String value = nullableString(row, field);
        return value == null ? "" : value;
    }

    static boolean bool(JsonNode row, String field) {
        return longValue(row, field) != 0;
    }

    /** Epoch seconds (selected as {@code toUInt32(timestamp)}). */
    static Instant epochSeconds(JsonNode row, String field) {
        return Instant.ofEpochSecond(longValue(row, field));
    }

    /** A Date column ({@code yyyy-MM-dd}). */
    static LocalDate date(JsonNode row, String field) {
        return LocalDate.parse(string(row, field));
    }

    static List<String> strings(JsonNode row, String field) {
        JsonNode value = row.get(field);
        List<String> out = new ArrayList<>();
        if (value != null && value.isArray()) {
            value.forEach(item -> out.add(item.isNull() ? null : item.asText()));
        }
        return out;
    }

    static List<Long> longs(JsonNode row, String field) {
        JsonNode value = row.get(field);
        List<Long> out = new ArrayList<>();
        if (value != null && value.isArray()) {
            value.forEach(item -> out.add(parseLong(item, field, row)));
        }
        return out;
    }

    private static long parseLong(JsonNode value, String field, JsonNode row) {
        if (value.isIntegralNumber() && value.canConvertToLong()) {
            return value.longValue();
        }
        if (value.isTextual()) {
            try {
                return Long.parseLong(value.asText());
            } catch (NumberFormatException e) {
                throw new ReportException("column " + field + " is not a 64-bit integer: " + value + " in " + row);
            }
        }
        throw new ReportException("column " + field + " is not an integer: " + value + " in " + row);
    }
}
