package dev.costpipe.clickhouse.report;

import static dev.costpipe.clickhouse.report.ReportSql.MODEL_NAME;
import static dev.costpipe.clickhouse.report.ReportSql.single;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.costpipe.clickhouse.report.WeeklyReport.ExpensiveRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * The report's sections that read single requests, not sums: the most expensive calls and the repeated-prompt
 * hint, over the latest version of each request of the week ({@link PeriodRows}).
 */
final class RequestSections {

    /** The rank among every row's cost that bounds the top calls' costs from below (see {@link #topRequests}). */
    static final int TOP_REQUESTS_BOUND = 2 * WeeklyReport.TOP_REQUESTS;

    private final CostSource source;
    private final PeriodRows rows;

    RequestSections(CostSource source, PeriodRows rows) {
        this.source = source;
        this.rows = rows;
    }

    /**
     * The {@link WeeklyReport#TOP_REQUESTS} most expensive calls, looked for first among the latest versions that
     * cost at least the {@link #TOP_REQUESTS_BOUND}-th largest cost of any row of the week (every version counted,
     * re-delivered ones too: twice the ten leaves room for them): one column read, then the others only from the
     * granules holding those calls. When ten or more latest versions cost that much, no other call can be among the
     * ten; otherwise (a small week, or costs revised downwards) the whole week is sorted.
     */
    List<ExpensiveRequest> topRequests(ClickHouseReader reader, String range) {
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
     * Likely identical prompts: priced, non-cache-hit calls of one user with the same model and the same
     * input-token count (at least {@link ReportHints#REPEAT_MIN_INPUT_TOKENS}). A response cache would have
     * paid for the first call of each group (by time, then request id) and served the others. The first is found
     * by a string, the time's fixed-width text then the id: the same order as {@code tuple(timestamp, request_id)},
     * which 18.16 compares through its slow generic path. Most of a week's groups hold one call (~1.5M groups
     * of ~1.6M calls on the bench's data), so the groups are first counted by a hash of their key (a UInt64) and
     * only the calls of a hash seen twice are grouped for real: a hash two groups share only lets both through,
     * where {@code HAVING n >= 2} still decides.
     */
    ReportHints.Repeats repeats(ClickHouseReader reader, String range) {
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
}
