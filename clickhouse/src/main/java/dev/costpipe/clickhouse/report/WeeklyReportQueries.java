package dev.costpipe.clickhouse.report;

import dev.costpipe.clickhouse.report.WeeklyReport.Cache;
import dev.costpipe.clickhouse.report.WeeklyReport.Change;
import dev.costpipe.clickhouse.report.WeeklyReport.Day;
import dev.costpipe.clickhouse.report.WeeklyReport.ExpensiveRequest;
import dev.costpipe.clickhouse.report.WeeklyReport.PropertyGroup;
import dev.costpipe.clickhouse.report.WeeklyReport.SessionNameStats;
import dev.costpipe.clickhouse.report.WeeklyReport.SessionSpend;
import dev.costpipe.clickhouse.report.WeeklyReport.Spend;
import dev.costpipe.clickhouse.report.WeeklyReport.Totals;
import dev.costpipe.clickhouse.report.WeeklyReport.UnknownModel;
import dev.costpipe.clickhouse.report.WeeklyReport.Unpriced;
import dev.costpipe.clickhouse.report.WeeklyReport.UserSpend;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

/**
 * The SQL behind {@link WeeklyReport}: one SELECT per section ({@link SpendSections}, {@link SessionSections},
 * {@link RequestSections}), each over the latest version of each request
 * ({@link PeriodRows}: the period's rows plus the repeated requests deduplicated once, else a subquery that
 * deduplicates, of only the columns it reads), and
 * the week's time range (a condition on {@code timestamp}, the time-led sort key's first column:
 * only the week's rows are read), written for ClickHouse 18.16 and current servers (no query parameters, no Map
 * type, no Float64 for money: costs are summed as Int64 nano-USD and divided in Java with {@code BigDecimal}).
 * String columns are read through {@code ifNull(col, '')} so the SQL works whether the sink declares them
 * {@code String} or {@code Nullable(String)}. This class runs the sections and puts their answers together.
 */
final class WeeklyReportQueries {

    /** The reader of the session holding the report's temporary tables, where there are any. */
    private final ClickHouseReader session;
    /** The reader the report was given: the sections that need no temporary table may run on it meanwhile. */
    private final ClickHouseReader shared;
    private final CostTable table;
    private final DaySums sums;
    private final DaySums propertySums;
    private final DaySums sessionSums;
    private final SpendSections spendSections;
    private final SessionSections sessionSections;
    private final RequestSections requestSections;

    private WeeklyReportQueries(ClickHouseReader session, ClickHouseReader shared, CostTable table, CostSource source,
            PeriodRows rows, DaySums.All sums) {
        this.session = session;
        this.shared = shared;
        this.table = table;
        this.sums = sums.get(DayGrid.REPORT);
        this.propertySums = sums.get(DayGrid.PROPERTIES);
        this.sessionSums = sums.get(DayGrid.SESSIONS);
        this.spendSections = new SpendSections(this.sums, propertySums, sessionSums);
        this.sessionSections = new SessionSections(sessionSums);
        this.requestSections = new RequestSections(source, rows);
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
                    r -> sessionSections.topSessions(r, week));
            CompletableFuture<List<SessionNameStats>> sessionNames = sections.add(sessionSums.needsSession(),
                    r -> sessionSections.sessionNames(r, week));
            CompletableFuture<Totals> total = sections.add(totalsNeedSession, r -> spendSections.totals(r, week));
            CompletableFuture<Totals> previous = sections.add(totalsNeedSession,
                    r -> spendSections.totals(r, week.previous()));
            LongSupplier totalCost = () -> ReportSections.answer(total).costNanoUsd();
            CompletableFuture<List<UserSpend>> topUsers = sections.add(sessionSums.needsSession(),
                    r -> sessionSections.topUsers(r, week, totalCost));
            CompletableFuture<Map<LocalDate, Day>> days = sections.add(sums.needsSession(),
                    r -> spendSections.daily(r, week.previous().monday(), week.monday().plusDays(7)));
            CompletableFuture<List<UnknownModel>> unknownModels = sections.add(sums.needsSession(),
                    r -> spendSections.unknownModels(r, week));
            CompletableFuture<List<ReportHints.ModelRates>> shortPrompts = sections.add(sums.needsSession(),
                    r -> spendSections.shortPromptModels(r, week));
            CompletableFuture<List<PropertyGroup>> properties = sections.add(propertySums.needsSession(),
                    r -> spendSections.properties(r, week, totalCost));
            CompletableFuture<List<Spend>> models = sections.add(sums.needsSession(),
                    r -> spendSections.byModel(r, week, totalCost));
            CompletableFuture<List<Spend>> providers = sections.add(sums.needsSession(),
                    r -> spendSections.byProvider(r, week, totalCost));
            CompletableFuture<ReportHints.Repeats> repeats = sections.add(true,
                    r -> requestSections.repeats(r, range));
            CompletableFuture<List<ExpensiveRequest>> topRequests = sections.add(true,
                    r -> requestSections.topRequests(r, range));
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

    private static List<Day> sevenDays(LocalDate monday, Map<LocalDate, Day> days) {
        List<Day> out = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            LocalDate date = monday.plusDays(i);
            out.add(days.getOrDefault(date, new Day(date, 0, 0)));
        }
        return out;
    }
}
