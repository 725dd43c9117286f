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
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.stream.Collectors;

/** The weekly report as GitHub-flavoured Markdown (for a wiki page, a PR or a chat message). */
final class MarkdownReport {

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);

    private MarkdownReport() {}

    static String render(WeeklyReport r) {
        StringBuilder out = new StringBuilder();
        Totals t = r.total();
        out.append("# LLM spend, week ").append(r.week()).append("\n\n");
        out.append(Display.dayYear(r.week().monday())).append(" to ").append(Display.dayYear(r.week().sunday()))
                .append(" (UTC), from `").append(r.source()).append("` (latest version of each request).\n\n");

        out.append("| | |\n|---|---:|\n");
        out.append("| **Total spend** | **").append(Usd.format(t.costNanoUsd())).append("** |\n");
        out.append("| Previous week (").append(r.week().previous()).append(") | ")
                .append(Usd.format(r.previousTotal().costNanoUsd())).append(" |\n");
        out.append("| Week over week | ").append(Display.markdownText(TextReport.changeText(r.change()))).append(" |\n");
        out.append("| Requests | ").append(Usd.count(t.requests())).append(" (").append(Usd.count(t.pricedRequests()))
                .append(" priced) |\n");
        out.append("| Users / sessions | ").append(Usd.count(t.users())).append(" / ").append(Usd.count(t.sessions()))
                .append(" |\n");
        out.append("| Cache hit rate | ").append(Usd.percentText(r.cache().hitRatePercent())).append(" |\n");
        out.append("| Saved by caching | ").append(Usd.format(r.cache().totalSavingsNanoUsd())).append(" |\n\n");

        out.append("## Hints\n\n");
        if (r.hints().isEmpty()) {
            out.append("Nothing stands out this week.\n\n");
        }
        for (Hint hint : r.hints()) {
            out.append("- **").append(Display.markdown(hint.title())).append("**");
            if (hint.savingNanoUsd() > 0) {
                out.append(" (save up to ").append(Usd.format(hint.savingNanoUsd())).append(')');
            }
            out.append(": ").append(Display.markdownText(Display.value(hint.text(), 2000, ""))).append('\n');
        }
        if (!r.hints().isEmpty()) {
            out.append('\n');
        }

        out.append("## Daily spend\n\n| Day | Cost | Requests | Previous week |\n|---|---:|---:|---:|\n");
        for (int i = 0; i < r.daily().size(); i++) {
            Day day = r.daily().get(i);
            Day previous = r.previousDaily().get(i);
            out.append("| ").append(Display.day(day.date())).append(" | ").append(Usd.format(day.costNanoUsd()))
                    .append(" | ").append(Usd.count(day.requests())).append(" | ")
                    .append(Usd.format(previous.costNanoUsd())).append(" |\n");
        }
        out.append('\n');

        out.append("## Spend by property\n\n");
        if (r.byProperty().isEmpty()) {
            out.append("No request carried a custom property.\n\n");
        }
        for (PropertyGroup group : r.byProperty()) {
            out.append("### ").append(Display.markdown(group.name())).append("\n\n")
                    .append(Usd.format(group.costNanoUsd())).append(" over ").append(Usd.count(group.requests()))
                    .append(" requests.\n\n| Value | Cost | Share | Requests |\n|---|---:|---:|---:|\n");
            for (PropertyValue value : group.values()) {
                out.append("| ").append(Display.markdownText(Display.value(value.value(), 60, "(empty)")))
                        .append(" | ").append(Usd.format(value.costNanoUsd())).append(" | ")
                        .append(Usd.percentText(value.sharePercent())).append(" | ")
                        .append(Usd.count(value.requests())).append(" |\n");
            }
            if (group.otherValuesRequests() > 0) {
                out.append("| *other values* | ").append(Usd.format(group.otherValuesCostNanoUsd())).append(" | ")
                        .append(Usd.percentText(Usd.percent(group.otherValuesCostNanoUsd(), t.costNanoUsd())))
                        .append(" | ").append(Usd.count(group.otherValuesRequests())).append(" |\n");
            }
            out.append('\n');
        }

        out.append("## Spend by model\n\n").append(spendTable("Model", r.byModel()));
        out.append("## Spend by provider\n\n").append(spendTable("Provider", r.byProvider()));

        out.append("## Top users\n\n| User | Cost | Share | Requests | Sessions |\n|---|---:|---:|---:|---:|\n");
        for (UserSpend u : r.topUsers()) {
            out.append("| ").append(Display.markdown(u.userId())).append(" | ").append(Usd.format(u.costNanoUsd()))
                    .append(" | ").append(Usd.percentText(u.sharePercent())).append(" | ")
                    .append(Usd.count(u.requests())).append(" | ").append(Usd.count(u.sessions())).append(" |\n");
        }
        out.append('\n');

        out.append("## Top sessions\n\n| Session | Name | User | Cost | Requests |\n|---|---|---|---:|---:|\n");
        for (SessionSpend s : r.topSessions()) {
            out.append("| ").append(Display.markdown(s.sessionId())).append(" | ")
                    .append(Display.markdownText(Display.value(s.sessionName(), 60, "(unnamed)"))).append(" | ")
                    .append(Display.markdown(s.userId())).append(" | ").append(Usd.format(s.costNanoUsd()))
                    .append(" | ").append(Usd.count(s.requests())).append(" |\n");
        }
        out.append('\n');

        out.append("## Cost per session name\n\n")
                .append("| Session name | Sessions | Calls per session | Average | p95 | Max | Total |\n")
                .append("|---|---:|---:|---:|---:|---:|---:|\n");
        for (SessionNameStats s : r.sessionNames()) {
            out.append("| ").append(Display.markdownText(Display.value(s.sessionName(), 60, "(unnamed)")))
                    .append(" | ").append(Usd.count(s.sessions())).append(" | ")
                    .append(s.callsPerSession().toPlainString()).append(" | ").append(Usd.format(s.averageNanoUsd()))
                    .append(" | ").append(Usd.format(s.p95NanoUsd())).append(" | ").append(Usd.format(s.maxNanoUsd()))
                    .append(" | ").append(Usd.format(s.costNanoUsd())).append(" |\n");
        }
        out.append('\n');

        WeeklyReport.Cache c = r.cache();
        out.append("## Caching\n\n");
        out.append("- Response cache: ").append(Usd.count(c.cacheHits())).append(" of ").append(Usd.count(c.requests()))
                .append(" requests (").append(Usd.percentText(c.hitRatePercent())).append("), saved ")
                .append(Usd.format(c.responseCacheSavingsNanoUsd())).append('\n');
        out.append("- Prompt cache: ").append(Usd.percentText(c.cacheReadSharePercent()))
                .append(" of input tokens read from cache, saved ").append(Usd.format(c.promptCacheSavingsNanoUsd()))
                .append("\n\n");

        WeeklyReport.Unpriced u = r.unpriced();
        out.append("## Unpriced requests\n\n");
        out.append("- Unknown models: ").append(Usd.count(u.unknownModelRequests()));
        if (!u.unknownModels().isEmpty()) {
            out.append(" (").append(u.unknownModels().stream().map(MarkdownReport::unknown)
                    .collect(Collectors.joining(", "))).append(')');
        }
        out.append("\n- No usage: ").append(Usd.count(u.noUsageRequests()));
        out.append("\n- Priced from estimated usage: ").append(Usd.count(u.estimatedRequests())).append(" (")
                .append(Usd.format(u.estimatedCostNanoUsd())).append(")\n\n");

        out.append("## Top ").append(WeeklyReport.TOP_REQUESTS).append(" requests\n\n")
                .append("| Time (UTC) | Request | Model | User | Input | Output | Cost |\n")
                .append("|---|---|---|---|---:|---:|---:|\n");
        for (ExpensiveRequest e : r.topRequests()) {
            out.append("| ").append(TIME.format(e.timestamp())).append(" | ").append(Display.markdown(e.requestId()))
                    .append(" | ").append(Display.markdown(e.model())).append(" | ").append(Display.markdown(e.userId()))
                    .append(" | ").append(Usd.count(e.inputTokens())).append(" | ").append(Usd.count(e.outputTokens()))
                    .append(" | ").append(Usd.format(e.costNanoUsd())).append(" |\n");
        }
        return out.toString();
    }

    private static String unknown(UnknownModel m) {
        return Display.markdownText(Display.value(m.provider(), 30, "?") + "/" + Display.value(m.model(), 50, "?"))
                + " " + Usd.count(m.requests());
    }

    private static String spendTable(String what, List<Spend> rows) {
        StringBuilder out = new StringBuilder("| ").append(what)
                .append(" | Cost | Share | Requests | Input tokens | Output tokens | Unpriced |\n")
                .append("|---|---:|---:|---:|---:|---:|---:|\n");
        for (Spend s : rows) {
            out.append("| ").append(Display.markdown(s.name())).append(" | ").append(Usd.format(s.costNanoUsd()))
                    .append(" | ").append(Usd.percentText(s.sharePercent())).append(" | ")
                    .append(Usd.count(s.requests())).append(" | ").append(Usd.count(s.inputTokens())).append(" | ")
                    .append(Usd.count(s.outputTokens())).append(" | ").append(Usd.count(s.unpricedRequests()))
                    .append(" |\n");
        }
        return out.append('\n').toString();
    }
}
