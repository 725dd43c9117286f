-- The weekly report's sums per day and session (issue 14): as report_day_sums (V010: fingerprint, batch, seal),
-- per UTC day, session_id ('' for none), session name and user ('' for none), the requests, their cost and the
-- first and last request's time. The report's distinct users and sessions, top users and sessions come from it.
CREATE TABLE IF NOT EXISTS {db}.report_day_session_sums
(
    day Date,
    fingerprint UInt64,
    batch UInt64,
    definition UInt32,
    sealed UInt8,
    batch_rows UInt64,
    session String,
    session_name String,
    user String,
    requests_n UInt64,
    cost_sum Int64,
    first_at DateTime('UTC'),
    last_at DateTime('UTC')
)
ENGINE = MergeTree()
PARTITION BY toMonday(day)
ORDER BY (day, fingerprint, batch)
