package dev.costpipe.clickhouse.report;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Objects;

/**
 * The weekly cost report of one ISO week (UTC), computed from the latest version of each request in
 * {@code request_costs} (so re-delivered rows and earlier revisions count once). Every amount is in nano-USD ({@code long}, exact); {@link Usd} turns them into USD.
 * Unpriced requests ({@code cost_nano_usd} NULL: unknown models, no usage) count as requests but add nothing
 * to any cost: the {@link Unpriced} section and the hints say how many there were.
 *
 * <p>Entry points: {@link #generate(ClickHouseReader, Options, Clock)} computes it,
 * {@link #render(ReportFormat)} writes it as text, Markdown, JSON or HTML.
 *
 * @param week the reported week
 * @param source where the rows were read
 * @param generatedAt when the report was computed
 * @param total this week's totals
 * @param previousTotal the previous week's totals (for the week-over-week change)
 * @param change this week against the previous one
 * @param daily the 7 days of this week, Monday first (days without traffic included, at 0)
 * @param previousDaily the 7 days of the previous week, Monday first
 * @param byProperty spend per custom property name and value (the top values per name)
 * @param byModel spend per model (the pricing entry's key, else the model as called)
 * @param byProvider spend per provider
 * @param topUsers the 5 users who cost the most
 * @param topSessions the 5 sessions that cost the most
 * @param sessionNames cost per session name: sessions, calls, average and p95 cost per session
 * @param cache response-cache hits and the savings of response and prompt caching
 * @param unpriced requests without a cost and requests priced from estimated usage
 * @param topRequests the 10 most expensive requests
 * @param hints optimisation hints, each present only when this week's data supports it
 */
public record WeeklyReport(
        IsoWeek week,
        CostTable source,
        Instant generatedAt,
        Totals total,
        Totals previousTotal,
        Change change,
        List<Day> daily,
        List<Day> previousDaily,
        List<PropertyGroup> byProperty,
        List<Spend> byModel,
        List<Spend> byProvider,
        List<UserSpend> topUsers,
        List<SessionSpend> topSessions,
        List<SessionNameStats> sessionNames,
        Cache cache,
        Unpriced unpriced,
        List<ExpensiveRequest> topRequests,
        List<Hint> hints) {

    /** How many users, sessions, requests the "top" sections list. */
    public static final int TOP_USERS = 5;
    public static final int TOP_SESSIONS = 5;
    public static final int TOP_REQUESTS = 10;

    public WeeklyReport {
        Objects.requireNonNull(week, "week");
        daily = List.copyOf(daily);
        previousDaily = List.copyOf(previousDaily);
        byProperty = List.copyOf(byProperty);
        byModel = List.copyOf(byModel);
        byProvider = List.copyOf(byProvider);
        topUsers = List.copyOf(topUsers);
        topSessions = List.copyOf(topSessions);
        sessionNames = List.copyOf(sessionNames);
        topRequests = List.copyOf(topRequests);
        hints = List.copyOf(hints);
    }

    /**
     * What {@code costpipe report weekly} needs.
     *
     * @param table where the cost records are
     * @param week the week to report; null for the last complete week (UTC)
     * @param format how to render it
     */
    public record Options(CostTable table, IsoWeek week, ReportFormat format) {
        public Options {
            Objects.requireNonNull(table, "table");
            format = format == null ? ReportFormat.TEXT : format;
        }
    }

    /** Computes the report of {@code options.week()} (or the last complete week by {@code clock}). */
    public static WeeklyReport generate(ClickHouseReader reader, Options options, Clock clock) {
        IsoWeek week = options.week() != null ? options.week() : IsoWeek.lastComplete(clock);
        return WeeklyReportQueries.report(reader, options.table(), week, clock.instant());
    }

    /** {@link #generate} then {@link #render}: the whole {@code costpipe report weekly} command. */
    public static String run(ClickHouseReader reader, Options options, Clock clock) {
        return generate(reader, options, clock).render(options.format());
    }

    /** The report as text, Markdown, JSON or a standalone HTML page. */
    public String render(ReportFormat format) {
        return switch (format) {
            case TEXT -> TextReport.render(this);
            case MARKDOWN -> MarkdownReport.render(this);
            case JSON -> JsonReport.render(this);
            case HTML -> HtmlReport.render(this);
        };
    }

    /**
     * Totals over a time range.
     *
     * @param requests all requests (priced or not)
     * @param pricedRequests requests with a cost
     * @param costNanoUsd the sum of the costs
     * @param users distinct non-empty user ids
     * @param sessions distinct non-empty session ids
     * @param cacheHits requests served from a response cache
     * @param responseCacheSavingsNanoUsd what the cache hits would have cost
     * @param promptCacheSavingsNanoUsd what prompt-cache reads saved against the input rate
     * @param unknownModelRequests {@code pricing_status = 'unknown_model'}
     * @param noUsageRequests {@code pricing_status = 'no_usage'}
     * @param estimatedRequests {@code usage_source = 'estimated'}
     * @param estimatedCostNanoUsd the cost of the estimated requests
     * @param nonProductionRequests requests with Environment (or env) = development, dev or staging
     * @param nonProductionCostNanoUsd their cost
     */
    public record Totals(
            long requests,
            long pricedRequests,
            long costNanoUsd,
            long inputTokens,
            long outputTokens,
            long cacheReadTokens,
            long users,
            long sessions,
            long cacheHits,
            long responseCacheSavingsNanoUsd,
            long promptCacheSavingsNanoUsd,
            long unknownModelRequests,
            long noUsageRequests,
            long estimatedRequests,
            long estimatedCostNanoUsd,
            long nonProductionRequests,
            long nonProductionCostNanoUsd) {
    }

    /**
     * This week against the previous one.
     *
     * @param absoluteNanoUsd this week's spend minus the previous week's
     * @param percent the change in percent of the previous week's spend (one decimal, half-even); null when
     *     the previous week cost nothing
     */
    public record Change(long absoluteNanoUsd, BigDecimal percent) {
        static Change between(long previous, long current) {
            return new Change(current - previous, Usd.percent(current - previous, previous));
        }
    }

    /** One day's spend (UTC). */
    public record Day(LocalDate date, long requests, long costNanoUsd) {
    }

    /**
     * One custom property ({@code Helicone-Property-<Name>}): its spend over the requests carrying it, and
     * its values' spend, most expensive first (at most {@link SpendSections#PROPERTY_VALUES}).
     *
     * @param distinctValues how many values the property had this week
     * @param otherValuesRequests requests with a value not listed
     * @param otherValuesCostNanoUsd their cost
     */
    public record PropertyGroup(
            String name,
            long requests,
            long costNanoUsd,
            long distinctValues,
            List<PropertyValue> values,
            long otherValuesRequests,
            long otherValuesCostNanoUsd) {
        public PropertyGroup {
            values = List.copyOf(values);
        }
    }

    /** @param sharePercent of the week's total spend */
    public record PropertyValue(String value, long requests, long costNanoUsd, BigDecimal sharePercent) {
    }

    /**
     * Spend of one model or provider.
     *
     * @param unpricedRequests requests without a cost
     * @param sharePercent of the week's total spend
     */
    public record Spend(
            String name,
            long requests,
            long costNanoUsd,
            long inputTokens,
            long outputTokens,
            long unpricedRequests,
            BigDecimal sharePercent) {
    }

    /** One user's spend. */
    public record UserSpend(String userId, long requests, long sessions, long costNanoUsd, BigDecimal sharePercent) {
    }

    /** One session's spend this week ({@code sessionName} empty when it had none). */
    public record SessionSpend(
            String sessionId,
            String sessionName,
            String userId,
            long requests,
            long costNanoUsd,
            Instant first,
            Instant last) {
    }

    /**
     * Cost per session of one session name (sessions without a name are grouped under "").
     * Only this week's requests of each session count.
     *
     * @param averageNanoUsd cost per session, half-even to the nano
     * @param p95NanoUsd the 95th percentile of the sessions' costs (nearest rank: the
     *     ⌈0.95·n⌉-th smallest)
     * @param callsPerSession calls per session, one decimal, half-even
     */
    public record SessionNameStats(
            String sessionName,
            long sessions,
            long calls,
            long costNanoUsd,
            long averageNanoUsd,
            long p95NanoUsd,
            long maxNanoUsd,
            BigDecimal callsPerSession) {
    }

    /**
     * Caching.
     *
     * @param hitRatePercent response-cache hits per request, in percent; null without requests
     * @param cacheReadSharePercent prompt-cache reads per input token, in percent; null without input tokens
     */
    public record Cache(
            long requests,
            long cacheHits,
            BigDecimal hitRatePercent,
            long responseCacheSavingsNanoUsd,
            long promptCacheSavingsNanoUsd,
            long cacheReadTokens,
            long inputTokens,
            BigDecimal cacheReadSharePercent) {

        public long totalSavingsNanoUsd() {
            return responseCacheSavingsNanoUsd + promptCacheSavingsNanoUsd;
        }
    }

    /**
     * Requests without a cost, and requests priced from estimated usage.
     *
     * @param unknownModels the unpriced models, most requests first (at most 10)
     */
    public record Unpriced(
            long unknownModelRequests,
            long noUsageRequests,
            long estimatedRequests,
            long estimatedCostNanoUsd,
            List<UnknownModel> unknownModels) {
        public Unpriced {
            unknownModels = List.copyOf(unknownModels);
        }
    }

    /** A model without a price, as called. */
    public record UnknownModel(String provider, String model, long requests) {
    }

    /** One of the most expensive requests. */
    public record ExpensiveRequest(
            String requestId,
            Instant timestamp,
            String provider,
            String model,
            String userId,
            String sessionId,
            String sessionName,
            long inputTokens,
            long outputTokens,
            long costNanoUsd) {
    }

    /**
     * An optimisation hint computed from the week's data.
     *
     * @param kind what it is about
     * @param title a few words
     * @param text the finding with its numbers, and what to do
     * @param savingNanoUsd what acting on it would have saved this week; 0 when it is not about a saving
     */
    public record Hint(HintKind kind, String title, String text, long savingNanoUsd) {
    }

    /** The hints the report knows, in the order they are listed when present. */
    public enum HintKind {
        /** Short prompts (< 500 input tokens) on the most expensive model, and the saving on the cheapest. */
        SHORT_PROMPTS_ON_EXPENSIVE_MODEL,
        /** Likely identical prompts repeated by the same user, and what a response cache would have saved. */
        REPEATED_PROMPTS,
        /** Spend of Environment = development / dev / staging. */
        NON_PRODUCTION_SPEND,
        /** Requests on models without a price: missing from every total. */
        UNKNOWN_MODELS,
        /** Requests without usage: no cost. */
        NO_USAGE,
        /** Requests priced from estimated token counts. */
        ESTIMATED_USAGE
    }
}
