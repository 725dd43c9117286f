-- Unit economics per kind of session ("a support chat costs $0.12 on average with 5 calls"): sessions of
-- each session_name, their calls and exact total cost, the average cost per session (Decimal, truncated
-- to the nano-USD) and the average number of calls per session. Built on v_session_costs.
CREATE VIEW IF NOT EXISTS {db}.v_cost_per_session_name AS
SELECT
    session_name,
    count() AS sessions,
    sum(calls) AS total_calls,
    sum(unpriced_calls) AS total_unpriced_calls,
    toDecimal128(sum(total_cost_nano_usd), 9) / 1000000000 AS total_cost_usd,
    toDecimal128(sum(total_cost_nano_usd), 9) / 1000000000 / count() AS avg_cost_per_session_usd,
    sum(calls) / count() AS avg_calls_per_session
FROM {db}.v_session_costs
WHERE session_name IS NOT NULL
GROUP BY session_name
ORDER BY session_name
