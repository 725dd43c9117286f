#!/usr/bin/env bash
# The end-to-end benchmark: builds what it needs, then runs it on a local Kafka broker and ClickHouse server.
#   bench/run.sh --quick                       # < 5 minutes on 2 cores
#   bench/run.sh [--requests N] [--runs R] [--out FILE] [--profile] [--help for the rest]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
echo "bench: building (mvn -q -B -DskipTests package -pl bench -am)..." >&2
(cd "$root" && mvn -q -B -DskipTests package -pl bench -am) >&2
cp="$root/bench/target/classes:$(cat "$root/bench/target/classpath.txt")"
exec java -Xmx2g ${BENCH_JAVA_OPTS:-} -cp "$cp" dev.costpipe.bench.BenchCommand "$@"
