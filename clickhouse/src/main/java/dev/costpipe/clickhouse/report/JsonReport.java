package dev.costpipe.clickhouse.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.util.List;
import java.util.Locale;

/**
 * The weekly report as one JSON object (snake_case). Every amount appears twice: {@code *_nano_usd} as an
 * integer and {@code *_usd} as an exact decimal string with 9 places (the cost record's convention);
 * percentages are decimal strings with one place, or null when undefined.
 */
final class JsonReport {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private JsonReport() {}

    static String render(WeeklyReport r) {
        try {
            return Rows.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(tree(r)) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the report as JSON", e);
        }
    }

    static ObjectNode tree(WeeklyReport r) {
        ObjectNode root = F.objectNode();
        root.put("week", r.week().toString());
        root.put("week_start", r.week().start().toString());
        root.put("week_end", r.week().end().toString());
        root.put("source", r.source().toString());
        root.put("generated_at", r.generatedAt().toString());
        root.set("total", totals(r.total()));
        ObjectNode previous = totals(r.previousTotal());
        previous.put("week", r.week().previous().toString());
        root.set("previous_week", previous);
        ObjectNode change = F.objectNode();
        money(change, "absolute", r.change().absoluteNanoUsd());
        percent(change, "percent", r.change().percent());
        root.set("week_over_week", change);

        root.set("daily", days(r.daily()));
        root.set("previous_daily", days(r.previousDaily()));

        ArrayNode properties = root.putArray("by_property");
        for (PropertyGroup g : r.byProperty()) {
            ObjectNode group = properties.addObject();
            group.put("name", g.name());
            group.put("requests", g.requests());
            money(group, "cost", g.costNanoUsd());
            group.put("distinct_values", g.distinctValues());
            ArrayNode values = group.putArray("values");
            for (PropertyValue v : g.values()) {
                ObjectNode value = values.addObject();
                value.put("value", v.value());
                value.put("requests", v.requests());
                money(value, "cost", v.costNanoUsd());
                percent(value, "share_percent", v.sharePercent());
            }
            group.put("other_values_requests", g.otherValuesRequests());
            money(group, "other_values_cost", g.otherValuesCostNanoUsd());
        }
        root.set("by_model", spends(r.byModel()));
        root.set("by_provider", spends(r.byProvider()));

        ArrayNode users = root.putArray("top_users");
        for (UserSpend u : r.topUsers()) {
            ObjectNode user = users.addObject();
            user.put("user_id", u.userId());
            user.put("requests", u.requests());
            user.put("sessions", u.sessions());
            money(user, "cost", u.costNanoUsd());
            percent(user, "share_percent", u.sharePercent());
        }
        ArrayNode sessions = root.putArray("top_sessions");
        for (SessionSpend s : r.topSessions()) {
            ObjectNode session = sessions.addObject();
            session.put("session_id", s.sessionId());
            session.put("session_name", s.sessionName());
            session.put("user_id", s.userId());
            session.put("requests", s.requests());
            money(session, "cost", s.costNanoUsd());
            session.put("first_request_at", s.first().toString());
            session.put("last_request_at", s.last().toString());
        }
        ArrayNode names = root.putArray("session_names");
        for (SessionNameStats s : r.sessionNames()) {
            ObjectNode name = names.addObject();
            name.put("session_name", s.sessionName());
            name.put("sessions", s.sessions());
            name.put("calls", s.calls());
            name.put("calls_per_session", s.callsPerSession().toPlainString());
            money(name, "cost", s.costNanoUsd());
            money(name, "average_cost", s.averageNanoUsd());
            money(name, "p95_cost", s.p95NanoUsd());
            money(name, "max_cost", s.maxNanoUsd());
        }

        WeeklyReport.Cache c = r.cache();
        ObjectNode cache = root.putObject("cache");
        cache.put("requests", c.requests());
        cache.put("cache_hits", c.cacheHits());
        percent(cache, "hit_rate_percent", c.hitRatePercent());
        money(cache, "response_cache_savings", c.responseCacheSavingsNanoUsd());
        money(cache, "prompt_cache_savings", c.promptCacheSavingsNanoUsd());
        money(cache, "total_savings", c.totalSavingsNanoUsd());
        cache.put("cache_read_tokens", c.cacheReadTokens());
        cache.put("input_tokens", c.inputTokens());
        percent(cache, "cache_read_share_percent", c.cacheReadSharePercent());

        WeeklyReport.Unpriced u = r.unpriced();
        ObjectNode unpriced = root.putObject("unpriced");
        unpriced.put("unknown_model_requests", u.unknownModelRequests());
        unpriced.put("no_usage_requests", u.noUsageRequests());
        unpriced.put("estimated_usage_requests", u.estimatedRequests());
        money(unpriced, "estimated_usage_cost", u.estimatedCostNanoUsd());
        ArrayNode unknown = unpriced.putArray("unknown_models");
        for (UnknownModel m : u.unknownModels()) {
            unknown.addObject().put("provider", m.provider()).put("model", m.model()).put("requests", m.requests());
        }

        ArrayNode top = root.putArray("top_requests");
        for (ExpensiveRequest e : r.topRequests()) {
            ObjectNode request = top.addObject();
            request.put("request_id", e.requestId());
            request.put("timestamp", e.timestamp().toString());
            request.put("provider", e.provider());
            request.put("model", e.model());
            request.put("user_id", e.userId());
            request.put("session_id", e.sessionId());
            request.put("session_name", e.sessionName());
            request.put("input_tokens", e.inputTokens());
            request.put("output_tokens", e.outputTokens());
            money(request, "cost", e.costNanoUsd());
        }

        ArrayNode hints = root.putArray("hints");
        for (Hint h : r.hints()) {
            ObjectNode hint = hints.addObject();
            hint.put("kind", h.kind().name().toLowerCase(Locale.ROOT));
            hint.put("title", h.title());
            hint.put("text", h.text());
            money(hint, "saving", h.savingNanoUsd());
        }
        return root;
    }

    private static ObjectNode totals(Totals t) {
        ObjectNode node = F.objectNode();
        node.put("requests", t.requests());
        node.put("priced_requests", t.pricedRequests());
        money(node, "cost", t.costNanoUsd());
        node.put("input_tokens", t.inputTokens());
        node.put("output_tokens", t.outputTokens());
        node.put("cache_read_tokens", t.cacheReadTokens());
        node.put("users", t.users());
        node.put("sessions", t.sessions());
        node.put("cache_hits", t.cacheHits());
        node.put("unknown_model_requests", t.unknownModelRequests());
        node.put("no_usage_requests", t.noUsageRequests());
        node.put("estimated_usage_requests", t.estimatedRequests());
        node.put("non_production_requests", t.nonProductionRequests());
        money(node, "non_production_cost", t.nonProductionCostNanoUsd());
        return node;
    }

    private static ArrayNode days(List<Day> days) {
        ArrayNode out = F.arrayNode();
        for (Day d : days) {
            ObjectNode day = out.addObject();
            day.put("date", d.date().toString());
            day.put("requests", d.requests());
            money(day, "cost", d.costNanoUsd());
        }
        return out;
    }

    private static ArrayNode spends(List<Spend> spends) {
        ArrayNode out = F.arrayNode();
        for (Spend s : spends) {
            ObjectNode node = out.addObject();
            node.put("name", s.name());
            node.put("requests", s.requests());
            money(node, "cost", s.costNanoUsd());
            percent(node, "share_percent", s.sharePercent());
            node.put("input_tokens", s.inputTokens());
            node.put("output_tokens", s.outputTokens());
            node.put("unpriced_requests", s.unpricedRequests());
        }
        return out;
    }

    private static void money(ObjectNode node, String name, long nanoUsd) {
        node.put(name + "_nano_usd", nanoUsd);
        node.put(name + "_usd", Usd.exactText(nanoUsd));
    }

    private static void percent(ObjectNode node, String name, BigDecimal percent) {
        if (percent == null) {
            node.putNull(name);
        } else {
            node.put(name, percent.toPlainString());
        }
    }
}
