package dev.costpipe.clickhouse.report;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The sums behind {@code costpipe query}'s totals ({@link CostQuery.Totals}), written once: as aggregates over
 * request rows, and (under the same names, the columns of {@code report_day_property_sums}) as their merge over
 * stored sums per day ({@link DayGrid#PROPERTIES}), so that totals read from either add up to the same figures.
 */
final class TotalsSql {
    /**
     * Each sum by name: its aggregate over the latest versions of request rows. (Not built with {@link
     * DayGrid}'s helper: {@link DayGrid#PROPERTIES} is built from this map, so each class's initialisation would
     * wait for the other's.)
     */
    static final Map<String, String> OVER_ROWS;

    static {
        Map<String, String> sums = new LinkedHashMap<>();
        sums.put("requests_n", "count()");
        sums.put("priced_n", "countIf(cost_nano_usd IS NOT NULL)");
        sums.put("cost_sum", ReportSql.COST);
        sums.put("input_tokens_sum", "sum(input_tokens)");
        sums.put("output_tokens_sum", "sum(output_tokens)");
        sums.put("cache_read_tokens_sum", "sum(cache_read_tokens)");
        sums.put("cache_write_tokens_sum", "sum(cache_write_tokens) + sum(cache_write_1h_tokens)");
        sums.put("reasoning_tokens_sum", "sum(reasoning_tokens)");
        sums.put("cache_hits_n", "countIf(cache_hit = 1)");
        sums.put("cache_savings_sum", "toInt64(sum(cache_savings_nano_usd))");
        sums.put("unknown_model_n", "countIf(pricing_status = 'unknown_model')");
        sums.put("first_at", "min(timestamp)");
        sums.put("last_at", "max(timestamp)");
        OVER_ROWS = Collections.unmodifiableMap(sums);
    }

    /** The request columns {@link #OVER_ROWS} reads. */
    static final String COLUMNS = "cost_nano_usd, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens,"
            + " cache_write_1h_tokens, reasoning_tokens, cache_hit, cache_savings_nano_usd, pricing_status";

    private TotalsSql() {}

    /** The select list of the totals over request rows. */
    static String overRows() {
        return select(OVER_ROWS);
    }

    /** The select list of the totals over stored sums: the sums added, the first and last times kept. */
    static String overSums() {
        Map<String, String> merged = new LinkedHashMap<>();
        OVER_ROWS.keySet().forEach(name -> merged.put(name, switch (name) {
            case "first_at" -> "min(first_at)";
            case "last_at" -> "max(last_at)";
            case "cost_sum", "cache_savings_sum" -> "toInt64(sum(" + name + "))";
            default -> "sum(" + name + ")";
        }));
        return select(merged);
    }

    /** One row of {@link #overRows()} or {@link #overSums()} as totals. */
    static CostQuery.Totals totals(ObjectNode row) {
        long requests = Rows.longValue(row, "t_requests_n");
        return new CostQuery.Totals(requests, Rows.longValue(row, "t_priced_n"), Rows.longValue(row, "t_cost_sum"),
                Rows.longValue(row, "t_input_tokens_sum"), Rows.longValue(row, "t_output_tokens_sum"),
                Rows.longValue(row, "t_cache_read_tokens_sum"), Rows.longValue(row, "t_cache_write_tokens_sum"),
                Rows.longValue(row, "t_reasoning_tokens_sum"), Rows.longValue(row, "t_cache_hits_n"),
                Rows.longValue(row, "t_cache_savings_sum"), Rows.longValue(row, "t_unknown_model_n"),
                requests == 0 ? null : Rows.epochSeconds(row, "t_first_at"),
                requests == 0 ? null : Rows.epochSeconds(row, "t_last_at"));
    }

    /**
     * Named {@code t_} and the sum's name (18.16 refuses an alias equal to a column it reads); times as epoch
     * seconds (a number in JSON, whatever the server's date-time output).
     */
    private static String select(Map<String, String> sums) {
        return sums.entrySet().stream()
                .map(e -> (e.getKey().endsWith("_at") ? "toUInt32(" + e.getValue() + ")" : e.getValue())
                        + " AS t_" + e.getKey())
                .collect(Collectors.joining(", "));
    }

}
