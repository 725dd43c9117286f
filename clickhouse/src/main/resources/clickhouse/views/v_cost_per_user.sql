-- Spend per user and UTC day (user_id NULL: requests without Helicone-User-Id). A user's total over a
-- period: SELECT user_id, sum(total_cost_usd) FROM v_cost_per_user WHERE day BETWEEN … GROUP BY user_id
-- (Decimal sums stay exact). ifNull: for a user without any session, 18.16's uniqExact of only NULLs is NULL,
-- current servers' is 0 (checked on ClickHouse 26 by CurrentClickHouseViewsTest); 0 on both.
CREATE VIEW IF NOT EXISTS {db}.v_cost_per_user AS
SELECT
    toDate(timestamp) AS day,
    user_id,
    count() AS requests,
    countIf(cost_nano_usd IS NULL) AS unpriced_requests,
    sum(ifNull(cost_nano_usd, 0)) AS total_cost_nano_usd,
    toDecimal128(sum(ifNull(cost_nano_usd, 0)), 9) / 1000000000 AS total_cost_usd,
    sum(input_tokens) AS total_input_tokens,
    sum(output_tokens) AS total_output_tokens,
    ifNull(uniqExact(session_id), 0) AS sessions
FROM {db}.request_costs FINAL
GROUP BY day, user_id
ORDER BY day, user_id
