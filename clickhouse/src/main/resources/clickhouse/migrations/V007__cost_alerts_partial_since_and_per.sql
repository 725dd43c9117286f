-- An alert of a rule put mid-window whose spend before no aggregate holds (issue 12): partial_since is when the
-- rule started counting, and spent is the spend since then; NULL when spent is the whole window's. An alert of
-- a rule with per (issue 16: each user its own budget): per is its dimension (user_id, ...) and per_value the
-- key whose spend crossed; '' for other rules. The sort key stays (rule_id, window_start, level_pct): 18.16
-- cannot change it on a replicated table, so the sink writes a per rule's rule_id with its key
-- (per-user-daily/alice), and each key's alerts are rows of their own. Rows written before read NULL and ''.
ALTER TABLE {db}.cost_alerts
    ADD COLUMN partial_since Nullable(DateTime('UTC')) AFTER channels,
    ADD COLUMN per String DEFAULT '' AFTER partial_since,
    ADD COLUMN per_value String DEFAULT '' AFTER per
