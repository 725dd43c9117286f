-- Replicated cluster version of sinks/src/main/resources/clickhouse/migrations/V003__cost_alerts.sql: the same
-- columns, partitioning and sort key (ReplicatedDdlTest checks they never drift), as a replicated
-- local table on every node plus a Distributed table under the name the sink and the views use.
-- Sharded by the sort key, so a re-delivered alert lands on the shard holding its first copy.
CREATE TABLE IF NOT EXISTS costpipe.cost_alerts_local ON CLUSTER '{cluster}'
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
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/costpipe/cost_alerts', '{replica}', ingested_at)
PARTITION BY toYYYYMM(window_start)
ORDER BY (rule_id, window_start, level_pct);

CREATE TABLE IF NOT EXISTS costpipe.cost_alerts ON CLUSTER '{cluster}' AS costpipe.cost_alerts_local
ENGINE = Distributed('{cluster}', costpipe, cost_alerts_local, cityHash64(rule_id, window_start, level_pct));
