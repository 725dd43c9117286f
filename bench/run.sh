#!/usr/bin/env bash
# The end-to-end benchmark: builds what it needs, then runs it on a local Kafka broker and ClickHouse server.
#   bench/run.sh --quick                       # < 5 minutes on 2 cores
#   bench/run.sh [--requests N] [--runs R] [--out FILE] [--profile] [--help for the rest]
#   bench/run.sh read-scale [--rows 10000000,100000000] [--old-layout] [--help]   # reads over a long history
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
echo "bench: building (mvn -q -B -DskipTests package -pl bench -am)..." >&2
(cd "$root" && mvn -q -B -DskipTests package -pl bench -am) >&2
cp="$root/bench/target/classes:$(cat "$root/bench/target/classpath.txt")"
main=dev.costpipe.bench.BenchCommand
if [[ "${1:-}" == read-scale ]]; then
  main=dev.costpipe.bench.ReadScaleCommand
  shift
fi
exec java -Xmx2g ${BENCH_JAVA_OPTS:-} -cp "$cp" "$main" "$@"
