-- The weekly report's sums per day and user (issue 14): as report_day_sums (V010: fingerprint, batch, seal), per
-- UTC day and user_id ('' for none), the requests, their cost and their distinct sessions (a uniqExactIf state,
-- merged across days).
CREATE TABLE IF NOT EXISTS {db}.report_day_user_sums
(
    day Date,
    fingerprint UInt64,
    batch UInt64,
    definition UInt32,
    sealed UInt8,
    batch_rows UInt64,
    user String,
    requests_n UInt64,
    cost_sum Int64,
    sessions_state AggregateFunction(uniqExactIf, String, UInt8)
)
ENGINE = MergeTree()
PARTITION BY toMonday(day)
ORDER BY (day, fingerprint, batch)
