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
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

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
    /** The rank among every row's cost that bounds the top calls' costs from below (see {@link #topRequests}). */
    static final int TOP_REQUESTS_BOUND = 2 * WeeklyReport.TOP_REQUESTS;

    /** The sum of the costs as Int64 (0 when every row is unpriced; a Nullable sum would be NULL). */
    static final String COST = "toInt64(ifNull(sum(cost_nano_usd), 0))";

    /** The model dimension: the pricing entry's key, else the model as called. */
    static final String MODEL_NAME = "if(ifNull(model_key, '') = '', ifNull(model, ''), ifNull(model_key, ''))";

    /** Environment (or env), any case, = development, dev or staging (any case). */
    static final String NON_PRODUCTION = "arrayExists((k, v) -> lower(k) IN ('environment', 'env')"
            + " AND lower(v) IN ('development', 'dev', 'staging'), property_keys, property_values)";

    /** The reader of the session holding the report's temporary tables, where there are any. */
    private final ClickHouseReader session;
    /** The reader the report was given: the sections that need no temporary table may run on it meanwhile. */
    private final ClickHouseReader shared;
    private final CostTable table;
    private final CostSource source;
    private final PeriodRows rows;
    private final DaySums sums;
    private final DaySums propertySums;
    private final DaySums sessionSums;

    private WeeklyReportQueries(ClickHouseReader session, ClickHouseReader shared, CostTable table, CostSource source,
            PeriodRows rows, DaySums.All sums) {
        this.session = session;
        this.shared = shared;
        this.table = table;
        this.source = source;
        this.rows = rows;
        this.sums = sums.get(DayGrid.REPORT);
        this.propertySums = sums.get(DayGrid.PROPERTIES);
        this.sessionSums = sums.get(DayGrid.SESSIONS);
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
        Map<LocalDate, Long> fingerprints = DaySums.fingerprints(reader, table, source, weeks, DayGrid.ALL);
        try (ReportRows once = ReportRows.create(reader, source, weeks)) {
            if (once == null) {
                return new WeeklyReportQueries(reader, reader, table, source, source, DaySums.computed(DayGrid.ALL, source))
                        .report(week, now);
            }
            ClickHouseReader session = once.session();
            Set<LocalDate> spread = fingerprints == null ? Set.of() : once.daysOfRequestsOnSeveralDays(weeks);
            try (DaySums.All sums = DaySums.of(session, table, source, once, DayGrid.ALL, weeks, fingerprints, spread,
                    now)) {
                return new WeeklyReportQueries(session, reader, table, source, once, sums).report(week, now);
            }
        }
    }

    /**
     * The sections: the repeated-prompt hint and the top calls (they read rows through the session's tables) and
     * the sums the session computed on the session, the others from the stored sums per day side by side with them
     * ({@link ReportSections}). A section that shows shares of the week's cost queries first and waits for the
     * week's totals only to divide.
     */
    private WeeklyReport report(IsoWeek week, Instant now) {
        String range = SqlTime.range(week.start(), week.end());
        boolean totalsNeedSession = sums.needsSession() || sessionSums.needsSession();
        try (ReportSections sections = new ReportSections(shared)) {
            // the longest first
            CompletableFuture<List<SessionSpend>> topSessions = sections.add(sessionSums.needsSession(),
                    r -> topSessions(r, week));
            CompletableFuture<List<SessionNameStats>> sessionNames = sections.add(sessionSums.needsSession(),
                    r -> sessionNames(r, week));
            CompletableFuture<Totals> total = sections.add(totalsNeedSession, r -> totals(r, week));
            CompletableFuture<Totals> previous = sections.add(totalsNeedSession, r -> totals(r, week.previous()));
            LongSupplier totalCost = () -> ReportSections.answer(total).costNanoUsd();
            CompletableFuture<List<UserSpend>> topUsers = sections.add(sessionSums.needsSession(),
                    r -> topUsers(r, week, totalCost));
            CompletableFuture<Map<LocalDate, Day>> days = sections.add(sums.needsSession(),
                    r -> daily(r, week.previous().monday(), week.monday().plusDays(7)));
            CompletableFuture<List<UnknownModel>> unknownModels = sections.add(sums.needsSession(),
                    r -> unknownModels(r, week));
            CompletableFuture<List<ReportHints.ModelRates>> shortPrompts = sections.add(sums.needsSession(),
                    r -> shortPromptModels(r, week));
            CompletableFuture<List<PropertyGroup>> properties = sections.add(propertySums.needsSession(),
                    r -> properties(r, week, totalCost));
            CompletableFuture<List<Spend>> models = sections.add(sums.needsSession(),
                    r -> spendBy(r, MODEL_NAME, week, totalCost, MODELS));
            CompletableFuture<List<Spend>> providers = sections.add(sums.needsSession(),
                    r -> spendBy(r, "provider", week, totalCost, PROVIDERS));
            CompletableFuture<ReportHints.Repeats> repeats = sections.add(true, r -> repeats(r, range));
            CompletableFuture<List<ExpensiveRequest>> topRequests = sections.add(true, r -> topRequests(r, range));
            sections.run(session);

            Totals thisWeek = ReportSections.answer(total);
            Totals previousWeek = ReportSections.answer(previous);
            Map<LocalDate, Day> byDay = ReportSections.answer(days);
            Cache cache = new Cache(thisWeek.requests(), thisWeek.cacheHits(),
                    Usd.percent(thisWeek.cacheHits(), thisWeek.requests()),
                    thisWeek.responseCacheSavingsNanoUsd(), thisWeek.promptCacheSavingsNanoUsd(),
                    thisWeek.cacheReadTokens(), thisWeek.inputTokens(),
                    Usd.percent(thisWeek.cacheReadTokens(), thisWeek.inputTokens()));
            Unpriced unpriced = new Unpriced(thisWeek.unknownModelRequests(), thisWeek.noUsageRequests(),
                    thisWeek.estimatedRequests(), thisWeek.estimatedCostNanoUsd(), ReportSections.answer(unknownModels));
            List<WeeklyReport.Hint> hints = ReportHints.compute(thisWeek, unpriced,
                    ReportSections.answer(shortPrompts), ReportSections.answer(repeats));

            return new WeeklyReport(week, table, now, thisWeek, previousWeek,
                    Change.between(previousWeek.costNanoUsd(), thisWeek.costNanoUsd()),
                    sevenDays(week.monday(), byDay), sevenDays(week.previous().monday(), byDay),
                    ReportSections.answer(properties),
                    ReportSections.answer(models),
                    ReportSections.answer(providers),
                    ReportSections.answer(topUsers),
                    ReportSections.answer(topSessions),
                    ReportSections.answer(sessionNames),
                    cache, unpriced, ReportSections.answer(topRequests), hints);
        }
    }

    /** The week's totals, from the sums per day (distinct users and sessions from the sums per session). */
    private Totals totals(ClickHouseReader reader, IsoWeek week) {
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

    private Map<LocalDate, Day> daily(ClickHouseReader reader, LocalDate first, LocalDate end) {
        Map<LocalDate, Day> days = new HashMap<>();
        for (ObjectNode row : reader.select("SELECT day, sum(requests_n) AS requests, toInt64(sum(cost_sum)) AS cost"
                + " FROM " + sums.from(first, end)
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

    private List<PropertyGroup> properties(ClickHouseReader reader, IsoWeek week, LongSupplier totalCost) {
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

    private List<UserSpend> topUsers(ClickHouseReader reader, IsoWeek week, LongSupplier totalCost) {
        List<UserSpend> out = new ArrayList<>();
        for (ObjectNode row : reader.select("SELECT user AS user_name, sum(requests_n) AS requests,"
                + " uniqExactIf(session, session != '') AS sessions, toInt64(sum(cost_sum)) AS cost"
                + " FROM " + sessionSums.from(week)
                + " WHERE user != ''"
                + " GROUP BY user_name"
                + " ORDER BY cost DESC, requests DESC, user_name"
                + " LIMIT " + WeeklyReport.TOP_USERS
                + " FORMAT JSONEachRow")) {
            long cost = Rows.longValue(row, "cost");
            out.add(new UserSpend(Rows.string(row, "user_name"), Rows.longValue(row, "requests"),
                    Rows.longValue(row, "sessions"), cost, Usd.percent(cost, totalCost.getAsLong())));
        }
        return out;
    }

    private List<SessionSpend> topSessions(ClickHouseReader reader, IsoWeek week) {
        List<SessionSpend> out = new ArrayList<>();
        for (ObjectNode row : reader.select("SELECT session AS session_key,"
                + " max(session_name) AS s_name,"
                + " max(user) AS user_name,"
                + " sum(requests_n) AS requests, toInt64(sum(cost_sum)) AS cost,"
                + " toUInt32(min(first_at)) AS first_ts, toUInt32(max(last_at)) AS last_ts"
                + " FROM " + sessionSums.from(week)
                + " WHERE session != ''"
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
    private List<SessionNameStats> sessionNames(ClickHouseReader reader, IsoWeek week) {
        List<SessionNameStats> out = new ArrayList<>();
        for (ObjectNode row : reader.select("SELECT name, count() AS sessions, sum(calls) AS total_calls,"
                + " toInt64(sum(session_cost)) AS cost,"
                + " arraySort(groupArray(session_cost))[intDiv(95 * count() + 99, 100)] AS p95,"
                + " max(session_cost) AS max_cost"
                + " FROM (SELECT session_name AS name, session AS session_key,"
                + " sum(requests_n) AS calls, toInt64(sum(cost_sum)) AS session_cost"
                + " FROM " + sessionSums.from(week)
                + " WHERE session != ''"
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

    private List<UnknownModel> unknownModels(ClickHouseReader reader, IsoWeek week) {
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
     * The {@link WeeklyReport#TOP_REQUESTS} most expensive calls, looked for first among the latest versions that
     * cost at least the {@link #TOP_REQUESTS_BOUND}-th largest cost of any row of the week (every version counted,
     * re-delivered ones too: twice the ten leaves room for them): one column read, then the others only from the
     * granules holding those calls. When ten or more latest versions cost that much, no other call can be among the
     * ten; otherwise (a small week, or costs revised downwards) the whole week is sorted.
     */
    private List<ExpensiveRequest> topRequests(ClickHouseReader reader, String range) {
        ObjectNode bound = single(reader, "SELECT count() AS n, min(c) AS least FROM (SELECT"
                + " assumeNotNull(cost_nano_usd) AS c FROM (" + source.rows("cost_nano_usd",
                        range + " AND cost_nano_usd IS NOT NULL") + ")"
                + " ORDER BY c DESC LIMIT " + TOP_REQUESTS_BOUND + ") FORMAT JSONEachRow");
        if (Rows.longValue(bound, "n") == TOP_REQUESTS_BOUND) {
            List<ExpensiveRequest> top = topRequests(reader, range,
                    "cost_nano_usd >= " + Rows.longValue(bound, "least"));
            if (top.size() == WeeklyReport.TOP_REQUESTS) {
                return top;
            }
        }
        return topRequests(reader, range, null);
    }

    /** The most expensive calls among the latest versions meeting {@code narrowing} (or null for all). */
    private List<ExpensiveRequest> topRequests(ClickHouseReader reader, String range, String narrowing) {
        List<ExpensiveRequest> out = new ArrayList<>();
        for (ObjectNode row : reader.select("SELECT request_id, toUInt32(timestamp) AS ts,"
                + " ifNull(provider, '') AS p_name, " + MODEL_NAME + " AS model_name,"
                + " ifNull(user_id, '') AS user_name, ifNull(session_id, '') AS session_key,"
                + " ifNull(session_name, '') AS s_name,"
                + " input_tokens AS in_tokens, output_tokens AS out_tokens, assumeNotNull(cost_nano_usd) AS cost"
                + " FROM " + rows.from(range,
                        "provider, model_key, model, user_id, session_id, session_name, input_tokens,"
                        + " output_tokens, cost_nano_usd", narrowing)
                + " WHERE " + range + " AND cost_nano_usd IS NOT NULL" + (narrowing == null ? "" : " AND " + narrowing)
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
    private List<ReportHints.ModelRates> shortPromptModels(ClickHouseReader reader, IsoWeek week) {
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
    private ReportHints.Repeats repeats(ClickHouseReader reader, String range) {
        String group = "cityHash64(ifNull(user_id, ''), " + MODEL_NAME + ", input_tokens)";
        String calls = " FROM " + rows.from(range,
                        "user_id, model_key, model, input_tokens, cost_nano_usd, cache_hit")
                + " WHERE " + range + " AND cache_hit = 0 AND cost_nano_usd IS NOT NULL"
                + " AND ifNull(user_id, '') != '' AND input_tokens >= " + ReportHints.REPEAT_MIN_INPUT_TOKENS;
        ObjectNode row = single(reader, "SELECT count() AS group_count, toUInt64(sum(n - 1)) AS repeats,"
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

    private static ObjectNode single(ClickHouseReader reader, String sql) {
        List<ObjectNode> rows = reader.select(sql);
        if (rows.size() != 1) {
            throw new ReportException("expected one row, got " + rows.size() + " from: " + sql);
        }
        return rows.get(0);
    }
}
