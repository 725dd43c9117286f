package dev.costpipe.clickhouse.report;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.costpipe.clickhouse.report.WeeklyReport.Cache;
import dev.costpipe.clickhouse.report.WeeklyReport.Change;
import dev.costpipe.clickhouse.report.WeeklyReport.Day;
import dev.costpipe.clickhouse.report.WeeklyReport.ExpensiveRequest;
import dev.costpipe.clickhouse.report.WeeklyReport.PropertyGroup;
import dev.costpipe.clickhouse.report.WeeklyReport.PropertyValue;
import dev.costpipe.clickhouse.report.WeeklyReport.SessionNameStats;
import dev.costpipe.clickhouse.report.WeeklyReport.SessionSpend;
import dev.costpipe.clickhouse.report.WeeklyReport.Spend;
import dev.costpipe.clickhouse.report.WeeklyReport.Totals;
import dev.costpipe.clickhouse.report.WeeklyReport.UnknownModel;
import dev.costpipe.clickhouse.report.WeeklyReport.Unpriced;
import dev.costpipe.clickhouse.report.WeeklyReport.UserSpend;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The SQL behind {@link WeeklyReport}: one SELECT per section, each over the latest version of each request
 * ({@link PeriodRows}: the period's rows plus the repeated requests deduplicated once, else a subquery that
 * deduplicates, of only the columns it reads), and
 * the week's time range (a condition on {@code timestamp}, the time-led sort key's first column:
 * only the week's rows are read), written for ClickHouse 18.16 and current servers (no query parameters, no Map
 * type, no Float64 for money: costs are summed as Int64 nano-USD and divided in Java with {@code BigDecimal}).
 * String columns are read through {@code ifNull(col, '')} so the SQL works whether the sink declares them
 * {@code String} or {@code Nullable(String)}.
 */
final class WeeklyReportQueries {

    /** Values listed per property name; the rest are summed as "other values". */
    static final int PROPERTY_VALUES = 10;
    /** Property names listed. */
    static final int PROPERTY_NAMES = 20;
    static final int MODELS = 25;
    static final int PROVIDERS = 25;
    static final int SESSION_NAMES = 20;
    static final int UNKNOWN_MODELS = 10;

    /** The sum of the costs as Int64 (0 when every row is unpriced; a Nullable sum would be NULL). */
    static final String COST = "toInt64(ifNull(sum(cost_nano_usd), 0))";

    /** The model dimension: the pricing entry's key, else the model as called. */
    static final String MODEL_NAME = "if(ifNull(model_key, '') = '', ifNull(model, ''), ifNull(model_key, ''))";

    /** Environment (or env), any case, = development, dev or staging (any case). */
    static final String NON_PRODUCTION = "arrayExists((k, v) -> lower(k) IN ('environment', 'env')"
            + " AND lower(v) IN ('development', 'dev', 'staging'), property_keys, property_values)";

    private static final String INPUT_SIDE =
            "['input', 'cache_read', 'cache_write', 'cache_write_1h', 'audio_input']";
    private static final String OUTPUT_SIDE = "['output', 'reasoning', 'audio_output']";
    /**
     * The breakdown parts computed from token rates. Rows with any other part ({@code provider_reported},
     * or the single {@code repriced} part that {@code costpipe reprice} writes) do not show per-token rates.
     */
    private static final String RATE_PARTS = "['input', 'cache_read', 'cache_write', 'cache_write_1h', 'audio_input',"
            + " 'output', 'reasoning', 'audio_output', 'web_search', 'images', 'request']";

    private final ClickHouseReader reader;
    private final CostTable table;
    private final PeriodRows rows;

    private WeeklyReportQueries(ClickHouseReader reader, CostTable table, PeriodRows rows) {
        this.reader = reader;
        this.table = table;
        this.rows = rows;
    }

    /**
     * The report of {@code week}: the requests of its two weeks (the week and the one before, for the change)
     * seen more than once deduplicated once into temporary tables that every section reads with the others
     * ({@link ReportRows}), or, where the reader has no session
     * or the server refuses temporary tables, deduplicated by each section itself (same answers, slower).
     */
    static WeeklyReport report(ClickHouseReader reader, CostTable table, IsoWeek week, Instant now) {
        CostSource source = CostSource.of(reader, table);
        String weeks = SqlTime.range(week.previous().start(), week.end());
        try (ReportRows once = ReportRows.create(reader, source, weeks)) {
            if (once == null) {
                return new WeeklyReportQueries(reader, table, source).report(week, now);
            }
            return new WeeklyReportQueries(once.session(), table, once).report(week, now);
        }
    }

    private WeeklyReport report(IsoWeek week, Instant now) {
        String range = SqlTime.range(week.start(), week.end());
        Totals total = totals(range);
        Totals previous = totals(SqlTime.range(week.previous().start(), week.previous().end()));
        Map<LocalDate, Day> days = daily(SqlTime.range(week.previous().start(), week.end()));
        List<Day> daily = sevenDays(week.monday(), days);
        List<Day> previousDaily = sevenDays(week.previous().monday(), days);

        Cache cache = new Cache(total.requests(), total.cacheHits(), Usd.percent(total.cacheHits(), total.requests()),
                total.responseCacheSavingsNanoUsd(), total.promptCacheSavingsNanoUsd(),
                total.cacheReadTokens(), total.inputTokens(),
                Usd.percent(total.cacheReadTokens(), total.inputTokens()));
        Unpriced unpriced = new Unpriced(total.unknownModelRequests(), total.noUsageRequests(),
                total.estimatedRequests(), total.estimatedCostNanoUsd(), unknownModels(range));

        List<ReportHints.ModelRates> shortPrompts = shortPromptModels(range);
        ReportHints.Repeats repeats = repeats(range);
        List<WeeklyReport.Hint> hints = ReportHints.compute(total, unpriced, shortPrompts, repeats);

        return new WeeklyReport(week, table, now, total, previous,
                Change.between(previous.costNanoUsd(), total.costNanoUsd()),
                daily, previousDaily,
                properties(range, total.costNanoUsd()),
                spendBy(MODEL_NAME, range, total.costNanoUsd(), MODELS),
                spendBy("ifNull(provider, '')", range, total.costNanoUsd(), PROVIDERS),
                topUsers(range, total.costNanoUsd()),
                topSessions(range),
                sessionNames(range),
                cache, unpriced, topRequests(range), hints);
    }

    private Totals totals(String range) {
        ObjectNode row = single("SELECT count() AS requests,"
                + " countIf(cost_nano_usd IS NOT NULL) AS priced,"
                + " " + COST + " AS cost,"
                + " sum(input_tokens) AS in_tokens,"
                + " sum(output_tokens) AS out_tokens,"
                + " sum(cache_read_tokens) AS cached_tokens,"
                + " uniqExactIf(ifNull(user_id, ''), ifNull(user_id, '') != '') AS users,"
                + " uniqExactIf(ifNull(session_id, ''), ifNull(session_id, '') != '') AS sessions,"
                + " countIf(cache_hit = 1) AS cache_hits,"
                + " toInt64(sumIf(cache_savings_nano_usd, cache_hit = 1)) AS response_cache_savings,"
                + " toInt64(sumIf(cache_savings_nano_usd, cache_hit = 0)) AS prompt_cache_savings,"
                + " countIf(pricing_status = 'unknown_model') AS unknown_model,"
                + " countIf(pricing_status = 'no_usage') AS no_usage,"
                + " countIf(usage_source = 'estimated') AS estimated,"
                + " toInt64(ifNull(sumIf(cost_nano_usd, usage_source = 'estimated'), 0)) AS estimated_cost,"
                + " countIf(" + NON_PRODUCTION + ") AS non_production,"
                + " toInt64(ifNull(sumIf(cost_nano_usd, " + NON_PRODUCTION + "), 0)) AS non_production_cost"
                + " FROM " + rows.from(range,
                        "cost_nano_usd, input_tokens, output_tokens, cache_read_tokens, user_id, session_id,"
                        + " cache_hit, cache_savings_nano_usd, pricing_status, usage_source, property_keys,"
                        + " property_values")
                + " WHERE " + range
                + " FORMAT JSONEachRow");
        return new Totals(
                Rows.longValue(row, "requests"),
                Rows.longValue(row, "priced"),
                Rows.longValue(row, "cost"),
                Rows.longValue(row, "in_tokens"),
                Rows.longValue(row, "out_tokens"),
                Rows.longValue(row, "cached_tokens"),
                Rows.longValue(row, "users"),
                Rows.longValue(row, "sessions"),
                Rows.longValue(row, "cache_hits"),
                Rows.longValue(row, "response_cache_savings"),
                Rows.longValue(row, "prompt_cache_savings"),
                Rows.longValue(row, "unknown_model"),
                Rows.longValue(row, "no_usage"),
                Rows.longValue(row, "estimated"),
                Rows.longValue(row, "estimated_cost"),
                Rows.longValue(row, "non_production"),
                Rows.longValue(row, "non_production_cost"));
    }

    private Map<LocalDate, Day> daily(String range) {
        Map<LocalDate, Day> days = new HashMap<>();
        for (ObjectNode row : reader.select("SELECT toDate(timestamp) AS day, count() AS requests, " + COST + " AS cost"
                + " FROM " + rows.from(range,
                        "cost_nano_usd")
                + " WHERE " + range
                + " GROUP BY day ORDER BY day FORMAT JSONEachRow")) {
            LocalDate day = Rows.date(row, "day");
            days.put(day, new Day(day, Rows.longValue(row, "requests"), Rows.longValue(row, "cost")));
        }
        return days;
    }

    private static List<Day> sevenDays(LocalDate monday, Map<LocalDate, Day> days) {
        List<Day> out = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            LocalDate date = monday.plusDays(i);
            out.add(days.getOrDefault(date, new Day(date, 0, 0)));
        }
        return out;
    }

    private List<PropertyGroup> properties(String range, long totalCost) {
        String from = " FROM " + rows.from(range,
                        "property_keys, property_values, cost_nano_usd")
                + " ARRAY JOIN property_keys AS name, property_values AS value"
                + " WHERE " + range;
        Map<String, List<PropertyValue>> values = new HashMap<>();
        for (ObjectNode row : reader.select("SELECT name, value, count() AS requests, " + COST + " AS cost" + from
                + " GROUP BY name, value"
                + " ORDER BY name, cost DESC, requests DESC, value"
                + " LIMIT " + PROPERTY_VALUES + " BY name"
                + " FORMAT JSONEachRow")) {
            long cost = Rows.longValue(row, "cost");
            values.computeIfAbsent(Rows.string(row, "name"), k -> new ArrayList<>())
                    .add(new PropertyValue(Rows.string(row, "value"), Rows.longValue(row, "requests"), cost,
                            Usd.percent(cost, totalCost)));
        }
        List<PropertyGroup> groups = new ArrayList<>();
        for (ObjectNode row : reader.select("SELECT name, count() AS requests, " + COST + " AS cost,"
                + " uniqExact(value) AS distinct_values" + from
                + " GROUP BY name"
                + " ORDER BY cost DESC, requests DESC, name"
                + " LIMIT " + PROPERTY_NAMES
                + " FORMAT JSONEachRow")) {
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

    private List<Spend> spendBy(String dimension, String range, long totalCost, int limit) {
        List<Spend> out = new ArrayList<>();
        for (ObjectNode row : reader.select("SELECT " + dimension + " AS name, count() AS requests, " + COST + " AS cost,"
                + " sum(input_tokens) AS in_tokens, sum(output_tokens) AS out_tokens,"
                + " countIf(cost_nano_usd IS NULL) AS unpriced"
                + " FROM " + rows.from(range,
                        "model_key, model, provider, cost_nano_usd, input_tokens, output_tokens")
                + " WHERE " + range
                + " GROUP BY name"
                + " ORDER BY cost DESC, requests DESC, name"
                + " LIMIT " + limit
                + " FORMAT JSONEachRow")) {
            long cost = Rows.longValue(row, "cost");
            out.add(new Spend(Rows.string(row, "name"), Rows.longValue(row, "requests"), cost,
                    Rows.longValue(row, "in_tokens"), Rows.longValue(row, "out_tokens"),
                    Rows.longValue(row, "unpriced"), Usd.percent(cost, totalCost)));
        }
        return out;
    }

    private List<UserSpend> topUsers(String range, long totalCost) {
        List<UserSpend> out = new ArrayList<>();
        for (ObjectNode row : reader.select("SELECT ifNull(user_id, '') AS user_name, count() AS requests,"
                + " uniqExactIf(ifNull(session_id, ''), ifNull(session_id, '') != '') AS sessions,"
                + " " + COST + " AS cost"
                + " FROM " + rows.from(range,
                        "user_id, session_id, cost_nano_usd")
                + " WHERE " + range + " AND ifNull(user_id, '') != ''"
                + " GROUP BY user_name"
                + " ORDER BY cost DESC, requests DESC, user_name"
                + " LIMIT " + WeeklyReport.TOP_USERS
                + " FORMAT JSONEachRow")) {
            long cost = Rows.longValue(row, "cost");
            out.add(new UserSpend(Rows.string(row, "user_name"), Rows.longValue(row, "requests"),
                    Rows.longValue(row, "sessions"), cost, Usd.percent(cost, totalCost)));
        }
        return out;
    }

    private List<SessionSpend> topSessions(String range) {
        List<SessionSpend> out = new ArrayList<>();
        for (ObjectNode row : reader.select("SELECT ifNull(session_id, '') AS session_key,"
                + " max(ifNull(session_name, '')) AS s_name,"
                + " max(ifNull(user_id, '')) AS user_name,"
                + " count() AS requests, " + COST + " AS cost,"
                + " toUInt32(min(timestamp)) AS first_ts, toUInt32(max(timestamp)) AS last_ts"
                + " FROM " + rows.from(range,
                        "session_id, session_name, user_id, cost_nano_usd")
                + " WHERE " + range + " AND ifNull(session_id, '') != ''"
                + " GROUP BY session_key"
                + " ORDER BY cost DESC, requests DESC, session_key"
                + " LIMIT " + WeeklyReport.TOP_SESSIONS
                + " FORMAT JSONEachRow")) {
            out.add(new SessionSpend(Rows.string(row, "session_key"), Rows.string(row, "s_name"),
                    Rows.string(row, "user_name"), Rows.longValue(row, "requests"), Rows.longValue(row, "cost"),
                    Rows.epochSeconds(row, "first_ts"), Rows.epochSeconds(row, "last_ts")));
        }
        return out;
    }

    /**
     * Per session name: sessions, calls, cost, and the p95 of the sessions' costs by nearest rank, the
     * ⌈0.95·n⌉-th smallest, indexed with integer arithmetic ({@code quantile} would answer a Float64).
     */
    private List<SessionNameStats> sessionNames(String range) {
        List<SessionNameStats> out = new ArrayList<>();
        for (ObjectNode row : reader.select("SELECT name, count() AS sessions, sum(calls) AS total_calls,"
                + " toInt64(sum(session_cost)) AS cost,"
                + " arraySort(groupArray(session_cost))[intDiv(95 * count() + 99, 100)] AS p95,"
                + " max(session_cost) AS max_cost"
                + " FROM (SELECT ifNull(session_name, '') AS name, ifNull(session_id, '') AS session_key,"
                + " count() AS calls, " + COST + " AS session_cost"
                + " FROM " + rows.from(range,
                        "session_name, session_id, cost_nano_usd")
                + " WHERE " + range + " AND ifNull(session_id, '') != ''"
                + " GROUP BY name, session_key)"
                + " GROUP BY name"
                + " ORDER BY cost DESC, sessions DESC, name"
                + " LIMIT " + SESSION_NAMES
                + " FORMAT JSONEachRow")) {
            long sessions = Rows.longValue(row, "sessions");
            long calls = Rows.longValue(row, "total_calls");
            long cost = Rows.longValue(row, "cost");
            out.add(new SessionNameStats(Rows.string(row, "name"), sessions, calls, cost,
                    Usd.divide(cost, sessions), Rows.longValue(row, "p95"), Rows.longValue(row, "max_cost"),
                    BigDecimal.valueOf(calls).divide(BigDecimal.valueOf(sessions), 1, RoundingMode.HALF_EVEN)));
        }
        return out;
    }

    private List<UnknownModel> unknownModels(String range) {
        List<UnknownModel> out = new ArrayList<>();
        for (ObjectNode row : reader.select("SELECT ifNull(provider, '') AS p_name, ifNull(model, '') AS m_name,"
                + " count() AS requests"
                + " FROM " + rows.from(range,
                        "provider, model, pricing_status")
                + " WHERE " + range + " AND pricing_status = 'unknown_model'"
                + " GROUP BY p_name, m_name"
                + " ORDER BY requests DESC, p_name, m_name"
                + " LIMIT " + UNKNOWN_MODELS
                + " FORMAT JSONEachRow")) {
            out.add(new UnknownModel(Rows.string(row, "p_name"), Rows.string(row, "m_name"),
                    Rows.longValue(row, "requests")));
        }
        return out;
    }

    private List<ExpensiveRequest> topRequests(String range) {
        List<ExpensiveRequest> out = new ArrayList<>();
        for (ObjectNode row : reader.select("SELECT request_id, toUInt32(timestamp) AS ts,"
                + " ifNull(provider, '') AS p_name, " + MODEL_NAME + " AS model_name,"
                + " ifNull(user_id, '') AS user_name, ifNull(session_id, '') AS session_key,"
                + " ifNull(session_name, '') AS s_name,"
                + " input_tokens AS in_tokens, output_tokens AS out_tokens, assumeNotNull(cost_nano_usd) AS cost"
                + " FROM " + rows.from(range,
                        "provider, model_key, model, user_id, session_id, session_name, input_tokens,"
                        + " output_tokens, cost_nano_usd")
                + " WHERE " + range + " AND cost_nano_usd IS NOT NULL"
                + " ORDER BY cost DESC, request_id"
                + " LIMIT " + WeeklyReport.TOP_REQUESTS
                + " FORMAT JSONEachRow")) {
            out.add(new ExpensiveRequest(Rows.string(row, "request_id"), Rows.epochSeconds(row, "ts"),
                    Rows.string(row, "p_name"), Rows.string(row, "model_name"), Rows.string(row, "user_name"),
                    Rows.string(row, "session_key"), Rows.string(row, "s_name"),
                    Rows.longValue(row, "in_tokens"), Rows.longValue(row, "out_tokens"),
                    Rows.longValue(row, "cost")));
        }
        return out;
    }

    /**
     * Per model, the priced, non-cache-hit calls with fewer than {@link ReportHints#SHORT_PROMPT_TOKENS}
     * input tokens whose breakdown is made of token-rate parts only, with their input-side and output-side
     * costs (from the cost breakdown) so that effective per-token rates can be derived.
     */
    private List<ReportHints.ModelRates> shortPromptModels(String range) {
        List<ReportHints.ModelRates> out = new ArrayList<>();
        for (ObjectNode row : reader.select("SELECT " + MODEL_NAME + " AS name, count() AS calls, " + COST + " AS cost,"
                + " sum(input_tokens) AS in_tokens, sum(output_tokens) AS out_tokens,"
                + " toInt64(sum(arraySum(arrayFilter((v, k) -> has(" + INPUT_SIDE + ", k),"
                + " cost_breakdown_values, cost_breakdown_keys)))) AS input_cost,"
                + " toInt64(sum(arraySum(arrayFilter((v, k) -> has(" + OUTPUT_SIDE + ", k),"
                + " cost_breakdown_values, cost_breakdown_keys)))) AS output_cost"
                + " FROM " + rows.from(range,
                        "model_key, model, input_tokens, output_tokens, cost_nano_usd, cost_breakdown_keys,"
                        + " cost_breakdown_values, pricing_status, cache_hit")
                + " WHERE " + range + " AND pricing_status = 'priced' AND cache_hit = 0"
                + " AND cost_nano_usd IS NOT NULL AND input_tokens < " + ReportHints.SHORT_PROMPT_TOKENS
                + " AND arrayAll(k -> has(" + RATE_PARTS + ", k), cost_breakdown_keys)"
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

    /**
     * Likely identical prompts: priced, non-cache-hit calls of one user with the same model and the same
     * input-token count (at least {@link ReportHints#REPEAT_MIN_INPUT_TOKENS}). A response cache would have
     * paid for the first call of each group (by time, then request id) and served the others. The first is found
     * by a string, the time's fixed-width text then the id: the same order as {@code tuple(timestamp, request_id)},
     * which 18.16 compares through its slow generic path. Most of a week's groups hold one call (~1.5M groups
     * of ~1.6M calls on the bench's data), so the groups are first counted by a hash of their key (a UInt64) and
     * only the calls of a hash seen twice are grouped for real: a hash two groups share only lets both through,
     * where {@code HAVING n >= 2} still decides.
     */
    private ReportHints.Repeats repeats(String range) {
        String group = "cityHash64(ifNull(user_id, ''), " + MODEL_NAME + ", input_tokens)";
        String calls = " FROM " + rows.from(range,
                        "user_id, model_key, model, input_tokens, cost_nano_usd, cache_hit")
                + " WHERE " + range + " AND cache_hit = 0 AND cost_nano_usd IS NOT NULL"
                + " AND ifNull(user_id, '') != '' AND input_tokens >= " + ReportHints.REPEAT_MIN_INPUT_TOKENS;
        ObjectNode row = single("SELECT count() AS group_count, toUInt64(sum(n - 1)) AS repeats,"
                + " toInt64(sum(saving)) AS total_saving"
                + " FROM (SELECT ifNull(user_id, '') AS user_name, " + MODEL_NAME + " AS name, input_tokens AS tokens,"
                + " count() AS n,"
                + " toInt64(sum(assumeNotNull(cost_nano_usd))"
                + " - argMin(assumeNotNull(cost_nano_usd), concat(toString(timestamp), request_id))) AS saving"
                + calls + " AND " + group + " IN (SELECT h FROM (SELECT " + group + " AS h" + calls + ")"
                + " GROUP BY h HAVING count() > 1)"
                + " GROUP BY user_name, name, tokens"
                + " HAVING n >= 2)"
                + " FORMAT JSONEachRow");
        return new ReportHints.Repeats(Rows.longValue(row, "group_count"), Rows.longValue(row, "repeats"),
                Rows.longValue(row, "total_saving"));
    }

    private ObjectNode single(String sql) {
        List<ObjectNode> rows = reader.select(sql);
        if (rows.size() != 1) {
            throw new ReportException("expected one row, got " + rows.size() + " from: " + sql);
        }
        return rows.get(0);
    }
}
