-- Replicated cluster version of sinks/src/main/resources/clickhouse/migrations/V002__cost_aggregates.sql: the same
-- columns, partitioning and sort key (ReplicatedDdlTest checks they never drift), as a replicated
-- local table on every node plus a Distributed table under the name the sink and the views use.
-- Sharded by the sort key, so every version of a window lands on one shard and FINAL keeps the latest there.
CREATE TABLE IF NOT EXISTS costpipe.cost_aggregates_local ON CLUSTER '{cluster}'
(
    dimension String,
    dimension_value String,
    `window` String,
    window_start DateTime('UTC'),
    window_end DateTime('UTC'),
    cost_nano_usd Int64,
    requests UInt64,
    input_tokens UInt64,
    output_tokens UInt64,
    cache_read_tokens UInt64,
    cache_write_tokens UInt64,
    cache_hits UInt64,
    cache_savings_nano_usd Int64,
    unknown_model_requests UInt64,
    error_requests UInt64,
    version UInt64,
    session_name Nullable(String),
    session_paths_path Array(String),
    session_paths_cost_nano_usd Array(Int64),
    session_paths_requests Array(UInt64),
    ingested_at DateTime('UTC')
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/costpipe/cost_aggregates', '{replica}', version)
PARTITION BY toYYYYMM(window_start)
ORDER BY (dimension, dimension_value, `window`, window_start);

CREATE TABLE IF NOT EXISTS costpipe.cost_aggregates ON CLUSTER '{cluster}' AS costpipe.cost_aggregates_local
ENGINE = Distributed('{cluster}', costpipe, cost_aggregates_local, cityHash64(dimension, dimension_value, `window`, window_start));
