-- request_costs in a time-led layout (issue 14): a period reads only that period. The sort key is the time of the
-- request's first emission, then request_id: neither changes when a revision or a re-pricing rewrites the row (a
-- revision keeps the first emission's timestamp), so every copy of a request has the same key and
-- ReplacingMergeTree(ingested_at) keeps the latest (ingested_at combines insert time and revision, see V005).
-- Key columns are not Nullable. The key holds columns, not expressions: with toDate(timestamp) in the key, 18.16
-- fails every FINAL query that computes toDate(timestamp) itself ("Column 'toDate(timestamp)' already exists"),
-- v_cost_per_day among them. Partitions are ISO weeks (Monday), the unit of retention (`costpipe clickhouse
-- retention` drops whole weeks: no TTL on 18.16).
-- The new table copies every column of the old one (AS), then takes its name, so the sink and ad-hoc SQL keep
-- using request_costs and new rows land in the new layout at once. The old rows stay in
-- request_costs_before_v008 until `costpipe clickhouse migrate-layout` has copied them (docs/clickhouse.md):
-- on a new database that table is empty and is dropped right away.
CREATE TABLE IF NOT EXISTS {db}.request_costs_time_led AS {db}.request_costs
ENGINE = ReplacingMergeTree(ingested_at)
PARTITION BY toMonday(timestamp)
ORDER BY (timestamp, request_id);

RENAME TABLE {db}.request_costs TO {db}.request_costs_before_v008, {db}.request_costs_time_led TO {db}.request_costs
