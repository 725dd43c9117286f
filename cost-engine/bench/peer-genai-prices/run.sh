#!/usr/bin/env bash
# Peer comparison: costpipe's cost computation vs @pydantic/genai-prices' calcPrice, on the SAME
# usage records, both measured in the same run on this machine, one thread each. See README.md.
#
#   cost-engine/bench/peer-genai-prices/run.sh [--records 200000] [--rounds 5] [--warmup 3]
#       [--warmup-seconds 2] [--runs 3] [--seed 42] [--out FILE] [--keep]
#
# A benchmark, not a test: `mvn verify` never runs it (PeerComparisonHarness is only compiled).
set -euo pipefail

# The genai-prices version this comparison was written and measured with. Pinned so a re-run prices
# with the same catalogue and code; bump deliberately and say so with the results.
GENAI_PRICES_VERSION=0.1.8

records=200000
rounds=5
warmup=3
warmup_seconds=2   # and warm up for at least this long: a costpipe round over 200k records is ~40 ms
runs=3      # the machine is shared (other builds may load it): median over runs of each run's median
seed=42
at=2026-06-01T12:00:00Z   # both engines price at this instant, so both pick the same price period
keep=false
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
out="$here/bench-results-peer.json"

die() { echo "run.sh: $*" >&2; exit 2; }
while (($#)); do
  case "$1" in
    --records) records=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --warmup-seconds) warmup_seconds=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --keep) keep=true; shift ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done
((rounds >= 5)) || die "--rounds must be at least 5 (a median of fewer rounds says little)"
((runs >= 1 && records >= 1)) || die "--runs and --records must be positive"

# ---- tools: node >= 20 is what genai-prices declares (engines), JDK 17 and Maven what costpipe builds with
for tool in node npm java mvn sha256sum; do
  command -v "$tool" >/dev/null || die "$tool not found on PATH"
done
node_major=$(node -p 'process.versions.node.split(".")[0]')
((node_major >= 20)) || die "node >= 20 required by @pydantic/genai-prices, found $(node --version)"

# Everything generated (npm packages, classpath, usage and price files) lives in a temp dir outside
# the repository; only the results JSON is written to $out.
tmp=$(mktemp -d "${TMPDIR:-/tmp}/peer-genai-prices.XXXXXX")
if [[ $keep == true ]]; then
  echo "keeping $tmp"
else
  trap 'rm -rf "$tmp"' EXIT
fi

echo "== installing @pydantic/genai-prices@$GENAI_PRICES_VERSION into $tmp"
npm install --prefix "$tmp" --no-audit --no-fund --no-save --loglevel=error \
  "@pydantic/genai-prices@$GENAI_PRICES_VERSION" >/dev/null
export GENAI_PRICES_PREFIX=$tmp   # bench.mjs imports the package from there

echo "== building costpipe's test classes (PeerComparisonHarness) and their classpath"
# Same pattern as cost-engine/jmh.sh; the classpath file goes to $tmp, not into the tree.
# (sed: this Maven prints bare colour-reset codes even with -q -B; a failure still fails the pipe)
mvnq() { (cd "$root" && mvn -q -B "$@" 2>&1) | sed -e 's/\x1b\[[0-9;]*m//g'; }
mvnq -pl cost-engine -am test-compile -DskipTests
mvnq -pl cost-engine dependency:build-classpath -Dmdep.outputFile="$tmp/test.classpath" -Dmdep.includeScope=test
cp="$root/cost-engine/target/test-classes:$root/cost-engine/target/classes:$(cat "$tmp/test.classpath")"
# ${JAVA_OPTS-} lets a caller pass JVM flags; by default the JVM runs with its defaults, as JMH's fork does.
harness() { java ${JAVA_OPTS-} -cp "$cp" dev.costpipe.engine.bench.PeerComparisonHarness "$@"; }

echo "== models both catalogues price"
# A first pass over the candidate models: a model only one side knows cannot be compared, so it is
# dropped (and named) rather than benchmarked on one side only.
mapfile -t candidates < <(node "$here/gen-usage.mjs" --candidates)
node "$here/bench.mjs" --known "${candidates[@]}" >"$tmp/known-genai-prices.txt"
harness known "${candidates[@]}" >"$tmp/known-costpipe.txt"
: >"$tmp/models.txt"
for pm in "${candidates[@]}"; do
  in_genai=$(grep -Fxc "$pm" "$tmp/known-genai-prices.txt" || true)
  in_costpipe=$(grep -Fxc "$pm" "$tmp/known-costpipe.txt" || true)
  if ((in_genai && in_costpipe)); then
    echo "$pm" >>"$tmp/models.txt"
  else
    echo "   dropped $pm (genai-prices: $in_genai, costpipe: $in_costpipe)"
  fi
done
[[ -s $tmp/models.txt ]] || die "no model is priced by both catalogues"
echo "   $(wc -l <"$tmp/models.txt") models: $(paste -sd' ' "$tmp/models.txt")"

echo "== generating $records usage records (seed $seed)"
usage=$tmp/usage.jsonl
node "$here/gen-usage.mjs" --models "$tmp/models.txt" --records "$records" --seed "$seed" --out "$usage"
usage_sha256=$(sha256sum "$usage" | cut -d' ' -f1)
echo "   $usage sha256 $usage_sha256"

load_before=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)
genai_prices_file=$tmp/genai-prices.jsonl
for ((k = 1; k <= runs; k++)); do
  dir=$tmp/runs/run-$k
  mkdir -p "$dir"
  run_node() {
    echo "== run $k/$runs: genai-prices (node bench.mjs), >= $warmup warm-up rounds and ${warmup_seconds}s, $rounds timed rounds"
    node "$here/bench.mjs" "$usage" --rounds "$rounds" --warmup "$warmup" \
      --warmup-seconds "$warmup_seconds" --at "$at" --prices-out "$genai_prices_file" --result-out "$dir/node.json"
  }
  run_java() {
    echo "== run $k/$runs: costpipe (PeerComparisonHarness), >= $warmup warm-up rounds and ${warmup_seconds}s, $rounds timed rounds"
    harness bench --usage "$usage" --genai-prices "$genai_prices_file" --rounds "$rounds" \
      --warmup "$warmup" --warmup-seconds "$warmup_seconds" --at "$at" --out "$dir/java.json"
    node -e 'const r=require(process.argv[1]); console.log(`costpipe: ${r.records} records, median ${r.calls_per_s_median} calls/s over ${r.rounds} rounds`)' "$dir/java.json"
  }
  # The 1-minute load average around each run: a run slowed by other builds shows up there.
  cut -d' ' -f1 /proc/loadavg >"$dir/load-before" 2>/dev/null || echo unknown >"$dir/load-before"
  # The first run measures genai-prices first (the Java side compares against its price file);
  # later runs alternate the order, so neither engine always runs on a machine the other just warmed.
  if ((k % 2 == 1)); then run_node; run_java; else run_java; run_node; fi
  cut -d' ' -f1 /proc/loadavg >"$dir/load-after" 2>/dev/null || echo unknown >"$dir/load-after"
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)

cpu=$(grep -m1 '^model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//' || true)
MACHINE_NPROC=$(nproc) \
MACHINE_CPU="${cpu:-$(uname -m)}" \
MACHINE_JAVA="$(java -version 2>&1 | sed -n 1p)" \
MACHINE_NODE="$(node --version)" \
MACHINE_LOAD_BEFORE="$load_before" \
MACHINE_LOAD_AFTER="$load_after" \
MACHINE_DATE="$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
USAGE_SEED="$seed" \
USAGE_SHA256="$usage_sha256" \
  node "$here/report.mjs" "$tmp/runs" "$out"
