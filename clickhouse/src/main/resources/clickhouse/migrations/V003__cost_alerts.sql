-- Budget alert events (README, step 6): each level fires once per rule and window. budget and spent
-- are USD for cost rules and counts for request rules; channels is the rule's channel list as JSON.
-- A re-delivered event replaces itself (same rule_id, window_start, level_pct).
CREATE TABLE IF NOT EXISTS {db}.cost_alerts
(
    rule_id String,
    rule_name String,
    metric String,
    level_pct UInt32,
    budget Decimal(38, 9),
    spent Decimal(38, 9),
    window_start DateTime('UTC'),
    window_end DateTime('UTC'),
    crossed_at DateTime('UTC'),
    last_request_id Nullable(String),
    channels String,
    ingested_at DateTime('UTC')
)
ENGINE = ReplacingMergeTree(ingested_at)
PARTITION BY toYYYYMM(window_start)
ORDER BY (rule_id, window_start, level_pct)
