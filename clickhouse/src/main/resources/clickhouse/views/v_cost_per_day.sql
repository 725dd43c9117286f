-- Spend per UTC day. Money is exact: the sum of nano-USD as Decimal(38, 9) USD. Requests that could not be
-- priced (cost_nano_usd NULL: unknown model, no usage) add nothing to the cost and are counted apart.
-- Reads request_costs FINAL, so a re-delivered record is counted once. users: 0 on a day without user ids on
-- 18.16 as on current servers (ifNull: 18.16's uniqExact of only NULLs is NULL, see v_cost_per_user).
CREATE VIEW IF NOT EXISTS {db}.v_cost_per_day AS
SELECT
    toDate(timestamp) AS day,
    count() AS requests,
    countIf(cost_nano_usd IS NULL) AS unpriced_requests,
    sum(ifNull(cost_nano_usd, 0)) AS total_cost_nano_usd,
    toDecimal128(sum(ifNull(cost_nano_usd, 0)), 9) / 1000000000 AS total_cost_usd,
    sum(input_tokens) AS total_input_tokens,
    sum(output_tokens) AS total_output_tokens,
    ifNull(uniqExact(user_id), 0) AS users
FROM {db}.request_costs FINAL
GROUP BY day
ORDER BY day
