-- Priced requests, most expensive first: SELECT * FROM v_top_requests LIMIT 10
-- (add WHERE timestamp >= … for a period; ties are ordered by request_id).
CREATE VIEW IF NOT EXISTS {db}.v_top_requests AS
SELECT
    request_id,
    timestamp,
    user_id,
    session_id,
    session_name,
    provider,
    model,
    model_key,
    input_tokens,
    output_tokens,
    cost_nano_usd,
    cost_usd
FROM {db}.request_costs FINAL
WHERE cost_nano_usd IS NOT NULL
ORDER BY cost_nano_usd DESC, request_id
