-- What the sink's migrations have run: one row per migration (version 001, 002, …) and per view
-- (version view:<name>, re-created when its SQL changes). The newest applied_at of a version wins.
CREATE TABLE IF NOT EXISTS {db}.schema_migrations
(
    version String,
    name String,
    checksum String,
    applied_at DateTime('UTC')
)
ENGINE = ReplacingMergeTree(applied_at)
ORDER BY version
