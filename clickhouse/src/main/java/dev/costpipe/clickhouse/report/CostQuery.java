package dev.costpipe.clickhouse.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.costpipe.engine.record.CostRecord;
import dev.costpipe.engine.record.CostRecordJson;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * {@code costpipe query}: the cost records matching a {@link CostFilter}, read from {@code request_costs} with
 * each request's latest version only (re-delivered rows count once; {@link CostSource}) through the time-led sort key when a period is given, as
 * totals or as rows, written as a table, JSON or CSV. With a user, session, property, model or provider criterion
 * only the requests that had it in some version of the period are deduplicated; the criterion then applies to
 * their latest version (a revision that moved a request to another user counts for that user only). Totals for
 * a period and one property value read the whole days whose sums the report stored ({@link PropertyDaySums}).
 *
 * <pre>{@code
 * CostQuery query = new CostQuery(reader, CostTable.of("costpipe"));
 * String out = query.run(new CostQuery.Options(
 *         CostFilter.all().between(from, to).withProperty("Environment", "production"),
 *         CostQuery.Output.TOTALS, CostQuery.Format.TABLE, 0));
 * }</pre>
 */
public final class CostQuery {

    /** Rows printed when no limit is given. */
    public static final int DEFAULT_LIMIT = 100;

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    /** What to print. */
    public enum Output {
        /** One line of totals over every matching row. */
        TOTALS,
        /** The matching rows, oldest first (up to the limit). */
        ROWS
    }

    /** How to print it. */
    public enum Format {
        /** Aligned columns for a terminal (control characters in values shown escaped). */
        TABLE,
        /** Totals: one JSON object. Rows: one JSON object per line, in the cost record's shape. */
        JSON,
        /** RFC 4180 CSV with a header line; values exactly as stored. */
        CSV;

        /** {@code table}, {@code json}, {@code csv}; case-insensitive. */
        public static Format parse(String name) {
            try {
                return valueOf(Objects.requireNonNull(name, "format").strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("query format must be table, json or csv, got '" + name + "'");
            }
        }
    }

    /**
     * @param filter which rows
     * @param output totals or rows
     * @param format table, JSON or CSV
     * @param limit for rows: at most this many (0 for {@link #DEFAULT_LIMIT}); ignored for totals
     */
    public record Options(CostFilter filter, Output output, Format format, int limit) {
        public Options {
            filter = filter == null ? CostFilter.all() : filter;
            output = output == null ? Output.TOTALS : output;
            format = format == null ? Format.TABLE : format;
            if (limit < 0) {
                throw new IllegalArgumentException("limit must be positive, got " + limit);
            }
        }

        int effectiveLimit() {
            return limit == 0 ? DEFAULT_LIMIT : limit;
        }
    }

    /**
     * Totals over the matching rows.
     *
     * @param pricedRequests rows with a cost (the others add nothing to {@code costNanoUsd})
     * @param first the earliest matching request; null when nothing matched
     * @param last the latest matching request; null when nothing matched
     */
    public record Totals(
            long requests,
            long pricedRequests,
            long costNanoUsd,
            long inputTokens,
            long outputTokens,
            long cacheReadTokens,
            long cacheWriteTokens,
            long reasoningTokens,
            long cacheHits,
            long cacheSavingsNanoUsd,
            long unknownModelRequests,
            Instant first,
            Instant last) {

        public long unpricedRequests() {
            return requests - pricedRequests;
        }

        /** These totals and {@code other}'s, over both sets of requests. */
        Totals plus(Totals other) {
            return new Totals(requests + other.requests, pricedRequests + other.pricedRequests,
                    costNanoUsd + other.costNanoUsd, inputTokens + other.inputTokens, outputTokens + other.outputTokens,
                    cacheReadTokens + other.cacheReadTokens, cacheWriteTokens + other.cacheWriteTokens,
                    reasoningTokens + other.reasoningTokens, cacheHits + other.cacheHits,
                    cacheSavingsNanoUsd + other.cacheSavingsNanoUsd, unknownModelRequests + other.unknownModelRequests,
                    first == null || other.first != null && other.first.isBefore(first) ? other.first : first,
                    last == null || other.last != null && other.last.isAfter(last) ? other.last : last);
        }
    }

    /** Rows and whether more matched than the limit. */
    public record RowsResult(List<CostRecord> rows, boolean truncated) {
        public RowsResult {
            rows = List.copyOf(rows);
        }
    }

    /** The usage columns, in the cost record's order. */
    static final List<String> USAGE_COLUMNS = List.of("input_tokens", "output_tokens", "cache_read_tokens",
            "cache_write_tokens", "cache_write_1h_tokens", "reasoning_tokens", "audio_input_tokens",
            "audio_output_tokens", "web_search_calls", "images");

    private final ClickHouseReader reader;
    private final CostTable table;

    public CostQuery(ClickHouseReader reader, CostTable table) {
        this.reader = Objects.requireNonNull(reader, "reader");
        this.table = Objects.requireNonNull(table, "table");
    }

    /** Runs the query and renders it: the whole {@code costpipe query} command. */
    public String run(Options options) {
        return switch (options.output()) {
            case TOTALS -> renderTotals(totals(options.filter()), options.format());
            case ROWS -> renderRows(rows(options.filter(), options.effectiveLimit()), options.format());
        };
    }

    /** Totals over the matching rows (for one property value, partly from the stored sums per day). */
    public Totals totals(CostFilter filter) {
        CostSource source = CostSource.of(reader, table);
        PropertyDaySums stored = PropertyDaySums.of(reader, table, source, filter);
        Totals fromSums = stored.totals(reader);
        String otherDays = stored.otherDays(filter);
        if (otherDays == null) {
            return fromSums;
        }
        List<ObjectNode> result = reader.select("SELECT " + TotalsSql.overRows()
                + " FROM " + source.from(otherDays, CostFilter.COLUMNS + ", " + TotalsSql.COLUMNS,
                        filter.columnConditions())
                + " WHERE " + filter.whereClause()
                + " FORMAT JSONEachRow");
        if (result.size() != 1) {
            throw new ReportException("expected one row of totals, got " + result.size());
        }
        Totals fromRows = TotalsSql.totals(result.get(0));
        return fromSums == null ? fromRows : fromSums.plus(fromRows);
    }

    /** The matching rows, oldest first (then by request id), at most {@code limit}. */
    public RowsResult rows(CostFilter filter, int limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("limit must be positive, got " + limit);
        }
        List<ObjectNode> result = reader.select("SELECT request_id, toUInt32(timestamp) AS ts, provider, model,"
                + " model_key, user_id, session_id, session_name, session_path, property_keys, property_values,"
                + " status, streamed, cache_hit, " + String.join(", ", USAGE_COLUMNS) + ","
                + " usage_source, pricing_status, cost_nano_usd, cost_breakdown_keys, cost_breakdown_values,"
                + " cache_savings_nano_usd, errors"
                + " FROM " + CostSource.of(reader, table).from(filter.timeRange(), CostFilter.COLUMNS
                        + ", session_path, status, streamed, cache_hit, " + String.join(", ", USAGE_COLUMNS)
                        + ", usage_source, pricing_status, cost_nano_usd, cost_breakdown_keys, cost_breakdown_values,"
                        + " cache_savings_nano_usd, errors", filter.columnConditions())
                + " WHERE " + filter.whereClause()
                + " ORDER BY timestamp, request_id"
                + " LIMIT " + (limit + 1L)
                + " FORMAT JSONEachRow");
        List<CostRecord> rows = new ArrayList<>();
        for (ObjectNode row : result.subList(0, Math.min(limit, result.size()))) {
            rows.add(row(row));
        }
        return new RowsResult(rows, result.size() > limit);
    }

    /** A stored row back as the cost record it was written from, through the record's own JSON form. */
    private static CostRecord row(ObjectNode row) {
        ObjectNode r = F.objectNode();
        r.put("request_id", Rows.string(row, "request_id"));
        r.put("timestamp", Rows.epochSeconds(row, "ts").toString());
        for (String field : List.of("provider", "model", "model_key", "user_id", "session_id", "session_name",
                "session_path", "usage_source", "pricing_status")) {
            r.put(field, Rows.nullableString(row, field));
        }
        ObjectNode properties = r.putObject("properties");
        List<String> keys = Rows.strings(row, "property_keys");
        List<String> values = Rows.strings(row, "property_values");
        for (int i = 0; i < keys.size(); i++) {
            properties.put(keys.get(i), i < values.size() ? values.get(i) : null);
        }
        r.put("status", Rows.nullableLong(row, "status"));
        r.put("streamed", Rows.bool(row, "streamed"));
        r.put("cache_hit", Rows.bool(row, "cache_hit"));
        ObjectNode usage = r.putObject("usage");
        for (String column : USAGE_COLUMNS) {
            usage.put(column, Rows.longValue(row, column));
        }
        r.put("cost_nano_usd", Rows.nullableLong(row, "cost_nano_usd"));
        ObjectNode breakdown = r.putObject("cost_breakdown");
        List<String> parts = Rows.strings(row, "cost_breakdown_keys");
        List<Long> amounts = Rows.longs(row, "cost_breakdown_values");
        for (int i = 0; i < parts.size() && i < amounts.size(); i++) {
            breakdown.put(parts.get(i), amounts.get(i));
        }
        r.put("cache_savings_nano_usd", Rows.longValue(row, "cache_savings_nano_usd"));
        Rows.strings(row, "errors").forEach(r.putArray("errors")::add);
        return CostRecordJson.fromTree(r);
    }

    // --- rendering ---------------------------------------------------------------------------------------

    static String renderTotals(Totals t, Format format) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("requests", Long.toString(t.requests()));
        fields.put("priced_requests", Long.toString(t.pricedRequests()));
        fields.put("unpriced_requests", Long.toString(t.unpricedRequests()));
        fields.put("cost_nano_usd", Long.toString(t.costNanoUsd()));
        fields.put("cost_usd", Usd.exactText(t.costNanoUsd()));
        fields.put("input_tokens", Long.toString(t.inputTokens()));
        fields.put("output_tokens", Long.toString(t.outputTokens()));
        fields.put("cache_read_tokens", Long.toString(t.cacheReadTokens()));
        fields.put("cache_write_tokens", Long.toString(t.cacheWriteTokens()));
        fields.put("reasoning_tokens", Long.toString(t.reasoningTokens()));
        fields.put("cache_hits", Long.toString(t.cacheHits()));
        fields.put("cache_savings_nano_usd", Long.toString(t.cacheSavingsNanoUsd()));
        fields.put("unknown_model_requests", Long.toString(t.unknownModelRequests()));
        fields.put("first_request_at", t.first() == null ? "" : t.first().toString());
        fields.put("last_request_at", t.last() == null ? "" : t.last().toString());
        return switch (format) {
            case TABLE -> {
                TextTable table = new TextTable("", ">");
                table.row("requests", Usd.count(t.requests()) + " (" + Usd.count(t.pricedRequests()) + " priced, "
                        + Usd.count(t.unpricedRequests()) + " unpriced)");
                table.row("cost", Usd.format(t.costNanoUsd()) + " (" + Usd.exactText(t.costNanoUsd()) + " USD)");
                table.row("input tokens", Usd.count(t.inputTokens()));
                table.row("output tokens", Usd.count(t.outputTokens()));
                table.row("cache read tokens", Usd.count(t.cacheReadTokens()));
                table.row("cache write tokens", Usd.count(t.cacheWriteTokens()));
                table.row("reasoning tokens", Usd.count(t.reasoningTokens()));
                table.row("cache hits", Usd.count(t.cacheHits()));
                table.row("cache savings", Usd.format(t.cacheSavingsNanoUsd()));
                table.row("unknown-model requests", Usd.count(t.unknownModelRequests()));
                table.row("first request", t.first() == null ? "-" : TIME.format(t.first()) + " UTC");
                table.row("last request", t.last() == null ? "-" : TIME.format(t.last()) + " UTC");
                String rendered = table.render("");
                // The header and rule of a two-column key/value table carry nothing.
                yield rendered.substring(rendered.indexOf('\n', rendered.indexOf('\n') + 1) + 1);
            }
            case JSON -> {
                ObjectNode node = F.objectNode();
                fields.forEach((name, value) -> {
                    if (name.endsWith("_usd") && !name.endsWith("nano_usd") || name.endsWith("_at")) {
                        if (value.isEmpty()) {
                            node.putNull(name);
                        } else {
                            node.put(name, value);
                        }
                    } else {
                        node.put(name, Long.parseLong(value));
                    }
                });
                yield json(node) + "\n";
            }
            case CSV -> Csv.line(new ArrayList<>(fields.keySet())) + Csv.line(new ArrayList<>(fields.values()));
        };
    }

    static String renderRows(RowsResult result, Format format) {
        StringBuilder out = new StringBuilder();
        switch (format) {
            case TABLE -> {
                TextTable table = new TextTable("time (UTC)", "request", "user", "session", "model", ">input",
                        ">output", ">cost", "status");
                for (CostRecord r : result.rows()) {
                    table.row(TIME.format(r.timestamp()), Display.value(r.requestId(), 36, "(none)"),
                            Display.value(r.userId(), 24, "-"), Display.value(r.sessionId(), 24, "-"),
                            Display.value(r.modelKey() == null || r.modelKey().isEmpty() ? r.model() : r.modelKey(),
                                    36, "?"),
                            Usd.count(r.usage().inputTokens()), Usd.count(r.usage().outputTokens()),
                            r.costNanoUsd() == null ? "-" : Usd.format(r.costNanoUsd()),
                            Display.value(r.pricingStatus().wire(), 20, ""));
                }
                out.append(result.rows().isEmpty() ? "No matching requests.\n" : table.render(""));
                if (result.truncated()) {
                    out.append("(first ").append(result.rows().size()).append(" rows; more match: raise the limit)\n");
                }
            }
            case JSON -> {
                for (CostRecord r : result.rows()) {
                    out.append(json(CostRecordJson.toTree(r))).append('\n');
                }
            }
            case CSV -> {
                out.append(Csv.line(csvHeader()));
                for (CostRecord r : result.rows()) {
                    out.append(Csv.line(csvRow(r)));
                }
            }
            default -> throw new IllegalStateException();
        }
        return out.toString();
    }

    static List<String> csvHeader() {
        List<String> header = new ArrayList<>(List.of("request_id", "timestamp", "provider", "model", "model_key",
                "user_id", "session_id", "session_name", "session_path", "properties", "status", "streamed",
                "cache_hit"));
        header.addAll(USAGE_COLUMNS);
        header.addAll(List.of("usage_source", "pricing_status", "cost_nano_usd", "cost_usd", "cost_breakdown",
                "cache_savings_nano_usd", "errors"));
        return header;
    }

    /** The cost record's JSON fields as cells: nulls empty; properties, breakdown and errors as JSON text. */
    static List<String> csvRow(CostRecord record) {
        ObjectNode r = CostRecordJson.toTree(record);
        List<String> cells = new ArrayList<>();
        for (String column : csvHeader()) {
            var v = USAGE_COLUMNS.contains(column) ? r.path("usage").path(column) : r.path(column);
            cells.add(v.isNull() || v.isMissingNode() ? "" : v.isContainerNode() ? json(v) : v.asText());
        }
        return cells;
    }

    private static String json(com.fasterxml.jackson.databind.JsonNode node) {
        try {
            return Rows.MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** RFC 4180: a cell with a comma, quote, CR or LF is quoted, quotes doubled; lines end in CRLF. */
    static final class Csv {
        private Csv() {}

        static String line(List<String> cells) {
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < cells.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                String cell = cells.get(i) == null ? "" : cells.get(i);
                if (cell.indexOf(',') >= 0 || cell.indexOf('"') >= 0 || cell.indexOf('\n') >= 0
                        || cell.indexOf('\r') >= 0) {
                    out.append('"').append(cell.replace("\"", "\"\"")).append('"');
                } else {
                    out.append(cell);
                }
            }
            return out.append("\r\n").toString();
        }
    }
}
