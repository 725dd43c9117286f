-- Spend and tokens per provider, model as called, pricing entry (model_key) and UTC day.
CREATE VIEW IF NOT EXISTS {db}.v_cost_per_model AS
SELECT
    toDate(timestamp) AS day,
    provider,
    model,
    model_key,
    count() AS requests,
    countIf(cost_nano_usd IS NULL) AS unpriced_requests,
    sum(ifNull(cost_nano_usd, 0)) AS total_cost_nano_usd,
    toDecimal128(sum(ifNull(cost_nano_usd, 0)), 9) / 1000000000 AS total_cost_usd,
    sum(input_tokens) AS total_input_tokens,
    sum(output_tokens) AS total_output_tokens,
    sum(cache_read_tokens) AS total_cache_read_tokens,
    sum(cache_write_tokens + cache_write_1h_tokens) AS total_cache_write_tokens,
    sum(reasoning_tokens) AS total_reasoning_tokens
FROM {db}.request_costs FINAL
GROUP BY day, provider, model, model_key
ORDER BY day, provider, model
