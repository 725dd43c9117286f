package dev.costpipe.clickhouse.report;

import static dev.costpipe.clickhouse.report.ReportSql.MODEL_NAME;
import static dev.costpipe.clickhouse.report.ReportSql.single;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.costpipe.clickhouse.report.WeeklyReport.Day;
import dev.costpipe.clickhouse.report.WeeklyReport.PropertyGroup;
import dev.costpipe.clickhouse.report.WeeklyReport.PropertyValue;
import dev.costpipe.clickhouse.report.WeeklyReport.Spend;
import dev.costpipe.clickhouse.report.WeeklyReport.Totals;
import dev.costpipe.clickhouse.report.WeeklyReport.UnknownModel;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The report's sections on where the money went, each one SELECT or two over the sums per day ({@link DaySums}):
 * the week's totals, the days, spend per custom property, model and provider, the unknown models and the
 * short-prompt rates behind a hint.
 */
final class SpendSections {

    /** Values listed per property name; the rest are summed as "other values". */
    static final int PROPERTY_VALUES = 10;
    /** Property names listed. */
    static final int PROPERTY_NAMES = 20;
    static final int MODELS = 25;
    static final int PROVIDERS = 25;
    static final int UNKNOWN_MODELS = 10;

    private final DaySums sums;
    private final DaySums propertySums;
    private final DaySums sessionSums;

    SpendSections(DaySums sums, DaySums propertySums, DaySums sessionSums) {
        this.sums = sums;
        this.propertySums = propertySums;
        this.sessionSums = sessionSums;
    }

    /** The week's totals, from the sums per day (distinct users and sessions from the sums per session). */
    Totals totals(ClickHouseReader reader, IsoWeek week) {
        ObjectNode distinct = single(reader, "SELECT uniqExactIf(user, user != '') AS users,"
                + " uniqExactIf(session, session != '') AS sessions"
                + " FROM " + sessionSums.from(week)
                + " FORMAT JSONEachRow");
        ObjectNode row = single(reader, "SELECT sum(requests_n) AS requests,"
                + " sum(priced_n) AS priced,"
                + " toInt64(sum(cost_sum)) AS cost,"
                + " sum(input_tokens_sum) AS in_tokens,"
                + " sum(output_tokens_sum) AS out_tokens,"
                + " sum(cache_read_tokens_sum) AS cached_tokens,"
                + " sumIf(requests_n, cache_hit = 1) AS cache_hits,"
                + " toInt64(sumIf(cache_savings_sum, cache_hit = 1)) AS response_cache_savings,"
                + " toInt64(sumIf(cache_savings_sum, cache_hit = 0)) AS prompt_cache_savings,"
                + " sumIf(requests_n, pricing_status = 'unknown_model') AS unknown_model,"
                + " sumIf(requests_n, pricing_status = 'no_usage') AS no_usage,"
                + " sumIf(requests_n, usage_source = 'estimated') AS estimated,"
                + " toInt64(sumIf(cost_sum, usage_source = 'estimated')) AS estimated_cost,"
                + " sumIf(requests_n, non_production = 1) AS non_production_requests,"
                + " toInt64(sumIf(cost_sum, non_production = 1)) AS non_production_cost"
                + " FROM " + sums.from(week)
                + " FORMAT JSONEachRow");
        return new Totals(
                Rows.longValue(row, "requests"),
                Rows.longValue(row, "priced"),
                Rows.longValue(row, "cost"),
                Rows.longValue(row, "in_tokens"),
                Rows.longValue(row, "out_tokens"),
                Rows.longValue(row, "cached_tokens"),
                Rows.longValue(distinct, "users"),
                Rows.longValue(distinct, "sessions"),
                Rows.longValue(row, "cache_hits"),
                Rows.longValue(row, "response_cache_savings"),
                Rows.longValue(row, "prompt_cache_savings"),
                Rows.longValue(row, "unknown_model"),
                Rows.longValue(row, "no_usage"),
                Rows.longValue(row, "estimated"),
                Rows.longValue(row, "estimated_cost"),
                Rows.longValue(row, "non_production_requests"),
                Rows.longValue(row, "non_production_cost"));
    }

    Map<LocalDate, Day> daily(ClickHouseReader reader, LocalDate first, LocalDate end) {
        Map<LocalDate, Day> days = new HashMap<>();
        for (ObjectNode row : reader.select("SELECT day, sum(requests_n) AS requests, toInt64(sum(cost_sum)) AS cost"
                + " FROM " + sums.from(first, end)
                + " GROUP BY day ORDER BY day FORMAT JSONEachRow")) {
            LocalDate day = Rows.date(row, "day");
            days.put(day, new Day(day, Rows.longValue(row, "requests"), Rows.longValue(row, "cost")));
        }
        return days;
    }
    List<PropertyGroup> properties(ClickHouseReader reader, IsoWeek week, LongSupplier totalCost) {
        String from = " FROM " + propertySums.from(week);
        List<ObjectNode> valueRows = reader.select("SELECT name, value, sum(requests_n) AS requests,"
                + " toInt64(sum(cost_sum)) AS cost" + from
                + " GROUP BY name, value"
                + " ORDER BY name, cost DESC, requests DESC, value"
                + " LIMIT " + PROPERTY_VALUES + " BY name"
                + " FORMAT JSONEachRow");
        List<ObjectNode> nameRows = reader.select("SELECT name, sum(requests_n) AS requests, toInt64(sum(cost_sum)) AS cost,"
                + " uniqExact(value) AS distinct_values" + from
                + " GROUP BY name"
                + " ORDER BY cost DESC, requests DESC, name"
                + " LIMIT " + PROPERTY_NAMES
                + " FORMAT JSONEachRow");
        Map<String, List<PropertyValue>> values = new HashMap<>();
        for (ObjectNode row : valueRows) {
            long cost = Rows.longValue(row, "cost");
            values.computeIfAbsent(Rows.string(row, "name"), k -> new ArrayList<>())
                    .add(new PropertyValue(Rows.string(row, "value"), Rows.longValue(row, "requests"), cost,
                            Usd.percent(cost, totalCost.getAsLong())));
        }
        List<PropertyGroup> groups = new ArrayList<>();
        for (ObjectNode row : nameRows) {
            String name = Rows.string(row, "name");
            long requests = Rows.longValue(row, "requests");
            long cost = Rows.longValue(row, "cost");
            List<PropertyValue> listed = values.getOrDefault(name, List.of());
            long listedRequests = listed.stream().mapToLong(PropertyValue::requests).sum();
            long listedCost = listed.stream().mapToLong(PropertyValue::costNanoUsd).sum();
            groups.add(new PropertyGroup(name, requests, cost, Rows.longValue(row, "distinct_values"), listed,
                    requests - listedRequests, cost - listedCost));
        }
        return groups;
    }
    List<Spend> byModel(ClickHouseReader reader, IsoWeek week, LongSupplier totalCost) {
        return spendBy(reader, MODEL_NAME, week, totalCost, MODELS);
    }

    List<Spend> byProvider(ClickHouseReader reader, IsoWeek week, LongSupplier totalCost) {
        return spendBy(reader, "provider", week, totalCost, PROVIDERS);
    }

    private List<Spend> spendBy(ClickHouseReader reader, String dimension, IsoWeek week, LongSupplier totalCost,
            int limit) {
        List<Spend> out = new ArrayList<>();
        for (ObjectNode row : reader.select("SELECT " + dimension + " AS name, sum(requests_n) AS requests,"
                + " toInt64(sum(cost_sum)) AS cost,"
                + " sum(input_tokens_sum) AS in_tokens, sum(output_tokens_sum) AS out_tokens,"
                + " sum(requests_n - priced_n) AS unpriced"
                + " FROM " + sums.from(week)
                + " GROUP BY name"
                + " ORDER BY cost DESC, requests DESC, name"
                + " LIMIT " + limit
                + " FORMAT JSONEachRow")) {
            long cost = Rows.longValue(row, "cost");
            out.add(new Spend(Rows.string(row, "name"), Rows.longValue(row, "requests"), cost,
                    Rows.longValue(row, "in_tokens"), Rows.longValue(row, "out_tokens"),
                    Rows.longValue(row, "unpriced"), Usd.percent(cost, totalCost.getAsLong())));
        }
        return out;
    }

    List<UnknownModel> unknownModels(ClickHouseReader reader, IsoWeek week) {
        List<UnknownModel> out = new ArrayList<>();
        for (ObjectNode row : reader.select("SELECT provider AS p_name, model AS m_name, sum(requests_n) AS requests"
                + " FROM " + sums.from(week)
                + " WHERE pricing_status = 'unknown_model'"
                + " GROUP BY p_name, m_name"
                + " ORDER BY requests DESC, p_name, m_name"
                + " LIMIT " + UNKNOWN_MODELS
                + " FORMAT JSONEachRow")) {
            out.add(new UnknownModel(Rows.string(row, "p_name"), Rows.string(row, "m_name"),
                    Rows.longValue(row, "requests")));
        }
        return out;
    }

    /**
     * Per model, the priced, non-cache-hit calls with fewer than {@link ReportHints#SHORT_PROMPT_TOKENS}
     * input tokens whose breakdown is made of token-rate parts only, with their input-side and output-side
     * costs (from the cost breakdown) so that effective per-token rates can be derived.
     */
    List<ReportHints.ModelRates> shortPromptModels(ClickHouseReader reader, IsoWeek week) {
        List<ReportHints.ModelRates> out = new ArrayList<>();
        for (ObjectNode row : reader.select("SELECT " + MODEL_NAME + " AS name, sum(requests_n) AS calls,"
                + " toInt64(sum(cost_sum)) AS cost,"
                + " sum(input_tokens_sum) AS in_tokens, sum(output_tokens_sum) AS out_tokens,"
                + " toInt64(sum(input_side_cost_sum)) AS input_cost, toInt64(sum(output_side_cost_sum)) AS output_cost"
                + " FROM " + sums.from(week)
                + " WHERE short_rates = 1"
                + " GROUP BY name"
                + " ORDER BY name"
                + " FORMAT JSONEachRow")) {
            out.add(new ReportHints.ModelRates(Rows.string(row, "name"), Rows.longValue(row, "calls"),
                    Rows.longValue(row, "cost"), Rows.longValue(row, "in_tokens"),
                    Rows.longValue(row, "out_tokens"), Rows.longValue(row, "input_cost"),
                    Rows.longValue(row, "output_cost")));
        }
        return out;
    }
}
