package dev.costpipe.testsupport;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A SELECT's {@code FORMAT JSONEachRow} output as rows, read alike for every {@link SqlEngine}. */
final class JsonEachRowOutput {
    /** Decimals come back exactly, as {@link java.math.BigDecimal}. */
    static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    private JsonEachRowOutput() {}

    /** The rows of {@code output}, columns in SELECT order; {@code sql} is named in what is thrown. */
    static List<Map<String, Object>> rows(String output, String sql) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (String line : output.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            // An error after the first block has been sent arrives with HTTP 200, appended to the body.
            if (line.startsWith("Code: ")) {
                throw new IllegalStateException("ClickHouse failed mid-result for SQL [" + sql + "]: " + line);
            }
            try {
                @SuppressWarnings("unchecked")
                Map<String, Object> row = JSON.readValue(line, Map.class);
                rows.add(row);
            } catch (IOException e) {
                throw new IllegalStateException(
                        "Not a JSONEachRow line (did the SQL end in FORMAT JSONEachRow?): " + line
                                + "\nSQL: " + sql, e);
            }
        }
        return rows;
    }
}
