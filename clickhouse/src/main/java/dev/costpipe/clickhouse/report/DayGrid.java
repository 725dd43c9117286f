package dev.costpipe.clickhouse.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One kind of sums per day that the report keeps ({@link DaySums}): its table, its dimensions and sums, each as
 * stored and as computed from the latest versions of request_costs' rows ({@code sourceColumns}, with an optional
 * {@code arrayJoin}). Change what a grid computes only with its {@code definition}: stored sums of another
 * definition are not read.
 */
record DayGrid(String table, int definition, Map<String, String> dimensions, Map<String, String> sums,
        String sourceColumns, String arrayJoin) {

    private static final String INPUT_SIDE = "['input', 'cache_read', 'cache_write', 'cache_write_1h', 'audio_input']";
    private static final String OUTPUT_SIDE = "['output', 'reasoning', 'audio_output']";
    /**
     * The breakdown parts computed from token rates. Rows with any other part ({@code provider_reported}, or the
     * single {@code repriced} part that {@code costpipe reprice} writes) do not show per-token rates.
     */
    private static final String RATE_PARTS = "['input', 'cache_read', 'cache_write', 'cache_write_1h', 'audio_input',"
            + " 'output', 'reasoning', 'audio_output', 'web_search', 'images', 'request']";
    /**
     * Priced, non-cache-hit calls with fewer than {@link ReportHints#SHORT_PROMPT_TOKENS} input tokens whose
     * breakdown is made of token-rate parts only: their input-side and output-side costs give effective rates.
     */
    private static final String SHORT_RATES = "pricing_status = 'priced' AND cache_hit = 0"
            + " AND cost_nano_usd IS NOT NULL AND input_tokens < " + ReportHints.SHORT_PROMPT_TOKENS
            + " AND arrayAll(k -> has(" + RATE_PARTS + ", k), cost_breakdown_keys)";

    /** Totals (but distinct users and sessions), days, models, providers, unknown models, short-prompt rates (V010). */
    static final DayGrid REPORT = new DayGrid("report_day_sums", 1,
            ordered("provider", "ifNull(provider, '')",
                    "model", "ifNull(model, '')",
                    "model_key", "ifNull(model_key, '')",
                    "pricing_status", "pricing_status",
                    "usage_source", "usage_source",
                    "cache_hit", "cache_hit",
                    "non_production", "toUInt8(" + ReportSql.NON_PRODUCTION + ")",
                    "short_rates", "toUInt8(" + SHORT_RATES + ")"),
            ordered("requests_n", "count()",
                    "priced_n", "countIf(cost_nano_usd IS NOT NULL)",
                    "cost_sum", ReportSql.COST,
                    "input_tokens_sum", "sum(input_tokens)",
                    "output_tokens_sum", "sum(output_tokens)",
                    "cache_read_tokens_sum", "sum(cache_read_tokens)",
                    "cache_savings_sum", "toInt64(sum(cache_savings_nano_usd))",
                    "input_side_cost_sum", "toInt64(sum(arraySum(arrayFilter((v, k) -> has(" + INPUT_SIDE + ", k),"
                            + " cost_breakdown_values, cost_breakdown_keys))))",
                    "output_side_cost_sum", "toInt64(sum(arraySum(arrayFilter((v, k) -> has(" + OUTPUT_SIDE + ", k),"
                            + " cost_breakdown_values, cost_breakdown_keys))))"),
            "provider, model, model_key, pricing_status, usage_source, cache_hit, property_keys, property_values,"
                    + " cost_nano_usd, input_tokens, output_tokens, cache_read_tokens, cache_savings_nano_usd,"
                    + " cost_breakdown_keys, cost_breakdown_values",
            null);

    /**
     * Per custom property name and value: the requests carrying the pair, and every sum of {@code costpipe query}'s
     * totals over them (V011, V013), so that the report's properties and a query for one property value read them.
     */
    static final DayGrid PROPERTIES = new DayGrid("report_day_property_sums", 2,
            ordered("name", "property_name", "value", "property_value"),
            TotalsSql.OVER_ROWS,
            "property_keys, property_values, " + TotalsSql.COLUMNS,
            "ARRAY JOIN property_keys AS property_name, property_values AS property_value");

    /**
     * Per session ('' for none), session name and user: requests, cost, first and last request's time (V012). The
     * week's distinct users and sessions, top users and top sessions come from it.
     */
    static final DayGrid SESSIONS = new DayGrid("report_day_session_sums", 1,
            ordered("session", "ifNull(session_id, '')", "session_name", "ifNull(session_name, '')",
                    "user", "ifNull(user_id, '')"),
            ordered("requests_n", "count()", "cost_sum", ReportSql.COST,
                    "first_at", "min(timestamp)", "last_at", "max(timestamp)"),
            "session_id, session_name, user_id, cost_nano_usd",
            null);

    /** Every grid, in the order of their migrations. */
    static final List<DayGrid> ALL = List.of(REPORT, PROPERTIES, SESSIONS);

    /** Every column a reader of the sums gets: the day, the dimensions, the sums (the table's order). */
    String columns() {
        return String.join(", ", names());
    }

    /** The names of {@link #columns()}. */
    List<String> names() {
        List<String> names = new ArrayList<>(List.of("day"));
        names.addAll(dimensions.keySet());
        names.addAll(sums.keySet());
        return names;
    }

    /** The temporary table of a report's sums computed from rows. */
    String computedTable() {
        return "costpipe_" + table;
    }

    /**
     * The sums per day and dimensions of {@code rows} in {@code timeRange}, computed: a FROM subquery with
     * {@link #columns()}. (Computed under other names first: an alias equal to a column it reads is refused.)
     */
    String computedFrom(PeriodRows rows, String timeRange) {
        StringBuilder sql = new StringBuilder("(SELECT day");
        dimensions.keySet().forEach(d -> sql.append(", g_").append(d).append(" AS ").append(d));
        sums.keySet().forEach(s -> sql.append(", ").append(s));
        sql.append(" FROM (SELECT toDate(timestamp) AS day");
        dimensions.forEach((d, value) -> sql.append(", ").append(value).append(" AS g_").append(d));
        sums.forEach((s, value) -> sql.append(", ").append(value).append(" AS ").append(s));
        sql.append(" FROM ").append(rows.from(timeRange, sourceColumns));
        if (arrayJoin != null) {
            sql.append(' ').append(arrayJoin);
        }
        sql.append(" WHERE ").append(timeRange).append(" GROUP BY day");
        dimensions.keySet().forEach(d -> sql.append(", g_").append(d));
        return sql.append("))").toString();
    }

    private static Map<String, String> ordered(String... pairs) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return map;
    }
}
