-- The topology's window totals (README, step 5): one row per dimension value, window size and window
-- start. Each update of a window is a new record with a higher version; ReplacingMergeTree(version)
-- keeps the highest, so read with FINAL (or argMax(…, version)). session_paths is flattened into three
-- parallel arrays (path, cost in nano-USD, requests).
CREATE TABLE IF NOT EXISTS {db}.cost_aggregates
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
ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(window_start)
ORDER BY (dimension, dimension_value, `window`, window_start)
