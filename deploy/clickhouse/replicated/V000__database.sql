-- The database on every node of the cluster. Apply the files in order, e.g.
--   for f in deploy/clickhouse/replicated/V*.sql; do clickhouse-client --multiquery < "$f"; done
CREATE DATABASE IF NOT EXISTS costpipe ON CLUSTER '{cluster}';
