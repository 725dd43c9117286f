#!/usr/bin/env bash
# The soak run: generated traffic through the whole pipeline under faults, then checked end to end.
#   bench/soak.sh                    # 30 minutes of traffic (about 40 minutes in all)
#   bench/soak.sh --minutes 3        # to try it (about 8 minutes)
#   bench/soak.sh [--rate N] [--kill-every MIN] [--seed S] [--out FILE] [--work-dir DIR] [--help for the rest]
# Exits 0 when ClickHouse's total = the cost records' total = `costpipe cost` over the same events and every alert
# level was delivered once per window; 1 on any mismatch (each printed as MISMATCH: ...). Figures: soak-results.json.
# Builds offline when SOAK_MVN_OPTS=-o.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
echo "soak: building (mvn -q -B -DskipTests package -pl bench -am)..." >&2
(cd "$root" && mvn -q -B ${SOAK_MVN_OPTS:-} -DskipTests package -pl bench -am) >&2
cp="$root/bench/target/classes:$(cat "$root/bench/target/classpath.txt")"
# (its own Kafka clients wait out the broker restarts: their warnings are expected, only errors are shown)
exec java -Xmx1g -Dorg.slf4j.simpleLogger.log.org.apache.kafka=error ${SOAK_JAVA_OPTS:-} -cp "$cp" dev.costpipe.bench.SoakCommand "$@"
