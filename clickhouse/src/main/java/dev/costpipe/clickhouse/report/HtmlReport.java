package dev.costpipe.clickhouse.report;

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
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * The weekly report as one standalone HTML page (styles inlined from {@code /report/report.css}, the
 * daily chart as inline SVG; no script, no external resource). Every data value is HTML-escaped.
 */
final class HtmlReport {

    private static final String CSS_RESOURCE = "/report/report.css";
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);

    private HtmlReport() {}

    static String render(WeeklyReport r) {
        Totals t = r.total();
        StringBuilder h = new StringBuilder(32_768);
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>LLM spend, week ").append(r.week()).append("</title>\n<style>\n").append(css())
                .append("</style>\n</head>\n<body>\n<main>\n");

        h.append("<header><h1>LLM spend &middot; week ").append(r.week()).append("</h1>\n<p class=\"sub\">")
                .append(Display.dayYear(r.week().monday())).append(" to ").append(Display.dayYear(r.week().sunday()))
                .append(" (UTC) &middot; ").append(Display.html(r.source().toString())).append("</p></header>\n");

        // Summary cards.
        h.append("<section class=\"cards\">\n");
        card(h, "Total spend", Usd.format(t.costNanoUsd()), null,
                Usd.count(t.requests()) + " requests &middot; " + Usd.count(t.users()) + " users &middot; "
                        + Usd.count(t.sessions()) + " sessions");
        WeeklyReport.Change change = r.change();
        String changeClass = change.absoluteNanoUsd() > 0 ? "up" : change.absoluteNanoUsd() < 0 ? "down" : null;
        card(h, "vs " + r.week().previous(),
                change.percent() == null ? "n/a" : (change.percent().signum() > 0 ? "+" : "")
                        + Usd.percentText(change.percent()),
                changeClass,
                Display.html(Usd.formatSigned(change.absoluteNanoUsd())) + " (was "
                        + Display.html(Usd.format(r.previousTotal().costNanoUsd())) + ")");
        card(h, "Cache hit rate", Usd.percentText(r.cache().hitRatePercent()), null,
                "saved " + Display.html(Usd.format(r.cache().totalSavingsNanoUsd())) + " with caching");
        long unpriced = t.requests() - t.pricedRequests();
        card(h, "Unpriced requests", Usd.count(unpriced), unpriced > 0 ? "up" : null,
                "unknown model: " + Usd.count(t.unknownModelRequests()) + " &middot; no usage: "
                        + Usd.count(t.noUsageRequests()));
        h.append("</section>\n");

        h.append("<section class=\"chart\"><h2>Daily spend</h2>\n")
                .append(DailySpendChart.svg(r.daily(), r.previousDaily(), r.week().previous()))
                .append("</section>\n");

        h.append("<section class=\"hints\"><h2>Hints</h2>\n");
        if (r.hints().isEmpty()) {
            h.append("<p class=\"muted\">Nothing stands out this week.</p>\n");
        } else {
            h.append("<ul>\n");
            for (Hint hint : r.hints()) {
                h.append("<li class=\"kind-").append(hint.kind().name().toLowerCase(Locale.ROOT)).append("\"><strong>")
                        .append(Display.html(hint.title())).append("</strong>");
                if (hint.savingNanoUsd() > 0) {
                    h.append("<span class=\"saving\">save up to ").append(Display.html(Usd.format(hint.savingNanoUsd())))
                            .append("</span>");
                }
                h.append("<br>").append(Display.html(Display.value(hint.text(), 2000, ""))).append("</li>\n");
            }
            h.append("</ul>\n");
        }
        h.append("</section>\n");

        h.append("<div class=\"grid\">\n");
        spendSection(h, "Spend by model", "Model", r.byModel());
        spendSection(h, "Spend by provider", "Provider", r.byProvider());
        h.append("</div>\n");

        h.append("<section><h2>Spend by property</h2>\n");
        if (r.byProperty().isEmpty()) {
            h.append("<p class=\"muted\">No request carried a custom property.</p>\n");
        }
        for (PropertyGroup g : r.byProperty()) {
            h.append("<h3>").append(Display.htmlValue(g.name())).append(" <span class=\"note\">")
                    .append(Display.html(Usd.format(g.costNanoUsd()))).append(" over ").append(Usd.count(g.requests()))
                    .append(" requests</span></h3>\n<table><thead><tr><th>Value</th><th class=\"num\">Cost</th>")
                    .append("<th>Share</th><th class=\"num\">Requests</th></tr></thead><tbody>\n");
            for (PropertyValue v : g.values()) {
                h.append("<tr><td>").append(Display.html(Display.value(v.value(), 60, "(empty)"))).append("</td>");
                num(h, Usd.format(v.costNanoUsd()));
                share(h, v.sharePercent());
                num(h, Usd.count(v.requests()));
                h.append("</tr>\n");
            }
            if (g.otherValuesRequests() > 0) {
                h.append("<tr><td class=\"muted\">other values</td>");
                num(h, Usd.format(g.otherValuesCostNanoUsd()));
                share(h, Usd.percent(g.otherValuesCostNanoUsd(), t.costNanoUsd()));
                num(h, Usd.count(g.otherValuesRequests()));
                h.append("</tr>\n");
            }
            h.append("</tbody></table>\n");
        }
        h.append("</section>\n");

        h.append("<div class=\"grid\">\n<section><h2>Top users</h2>\n<table><thead><tr><th>User</th>")
                .append("<th class=\"num\">Cost</th><th>Share</th><th class=\"num\">Requests</th></tr></thead><tbody>\n");
        for (UserSpend u : r.topUsers()) {
            h.append("<tr><td class=\"id\">").append(Display.htmlValue(u.userId())).append("</td>");
            num(h, Usd.format(u.costNanoUsd()));
            share(h, u.sharePercent());
            num(h, Usd.count(u.requests()));
            h.append("</tr>\n");
        }
        h.append("</tbody></table></section>\n");

        h.append("<section><h2>Top sessions</h2>\n<table><thead><tr><th>Session</th><th>Name</th>")
                .append("<th class=\"num\">Cost</th><th class=\"num\">Calls</th></tr></thead><tbody>\n");
        for (SessionSpend s : r.topSessions()) {
            h.append("<tr><td class=\"id\">").append(Display.htmlValue(s.sessionId())).append("</td><td>")
                    .append(Display.html(Display.value(s.sessionName(), 60, "(unnamed)"))).append("</td>");
            num(h, Usd.format(s.costNanoUsd()));
            num(h, Usd.count(s.requests()));
            h.append("</tr>\n");
        }
        h.append("</tbody></table></section>\n</div>\n");

        h.append("<section><h2>Cost per session name</h2>\n<table><thead><tr><th>Session name</th>")
                .append("<th class=\"num\">Sessions</th><th class=\"num\">Calls / session</th>")
                .append("<th class=\"num\">Average</th><th class=\"num\">p95</th><th class=\"num\">Max</th>")
                .append("<th class=\"num\">Total</th></tr></thead><tbody>\n");
        for (SessionNameStats s : r.sessionNames()) {
            h.append("<tr><td>").append(Display.html(Display.value(s.sessionName(), 60, "(unnamed)"))).append("</td>");
            num(h, Usd.count(s.sessions()));
            num(h, s.callsPerSession().toPlainString());
            num(h, Usd.format(s.averageNanoUsd()));
            num(h, Usd.format(s.p95NanoUsd()));
            num(h, Usd.format(s.maxNanoUsd()));
            num(h, Usd.format(s.costNanoUsd()));
            h.append("</tr>\n");
        }
        h.append("</tbody></table></section>\n");

        WeeklyReport.Cache c = r.cache();
        WeeklyReport.Unpriced u = r.unpriced();
        h.append("<div class=\"grid\">\n<section><h2>Caching</h2>\n<table><tbody>\n")
                .append("<tr><td>Response-cache hits</td>");
        num(h, Usd.count(c.cacheHits()) + " of " + Usd.count(c.requests()) + " (" + Usd.percentText(c.hitRatePercent())
                + ")");
        h.append("</tr>\n<tr><td>Saved by the response cache</td>");
        num(h, Usd.format(c.responseCacheSavingsNanoUsd()));
        h.append("</tr>\n<tr><td>Input tokens read from prompt cache</td>");
        num(h, Usd.percentText(c.cacheReadSharePercent()));
        h.append("</tr>\n<tr><td>Saved by prompt caching</td>");
        num(h, Usd.format(c.promptCacheSavingsNanoUsd()));
        h.append("</tr>\n</tbody></table></section>\n");
        h.append("<section><h2>Unpriced requests</h2>\n<table><tbody>\n<tr><td>Unknown models</td>");
        num(h, Usd.count(u.unknownModelRequests()));
        h.append("</tr>\n");
        for (UnknownModel m : u.unknownModels()) {
            h.append("<tr><td class=\"id\">&nbsp;&nbsp;").append(Display.html(Display.value(m.provider(), 30, "?")
                    + "/" + Display.value(m.model(), 50, "?"))).append("</td>");
            num(h, Usd.count(m.requests()));
            h.append("</tr>\n");
        }
        h.append("<tr><td>No usage</td>");
        num(h, Usd.count(u.noUsageRequests()));
        h.append("</tr>\n<tr><td>Priced from estimated usage</td>");
        num(h, Usd.count(u.estimatedRequests()) + " (" + Usd.format(u.estimatedCostNanoUsd()) + ")");
        h.append("</tr>\n</tbody></table></section>\n</div>\n");

        h.append("<section><h2>Top ").append(WeeklyReport.TOP_REQUESTS).append(" requests</h2>\n<table><thead><tr>")
                .append("<th>Time (UTC)</th><th>Request</th><th>Model</th><th>User</th><th class=\"num\">Input</th>")
                .append("<th class=\"num\">Output</th><th class=\"num\">Cost</th></tr></thead><tbody>\n");
        for (ExpensiveRequest e : r.topRequests()) {
            h.append("<tr><td>").append(TIME.format(e.timestamp())).append("</td><td class=\"id\">")
                    .append(Display.htmlValue(e.requestId())).append("</td><td>").append(Display.htmlValue(e.model()))
                    .append("</td><td class=\"id\">").append(Display.htmlValue(e.userId())).append("</td>");
            num(h, Usd.count(e.inputTokens()));
            num(h, Usd.count(e.outputTokens()));
            num(h, Usd.format(e.costNanoUsd()));
            h.append("</tr>\n");
        }
        h.append("</tbody></table></section>\n");

        h.append("<footer>costpipe &middot; generated ").append(TIME.format(r.generatedAt()))
                .append(" UTC from ").append(Display.html(r.source().toString()))
                .append(" (latest version of each request) &middot; unpriced requests count as requests, never as $0</footer>\n")
                .append("</main>\n</body>\n</html>\n");
        return h.toString();
    }

    private static void card(StringBuilder h, String label, String value, String valueClass, String noteHtml) {
        h.append("<div class=\"card\"><div class=\"label\">").append(Display.html(label))
                .append("</div><div class=\"value").append(valueClass == null ? "" : " " + valueClass).append("\">")
                .append(Display.html(value)).append("</div><div class=\"note\">").append(noteHtml)
                .append("</div></div>\n");
    }

    private static void spendSection(StringBuilder h, String title, String what, List<Spend> rows) {
        h.append("<section><h2>").append(title).append("</h2>\n<table><thead><tr><th>").append(what)
                .append("</th><th class=\"num\">Cost</th><th>Share</th><th class=\"num\">Requests</th></tr></thead><tbody>\n");
        for (Spend s : rows) {
            h.append("<tr><td>").append(Display.htmlValue(s.name()));
            if (s.unpricedRequests() > 0) {
                h.append(" <span class=\"muted\">(").append(Usd.count(s.unpricedRequests())).append(" unpriced)</span>");
            }
            h.append("</td>");
            num(h, Usd.format(s.costNanoUsd()));
            share(h, s.sharePercent());
            num(h, Usd.count(s.requests()));
            h.append("</tr>\n");
        }
        h.append("</tbody></table></section>\n");
    }

    private static void num(StringBuilder h, String text) {
        h.append("<td class=\"num\">").append(Display.html(text)).append("</td>");
    }

    /** The share as text with a small bar under it. */
    private static void share(StringBuilder h, BigDecimal percent) {
        h.append("<td class=\"share\"><span class=\"pct\">").append(Usd.percentText(percent)).append("</span>");
        if (percent != null && percent.signum() > 0) {
            BigDecimal width = percent.min(BigDecimal.valueOf(100)).multiply(new BigDecimal("0.8"));
            h.append("<span class=\"bar\" style=\"width:").append(width.stripTrailingZeros().toPlainString())
                    .append("px\"></span>");
        }
        h.append("</td>");
    }

    private static String css() {
        try (InputStream in = HtmlReport.class.getResourceAsStream(CSS_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(CSS_RESOURCE + " is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
