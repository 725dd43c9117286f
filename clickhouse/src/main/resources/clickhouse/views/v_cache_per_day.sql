-- Caching per UTC day, provider and model: response-cache hits (cache_hit: the provider was not paid),
-- prompt-cache hits (requests with cache reads) and the share of input tokens read from the cache, and
-- what caching saved (cache_savings_nano_usd, exact USD).
CREATE VIEW IF NOT EXISTS {db}.v_cache_per_day AS
SELECT
    toDate(timestamp) AS day,
    provider,
    model,
    count() AS requests,
    countIf(cache_hit = 1) AS response_cache_hits,
    countIf(cache_hit = 1) / count() AS response_cache_hit_rate,
    countIf(cache_read_tokens > 0) AS prompt_cache_hits,
    countIf(cache_read_tokens > 0) / count() AS prompt_cache_hit_rate,
    sum(input_tokens) AS total_input_tokens,
    sum(cache_read_tokens) AS total_cache_read_tokens,
    if(sum(input_tokens) = 0, 0, sum(cache_read_tokens) / sum(input_tokens)) AS cache_read_token_rate,
    sum(cache_savings_nano_usd) AS total_cache_savings_nano_usd,
    toDecimal128(sum(cache_savings_nano_usd), 9) / 1000000000 AS total_cache_savings_usd
FROM {db}.request_costs FINAL
GROUP BY day, provider, model
ORDER BY day, provider, model
