-- Replicated cluster version of sinks/src/main/resources/clickhouse/migrations/V001__request_costs.sql: the same
-- columns, partitioning and sort key (ReplicatedDdlTest checks they never drift), as a replicated
-- local table on every node plus a Distributed table under the name the sink and the views use.
-- Sharded by request_id, so every copy of a request lands on one shard and FINAL replaces it there.
CREATE TABLE IF NOT EXISTS costpipe.request_costs_local ON CLUSTER '{cluster}'
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
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/costpipe/request_costs', '{replica}', ingested_at)
PARTITION BY toYYYYMM(timestamp)
ORDER BY (request_id);

CREATE TABLE IF NOT EXISTS costpipe.request_costs ON CLUSTER '{cluster}' AS costpipe.request_costs_local
ENGINE = Distributed('{cluster}', costpipe, request_costs_local, cityHash64(request_id));
