-- The weekly report's sums per day (issue 14): request_costs' latest versions of one UTC day grouped by the
-- dimensions the report's summing sections read, with their sums. `costpipe report` writes a day here once the day is over and reads it
-- instead of the day's rows, but only while the day's fingerprint (the sum of cityHash64(request_id,
-- ingested_at, revision) over its stored rows) still equals the one the sums were made from: any insert,
-- revision, re-pricing or merge changes it, and the day is read from request_costs again (docs/clickhouse.md).
-- A batch (one report's write) counts only once its seal row (sealed = 1, batch_rows = its data rows) is
-- there and all its data rows are: written after the report saw the fingerprint unchanged by the write.
-- definition: what the sums hold; rows of another definition are not read. Partitions are ISO weeks, dropped
-- with request_costs' by `costpipe clickhouse retention`.
CREATE TABLE IF NOT EXISTS {db}.report_day_sums
(
    day Date,
    fingerprint UInt64,
    batch UInt64,
    definition UInt32,
    sealed UInt8,
    batch_rows UInt64,
    provider String,
    model String,
    model_key String,
    pricing_status String,
    usage_source String,
    cache_hit UInt8,
    non_production UInt8,
    short_rates UInt8,
    requests_n UInt64,
    priced_n UInt64,
    cost_sum Int64,
    input_tokens_sum UInt64,
    output_tokens_sum UInt64,
    cache_read_tokens_sum UInt64,
    cache_savings_sum Int64,
    input_side_cost_sum Int64,
    output_side_cost_sum Int64
)
ENGINE = MergeTree()
PARTITION BY toMonday(day)
ORDER BY (day, fingerprint, batch)
