-- One row per session (requests with a session_id): its name (the latest non-null one), user, time span,
-- calls and exact cost. Filter by first_request_at to look at a period.
CREATE VIEW IF NOT EXISTS {db}.v_session_costs AS
SELECT
    session_id,
    argMax(session_name, timestamp) AS session_name,
    argMax(user_id, timestamp) AS user_id,
    min(timestamp) AS first_request_at,
    max(timestamp) AS last_request_at,
    count() AS calls,
    countIf(cost_nano_usd IS NULL) AS unpriced_calls,
    sum(ifNull(cost_nano_usd, 0)) AS total_cost_nano_usd,
    toDecimal128(sum(ifNull(cost_nano_usd, 0)), 9) / 1000000000 AS total_cost_usd
FROM {db}.request_costs FINAL
WHERE session_id IS NOT NULL
GROUP BY session_id
