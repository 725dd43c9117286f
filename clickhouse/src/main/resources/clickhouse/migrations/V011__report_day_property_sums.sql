-- The weekly report's sums per day and custom property (issue 14): as report_day_sums (V010: fingerprint,
-- batch, seal), per UTC day, property name and value, the requests carrying that pair and their cost.
CREATE TABLE IF NOT EXISTS {db}.report_day_property_sums
(
    day Date,
    fingerprint UInt64,
    batch UInt64,
    definition UInt32,
    sealed UInt8,
    batch_rows UInt64,
    name String,
    value String,
    requests_n UInt64,
    cost_sum Int64
)
ENGINE = MergeTree()
PARTITION BY toMonday(day)
ORDER BY (day, fingerprint, batch)
