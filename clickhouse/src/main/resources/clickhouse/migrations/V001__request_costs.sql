-- One row per request: every field of the cost record (README, "Output: the cost record"), usage
-- flattened, properties and cost_breakdown as parallel key/value arrays (no Map on 18.16), booleans as
-- 0/1. Fields the record may leave null are Nullable, none of them in the sort key.
-- Idempotence: a re-delivered record has the same request_id and timestamp, so it lands in the same
-- partition with the same sort key and replaces itself; the highest ingested_at wins. Read it with
-- FINAL (or argMax): until a merge, both copies are stored.
-- timestamp is the request's time truncated to the second (no DateTime64 on 18.16).
CREATE TABLE IF NOT EXISTS {db}.request_costs
(
    request_id String,
    timestamp DateTime('UTC'),
    provider Nullable(String),
    model Nullable(String),
    model_key Nullable(String),
    user_id Nullable(String),
    session_id Nullable(String),
    session_name Nullable(String),
    session_path Nullable(String),
    property_keys Array(String),
    property_values Array(String),
    status Nullable(Int32),
    streamed UInt8,
    cache_hit UInt8,
    input_tokens UInt64,
    output_tokens UInt64,
    cache_read_tokens UInt64,
    cache_write_tokens UInt64,
    cache_write_1h_tokens UInt64,
    reasoning_tokens UInt64,
    audio_input_tokens UInt64,
    audio_output_tokens UInt64,
    web_search_calls UInt64,
    images UInt64,
    usage_source String,
    pricing_status String,
    cost_nano_usd Nullable(Int64),
    cost_usd Nullable(Decimal(18, 9)),
    cost_breakdown_keys Array(String),
    cost_breakdown_values Array(Int64),
    cache_savings_nano_usd Int64,
    errors Array(String),
    ingested_at DateTime('UTC')
)
ENGINE = ReplacingMergeTree(ingested_at)
PARTITION BY toYYYYMM(timestamp)
ORDER BY (request_id)
