-- The weekly report's most expensive requests per day (issue 14): as report_day_sums (V010: fingerprint, batch,
-- seal), each UTC day's ten priced requests of highest cost (then request_id), as the report lists them: a week's
-- ten are among its days' tens.
CREATE TABLE IF NOT EXISTS {db}.report_day_top_requests
(
    day Date,
    fingerprint UInt64,
    batch UInt64,
    definition UInt32,
    sealed UInt8,
    batch_rows UInt64,
    request_id String,
    request_at DateTime('UTC'),
    provider String,
    model_name String,
    user String,
    session String,
    session_name String,
    input_tokens UInt64,
    output_tokens UInt64,
    cost Int64
)
ENGINE = MergeTree()
PARTITION BY toMonday(day)
ORDER BY (day, fingerprint, batch)
