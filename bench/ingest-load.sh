#!/usr/bin/env bash
# The bounded load run of `costpipe ingest` (docs/ingest.md "Load"): a local broker, the ingest server, and
# CLIENTS concurrent clients posting OTLP/HTTP protobuf requests of 100 GenAI spans, then LiteLLM arrays of 100,
# for SECONDS each (after a 5 s warm-up). Prints usage events/s acknowledged by Kafka, p50/p99 latency, CPU.
#   bench/ingest-load.sh [CLIENTS=4] [SECONDS=30]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
echo "ingest-load: building (mvn -q -B -DskipTests package -pl bench -am)..." >&2
(cd "$root" && mvn -q -B -o -DskipTests package -pl bench -am) >&2
cp="$root/bench/target/classes:$(cat "$root/bench/target/classpath.txt")"
exec java -Xmx1g -Dorg.slf4j.simpleLogger.log.org.apache.kafka=warn ${BENCH_JAVA_OPTS:-} -cp "$cp" \
  dev.costpipe.bench.IngestLoad "${1:-4}" "${2:-30}"
