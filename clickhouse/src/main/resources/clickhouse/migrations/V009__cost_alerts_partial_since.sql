-- An alert of a rule put mid-window whose spend before no aggregate holds (issue 12): partial_since is when the
-- rule started counting, and spent is the spend since then; NULL when spent is the whole window's. Rows written
-- before read NULL.
ALTER TABLE {db}.cost_alerts
    ADD COLUMN partial_since Nullable(DateTime('UTC')) AFTER channels
