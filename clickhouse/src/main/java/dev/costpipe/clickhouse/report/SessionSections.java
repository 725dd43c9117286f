package dev.costpipe.clickhouse.report;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.costpipe.clickhouse.report.WeeklyReport.SessionNameStats;
import dev.costpipe.clickhouse.report.WeeklyReport.SessionSpend;
import dev.costpipe.clickhouse.report.WeeklyReport.UserSpend;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The report's sections on who spent it, each one SELECT over the sums per day and session ({@link
 * DayGrid#SESSIONS}): the top users, the top sessions and the cost per session name.
 */
final class SessionSections {

    static final int SESSION_NAMES = 20;

    private final DaySums sessionSums;

    SessionSections(DaySums sessionSums) {
        this.sessionSums = sessionSums;
    }

    List<UserSpend> topUsers(ClickHouseReader reader, IsoWeek week, LongSupplier totalCost) {
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

    List<SessionSpend> topSessions(ClickHouseReader reader, IsoWeek week) {
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
    List<SessionNameStats> sessionNames(ClickHouseReader reader, IsoWeek week) {
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
}
