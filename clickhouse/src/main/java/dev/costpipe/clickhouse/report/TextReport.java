package dev.costpipe.clickhouse.report;

import dev.costpipe.clickhouse.report.WeeklyReport.Day;
import dev.costpipe.clickhouse.report.WeeklyReport.ExpensiveRequest;
import dev.costpipe.clickhouse.report.WeeklyReport.Hint;
import dev.costpipe.clickhouse.report.WeeklyReport.PropertyGroup;
import dev.costpipe.clickhouse.report.WeeklyReport.PropertyValue;
import dev.costpipe.clickhouse.report.WeeklyReport.SessionNameStats;
import dev.costpipe.clickhouse.report.WeeklyReport.SessionSpend;
import dev.costpipe.clickhouse.report.WeeklyReport.Spend;
import dev.costpipe.clickhouse.report.WeeklyReport.Totals;
import dev.costpipe.clickhouse.report.WeeklyReport.UnknownModel;
import dev.costpipe.clickhouse.report.WeeklyReport.UserSpend;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/** The weekly report for a terminal or an e-mail body: plain text, 100 columns. */
final class TextReport {

    private static final int BAR_WIDTH = 30;
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    private TextReport() {}

    static String render(WeeklyReport r) {
        StringBuilder out = new StringBuilder();
        out.append("costpipe weekly cost report: ").append(Display.weekSpan(r.week())).append('\n');
        out.append("source: ").append(r.source()).append(" (latest version of each request), generated ")
                .append(TIME.format(r.generatedAt())).append(" UTC\n");

        Totals t = r.total();
        section(out, "Summary");
        out.append("  Total spend      ").append(Usd.format(t.costNanoUsd())).append("  (")
                .append(Usd.count(t.requests())).append(" requests, ").append(Usd.count(t.pricedRequests()))
                .append(" priced; ").append(Usd.count(t.users())).append(" users, ")
                .append(Usd.count(t.sessions())).append(" sessions)\n");
        out.append("  Previous week    ").append(Usd.format(r.previousTotal().costNanoUsd())).append("  (")
                .append(r.week().previous()).append(", ").append(Usd.count(r.previousTotal().requests()))
                .append(" requests)\n");
        out.append("  Week over week   ").append(changeText(r.change())).append('\n');
        out.append("  Tokens           ").append(Usd.count(t.inputTokens())).append(" input, ")
                .append(Usd.count(t.outputTokens())).append(" output\n");

        section(out, "Daily spend");
        long max = r.daily().stream().mapToLong(Day::costNanoUsd).max().orElse(0);
        TextTable daily = new TextTable("day", ">cost", ">requests", "");
        for (Day day : r.daily()) {
            daily.row(Display.day(day.date()), Usd.format(day.costNanoUsd()), Usd.count(day.requests()),
                    bar(day.costNanoUsd(), max));
        }
        out.append(daily.render("  "));

        section(out, "Spend by property");
        if (r.byProperty().isEmpty()) {
            out.append("  No request carried a custom property.\n");
        }
        for (PropertyGroup group : r.byProperty()) {
            out.append("  ").append(Display.value(group.name())).append(": ")
                    .append(Usd.format(group.costNanoUsd())).append(" over ").append(Usd.count(group.requests()))
                    .append(" requests, ").append(Usd.count(group.distinctValues())).append(' ')
                    .append(ReportHints.plural(group.distinctValues(), "value")).append('\n');
            TextTable values = new TextTable("value", ">cost", ">share", ">requests");
            for (PropertyValue value : group.values()) {
                values.row(Display.value(value.value(), 40, "(empty)"), Usd.format(value.costNanoUsd()),
                        Usd.percentText(value.sharePercent()), Usd.count(value.requests()));
            }
            if (group.otherValuesRequests() > 0) {
                values.row("(other values)", Usd.format(group.otherValuesCostNanoUsd()),
                        Usd.percentText(Usd.percent(group.otherValuesCostNanoUsd(), t.costNanoUsd())),
                        Usd.count(group.otherValuesRequests()));
            }
            out.append(values.render("    "));
        }

        section(out, "Spend by model");
        out.append(spendTable("model", r.byModel()));
        section(out, "Spend by provider");
        out.append(spendTable("provider", r.byProvider()));

        section(out, "Top users");
        TextTable users = new TextTable("user", ">cost", ">share", ">requests", ">sessions");
        for (UserSpend user : r.topUsers()) {
            users.row(Display.value(user.userId(), 40, "(none)"), Usd.format(user.costNanoUsd()),
                    Usd.percentText(user.sharePercent()), Usd.count(user.requests()), Usd.count(user.sessions()));
        }
        out.append(users.isEmpty() ? "  No request carried a user id.\n" : users.render("  "));

        section(out, "Top sessions");
        TextTable sessions = new TextTable("session", "name", "user", ">cost", ">requests");
        for (SessionSpend session : r.topSessions()) {
            sessions.row(Display.value(session.sessionId(), 36, "(none)"),
                    Display.value(session.sessionName(), 30, "(unnamed)"),
                    Display.value(session.userId(), 24, "(none)"), Usd.format(session.costNanoUsd()),
                    Usd.count(session.requests()));
        }
        out.append(sessions.isEmpty() ? "  No request carried a session id.\n" : sessions.render("  "));

        section(out, "Cost per session name");
        for (SessionNameStats s : r.sessionNames()) {
            out.append("  ").append(sessionNameLine(s)).append('\n');
        }
        if (r.sessionNames().isEmpty()) {
            out.append("  No sessions.\n");
        }

        section(out, "Caching");
        WeeklyReport.Cache c = r.cache();
        out.append("  Response cache   ").append(Usd.count(c.cacheHits())).append(" of ")
                .append(Usd.count(c.requests())).append(" requests served from cache (")
                .append(Usd.percentText(c.hitRatePercent())).append("), saved ")
                .append(Usd.format(c.responseCacheSavingsNanoUsd())).append('\n');
        out.append("  Prompt cache     ").append(Usd.percentText(c.cacheReadSharePercent()))
                .append(" of input tokens read from cache, saved ")
                .append(Usd.format(c.promptCacheSavingsNanoUsd())).append('\n');
        out.append("  Total saved      ").append(Usd.format(c.totalSavingsNanoUsd())).append('\n');

        section(out, "Unpriced requests");
        WeeklyReport.Unpriced u = r.unpriced();
        out.append("  Unknown models   ").append(requests(u.unknownModelRequests()));
        if (!u.unknownModels().isEmpty()) {
            out.append(": ");
            List<UnknownModel> models = u.unknownModels();
            for (int i = 0; i < models.size(); i++) {
                UnknownModel m = models.get(i);
                out.append(i > 0 ? ", " : "").append(Display.value(m.provider(), 30, "?")).append('/')
                        .append(Display.value(m.model(), 50, "?")).append(" (").append(Usd.count(m.requests()))
                        .append(')');
            }
        }
        out.append('\n');
        out.append("  No usage         ").append(requests(u.noUsageRequests())).append('\n');
        out.append("  Estimated usage  ").append(requests(u.estimatedRequests())).append(" (")
                .append(Usd.format(u.estimatedCostNanoUsd())).append(")\n");

        section(out, "Top " + WeeklyReport.TOP_REQUESTS + " requests");
        TextTable requests = new TextTable("time (UTC)", "request", "model", "user", ">input", ">output", ">cost");
        for (ExpensiveRequest e : r.topRequests()) {
            requests.row(TIME.format(e.timestamp()), Display.value(e.requestId(), 36, "(none)"),
                    Display.value(e.model(), 36, "?"), Display.value(e.userId(), 24, "(none)"),
                    Usd.count(e.inputTokens()), Usd.count(e.outputTokens()), Usd.format(e.costNanoUsd()));
        }
        out.append(requests.isEmpty() ? "  No priced request.\n" : requests.render("  "));

        section(out, "Hints");
        if (r.hints().isEmpty()) {
            out.append("  Nothing stands out this week.\n");
        }
        int n = 1;
        for (Hint hint : r.hints()) {
            out.append("  ").append(n++).append(". ").append(Display.value(hint.title(), 100, ""));
            if (hint.savingNanoUsd() > 0) {
                out.append(" (save up to ").append(Usd.format(hint.savingNanoUsd())).append(')');
            }
            out.append('\n').append(Display.wrap(Display.value(hint.text(), 2000, ""), 94, "     "));
        }
        return out.toString();
    }

    static String changeText(WeeklyReport.Change change) {
        String percent = change.percent() == null
                ? "n/a: nothing spent the previous week"
                : (change.percent().signum() > 0 ? "+" : "") + Usd.percentText(change.percent());
        return Usd.formatSigned(change.absoluteNanoUsd()) + " (" + percent + ")";
    }

    /** {@code support-chat: $0.12 on average with 5 calls (20 sessions, p95 $0.30, total $2.40)} */
    static String sessionNameLine(SessionNameStats s) {
        return Display.value(s.sessionName(), 40, "(unnamed)") + ": " + Usd.format(s.averageNanoUsd())
                + " on average with " + s.callsPerSession().stripTrailingZeros().toPlainString() + " "
                + (s.callsPerSession().compareTo(BigDecimal.ONE) == 0 ? "call" : "calls") + " ("
                + Usd.count(s.sessions()) + " " + ReportHints.plural(s.sessions(), "session") + ", p95 "
                + Usd.format(s.p95NanoUsd()) + ", max " + Usd.format(s.maxNanoUsd()) + ", total "
                + Usd.format(s.costNanoUsd()) + ")";
    }

    private static String spendTable(String what, List<Spend> rows) {
        if (rows.isEmpty()) {
            return "  No requests.\n";
        }
        TextTable table = new TextTable(what, ">cost", ">share", ">requests", ">input tokens", ">output tokens",
                ">unpriced");
        for (Spend s : rows) {
            table.row(Display.value(s.name(), 48, "(none)"), Usd.format(s.costNanoUsd()),
                    Usd.percentText(s.sharePercent()), Usd.count(s.requests()), Usd.count(s.inputTokens()),
                    Usd.count(s.outputTokens()), Usd.count(s.unpricedRequests()));
        }
        return table.render("  ");
    }

    private static String requests(long count) {
        return Usd.count(count) + " " + ReportHints.plural(count, "request");
    }

    private static void section(StringBuilder out, String title) {
        out.append('\n').append(title.toUpperCase(java.util.Locale.ROOT)).append('\n');
    }

    /** A bar of up to {@link #BAR_WIDTH} eighth-blocks, proportional to {@code value / max}. */
    private static String bar(long value, long max) {
        if (max <= 0 || value <= 0) {
            return "";
        }
        int eighths = BigDecimal.valueOf(value).multiply(BigDecimal.valueOf(BAR_WIDTH * 8L))
                .divide(BigDecimal.valueOf(max), 0, RoundingMode.HALF_UP).intValue();
        eighths = Math.max(eighths, 1);
        String partial = " ▏▎▍▌▋▊▉";
        return "█".repeat(eighths / 8) + (eighths % 8 == 0 ? "" : String.valueOf(partial.charAt(eighths % 8)));
    }
}
