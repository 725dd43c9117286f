-- Generated history for the read-scale benchmark: {count} requests from number {first} on, {per_day} a day from
-- {start} 00:00 UTC, with the traffic generator's cardinalities (devtools …generate.Callers, ModelMix): 500 users,
-- the heavy ones first (user number 500·u²); 85% of requests in sessions of about 4 calls of one user, flow
-- and model; five session names and features; Tier (every fifth user premium) and Environment (80% production,
-- 12% staging, 8% development) properties; 28 priced models with the mix's weights, 1% unknown models;
-- 3% response-cache hits; 30% streamed. Costs are integer nano-USD from per-model token rates.
-- {version} 0 gives every request's first row; a later version gives, for the requests {where} lets through, a
-- revision as the sink stores one: the same key (request id, timestamp), more output tokens, a later ingested_at.
INSERT INTO {db}.request_costs (request_id, timestamp, provider, model, model_key, user_id, session_id, session_name,
    session_path, property_keys, property_values, status, streamed, cache_hit, input_tokens, output_tokens,
    cache_read_tokens, cache_write_tokens, cache_write_1h_tokens, reasoning_tokens, audio_input_tokens,
    audio_output_tokens, web_search_calls, images, usage_source, pricing_status, cost_nano_usd, cost_usd,
    cost_breakdown_keys, cost_breakdown_values, cache_savings_nano_usd, errors, revision, ingested_at)
SELECT
    concat('req-', lower(hex(cityHash64(n, 2))), '-', toString(n)) AS request_id,
    toDateTime(toUInt32(toDateTime(toDate({start}), 'UTC')) + intDiv(n, {per_day}) * 86400
        + intDiv((n % {per_day}) * 86400, {per_day}), 'UTC') AS timestamp,
    providers[m] AS provider,
    if(known, models[m], unknown_models[1 + cityHash64(n, 9) % 4]) AS model,
    if(known, models[m], NULL) AS model_key,
    concat('user-', substring(toString(10000 + user_no), 2)) AS user_id,
    if(in_session, concat('sess-', lower(hex(cityHash64(s, 5))), '-', toString(s)), NULL) AS session_id,
    if(in_session, flows[flow], NULL) AS session_name,
    if(in_session, concat('/step-', toString(n % 4)), NULL) AS session_path,
    ['Tier', 'Environment', 'Feature'] AS property_keys,
    [if(user_no % 5 = 0, 'premium', 'free'),
     multiIf(env < 80, 'production', env < 92, 'staging', 'development'),
     features[flow]] AS property_values,
    200 AS status,
    toUInt8(cityHash64(n, 6) % 100 < 30) AS streamed,
    cache_hit,
    input AS input_tokens,
    output AS output_tokens,
    cached AS cache_read_tokens,
    0 AS cache_write_tokens, 0 AS cache_write_1h_tokens, 0 AS reasoning_tokens, 0 AS audio_input_tokens,
    0 AS audio_output_tokens, 0 AS web_search_calls, 0 AS images,
    'reported' AS usage_source,
    if(known, 'priced', 'unknown_model') AS pricing_status,
    if(known, toInt64(input * in_rates[m] + output * out_rates[m]), NULL) AS cost_nano_usd,
    if(known, toDecimal64(toInt64(input * in_rates[m] + output * out_rates[m]), 9) / 1000000000, NULL) AS cost_usd,
    if(known, ['input', 'output'], emptyArrayString()) AS cost_breakdown_keys,
    if(known, [toInt64(input * in_rates[m]), toInt64(output * out_rates[m])], emptyArrayInt64()) AS cost_breakdown_values,
    toInt64(if(cache_hit = 1 AND known, input * in_rates[m] + output * out_rates[m], 0)) AS cache_savings_nano_usd,
    emptyArrayString() AS errors,
    {version} AS revision,
    toDateTime(toUInt32(timestamp) + 5 + {version} * 3600, 'UTC') AS ingested_at
FROM
(
    SELECT
        number AS n,
        intDiv(number, 4) AS s,
        cityHash64(s, 4) % 100 < 85 AS in_session,
        (cityHash64(if(in_session, s, n), 3) % 1000000) / 1000000 AS u,
        toUInt32(500 * u * u) AS user_no,
        1 + cityHash64(if(in_session, s, n), 7) % 5 AS flow,
        cityHash64(if(in_session, s, n), 8) % 100 AS env,
        cityHash64(n, 10) % 100 != 0 AS known,
        arrayFirstIndex(w -> w > cityHash64(if(in_session, s, n), 11) % 1000, cumulative) AS m,
        toUInt64(200 + cityHash64(n, 12) % 3000) AS input,
        toUInt64(50 + cityHash64(n, 13) % 800 + {version} * 17) AS output,
        if(cityHash64(n, 14) % 3 = 0, intDiv(input, 2), 0) AS cached,
        toUInt8(cityHash64(n, 15) % 100 < 3) AS cache_hit,
        ['openai', 'openai', 'openai', 'openai', 'openai', 'openai', 'openai', 'anthropic', 'anthropic', 'anthropic',
         'anthropic', 'anthropic', 'google', 'google', 'google', 'google', 'bedrock', 'bedrock', 'bedrock', 'bedrock',
         'deepseek', 'deepseek', 'groq', 'groq', 'groq', 'openrouter', 'openrouter', 'openrouter'] AS providers,
        ['gpt-4o-mini', 'gpt-4.1-mini', 'gpt-4o', 'gpt-4.1', 'gpt-5-mini', 'o4-mini', 'gpt-4.1-nano',
         'claude-sonnet-4-5', 'claude-haiku-4-5', 'claude-3-5-haiku-20241022', 'claude-sonnet-4-6', 'claude-opus-4-1',
         'gemini-2.5-flash', 'gemini-2.0-flash', 'gemini-2.5-pro', 'gemini-2.5-flash-lite',
         'us.anthropic.claude-3-7-sonnet-20250219-v1:0', 'us.anthropic.claude-sonnet-4-20250514-v1:0',
         'us.amazon.nova-lite-v1:0', 'us.meta.llama3-3-70b-instruct-v1:0', 'deepseek-chat', 'deepseek-reasoner',
         'llama-3.3-70b-versatile', 'llama-3.1-8b-instant', 'openai/gpt-oss-120b', 'openai/gpt-4o-mini',
         'anthropic/claude-sonnet-4.5', 'google/gemini-2.5-flash'] AS models,
        -- ModelMix's weights (sum 1,000), cumulated
        arrayCumSum([120, 70, 50, 40, 30, 20, 10, 110, 70, 30, 20, 10, 80, 30, 30, 10, 40, 20, 20, 10, 50, 20, 30,
         20, 10, 20, 20, 10]) AS cumulative,
        -- nano-USD per token: USD per million tokens × 1,000
        [150, 400, 2500, 2000, 250, 1100, 100, 3000, 1000, 800, 3000, 15000, 300, 100, 1250, 100, 3000, 3000, 60,
         720, 270, 550, 590, 50, 150, 150, 3000, 300] AS in_rates,
        [600, 1600, 10000, 8000, 2000, 4400, 400, 15000, 5000, 4000, 15000, 75000, 2500, 400, 10000, 400, 15000,
         15000, 240, 720, 1100, 2190, 790, 80, 600, 600, 15000, 2500] AS out_rates,
        ['gpt-6-preview', 'acme-support-llm-v2', 'claude-sonnet-9', 'deepseek-coder-v9'] AS unknown_models,
        ['support-chat', 'code-review', 'doc-qa', 'onboarding-agent', 'email-drafter'] AS flows,
        ['support-bot', 'code-review', 'search', 'onboarding', 'email-assist'] AS features
    FROM numbers({first}, {count})
)
WHERE {where}
