#!/usr/bin/env bash
# The whole pipeline on one machine, fed with synthetic LLM traffic, ending with the weekly report:
#   deploy/quickstart.sh [--duration 3m] [--rate 20]     run (again: reuses the data and what still runs)
#   deploy/quickstart.sh --stop                          stop every component the quickstart left running
# Starts (or reuses) a local Kafka, a local ClickHouse (or uses $CLICKHOUSE_URL), `costpipe run`,
# `costpipe sink clickhouse`, a local webhook receiver and `costpipe notify`, puts an alert rule,
# produces traffic with `costpipe generate`, waits until ClickHouse has every request, then prints
# `costpipe report weekly`. Data, logs and pid files live in .costpipe/ at the repository root.
# Ctrl-C or SIGTERM stops what this run started; after a normal end the components keep running
# (for your queries) until `--stop`.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
data="$root/.costpipe"
logs="$data/logs"
pids="$data/pids"
jar="$data/costpipe.jar"
duration=3m
rate=20
java_opts=(-Xmx512m -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError)

say() { printf '[quickstart %s] %s\n' "$(date -u +%H:%M:%S)" "$*" || true; }
die() { say "ERROR: $*" >&2; exit 1; }
usage() { sed -n '2,10p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

stop_only=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --duration) duration="${2:?--duration needs a value, e.g. 60s or 3m}"; shift 2 ;;
    --rate) rate="${2:?--rate needs a value (requests per second)}"; shift 2 ;;
    --stop) stop_only=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown option: $1" ;;
  esac
done
[[ "$rate" =~ ^[0-9]+([.][0-9]+)?$ ]] || die "--rate must be a number of requests per second, got '$rate'"
[[ "$duration" =~ ^[0-9]+(s|m|h)$ || "$duration" =~ ^P ]] || die "--duration must look like 60s, 3m, 1h or PT3M, got '$duration'"
mkdir -p "$logs" "$pids"

# ---- processes --------------------------------------------------------------------------------
# A component is alive when its pid file names a live process whose command line is still ours
# (a pid can be reused by another program after a reboot).
pid_of() { [[ -f "$pids/$1.pid" ]] && cat "$pids/$1.pid"; }
alive() {
  local pid; pid="$(pid_of "$1")" || return 1
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -- "$2" >/dev/null
}

stop_component() {
  local name="$1" pid; pid="$(pid_of "$name")" || return 0
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null \
      && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -E 'costpipe|clickhouse' >/dev/null; then
    say "stopping $name (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    if kill -0 "$pid" 2>/dev/null; then say "$name did not stop within 30 s: killing it"; kill -KILL "$pid" 2>/dev/null || true; fi
  fi
  rm -f "$pids/$name.pid"
}

all_components=(generate notify webhook-receiver sink run clickhouse kafka)
if [[ $stop_only == 1 ]]; then
  for c in "${all_components[@]}"; do stop_component "$c"; done
  say "stopped; the data stays in $data (delete it to start afresh)"
  exit 0
fi

# What this run started: stopped again on Ctrl-C, SIGTERM or failure, in reverse order.
started=()
finished=0
cleanup() {
  local i
  for ((i=${#started[@]}-1; i>=0; i--)); do stop_component "${started[$i]}"; done
}
on_exit() { local status=$?; if [[ $finished != 1 ]]; then cleanup; fi; exit "$status"; }
trap on_exit EXIT
# (a closed terminal or a reader gone from a pipe must not cut the cleanup short: no more SIGPIPE)
trap 'trap "" PIPE; echo || true; say "interrupted: stopping what this run started" || true; exit 130' INT TERM HUP

# Components run in their own session (setsid): a Ctrl-C in the terminal reaches only this script,
# which stops them in order; after a normal end they keep running.
start_java() {
  local name="$1"; shift
  say "starting $name (log: $logs/$name.log)"
  echo "---- $(date -u +%FT%TZ) $*" >>"$logs/$name.log"
  log_offset[$name]="$(stat -c %s "$logs/$name.log")"
  setsid java "${java_opts[@]}" -jar "$jar" "$@" >>"$logs/$name.log" 2>&1 </dev/null &
  echo $! >"$pids/$name.pid"
  started+=("$name")
}

# Waits until what $1 logged since its start shows the pattern $2, or fails with the log's tail.
declare -A log_offset
await_log() {
  local name="$1" pattern="$2" timeout="${3:-120}" pid; pid="$(pid_of "$name")"
  for _ in $(seq 1 $((timeout * 5))); do
    if tail -c +"$((${log_offset[$name]:-0} + 1))" "$logs/$name.log" | grep -- "$pattern" >/dev/null; then return 0; fi
    kill -0 "$pid" 2>/dev/null || { tail -n 30 "$logs/$name.log" >&2; die "$name exited during startup (log: $logs/$name.log)"; }
    sleep 0.2
  done
  tail -n 30 "$logs/$name.log" >&2
  die "$name did not get ready within $timeout s (log: $logs/$name.log)"
}

costpipe() { java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -jar "$jar" "$@"; }

# ---- ports ------------------------------------------------------------------------------------
in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# The preferred port when free, else the first free one from $2 on.
pick_port() {
  local p="$1"
  if ! in_use "$p"; then echo "$p"; return; fi
  for p in $(seq "$2" $(($2 + 200))); do in_use "$p" || { echo "$p"; return; }; done
  die "no free port in $2..$(($2 + 200)) on 127.0.0.1"
}

# ---- HTTP to ClickHouse (curl when there is one, else bash's /dev/tcp) -------------------------
ch_get() { # $1 = URL-encoded query string after '?', prints the body; fails on a non-200 answer
  if command -v curl >/dev/null; then
    curl -sSf --max-time 10 ${ch_user:+-u "$ch_user:$(cat "$data/clickhouse-password" 2>/dev/null)"} "$ch_url/?$1"
  else
    local hostport="${ch_url#http://}"; hostport="${hostport%%/*}"
    exec 3<>"/dev/tcp/${hostport%:*}/${hostport##*:}" || return 1
    printf 'GET /?%s HTTP/1.0\r\nHost: %s\r\n\r\n' "$1" "$hostport" >&3
    local status; IFS= read -r status <&3
    [[ "$status" == *" 200 "* ]] || { exec 3<&-; return 1; }
    sed '1,/^\r$/d' <&3; exec 3<&-
  fi
}
ch_ping() { [[ "$(ch_get 'query=SELECT%201' 2>/dev/null)" == 1* ]]; }
rows() { ch_get 'query=SELECT%20count()%20FROM%20costpipe.request_costs%20FINAL' 2>/dev/null | tr -d '[:space:]' || true; }

begin=$(date +%s)
command -v java >/dev/null || die "java (17+) is needed: apt-get install -y openjdk-17-jre-headless"
command -v setsid >/dev/null || die "setsid (util-linux) is needed"

# ---- 1. build ---------------------------------------------------------------------------------
say "building costpipe if needed (first time: a few minutes of Maven)"
"$root/deploy/costpipe" --version >/dev/null || die "the build failed"
# Components run a copy: a later build replaces the jar without pulling it from under running JVMs.
cp "$root/deploy/target/costpipe.jar" "$jar.tmp" && mv -f "$jar.tmp" "$jar"

# ---- 2. Kafka ---------------------------------------------------------------------------------
kafka_dir="$data/kafka"
if alive kafka "local kafka"; then
  kafka_port="$(sed -n 's/^port=//p' "$kafka_dir/ports.properties")"
  say "Kafka already running on 127.0.0.1:$kafka_port (pid $(pid_of kafka)): reusing it"
else
  previous="$(sed -n 's/^port=//p' "$kafka_dir/ports.properties" 2>/dev/null || true)"
  kafka_port="$(pick_port "${previous:-9092}" 19092)"
  start_java kafka local kafka --data-dir "$kafka_dir" --port "$kafka_port"
  await_log kafka "ready on" 120
  say "Kafka ready on 127.0.0.1:$kafka_port (data: $kafka_dir)"
fi
bootstrap="127.0.0.1:$kafka_port"

# ---- 3. ClickHouse ----------------------------------------------------------------------------
ch_user="${CLICKHOUSE_USER:-}"
ch_dir="$data/clickhouse"
if [[ -n "${CLICKHOUSE_URL:-}" ]]; then
  ch_url="${CLICKHOUSE_URL%/}"
  if [[ -n "${CLICKHOUSE_PASSWORD:-}" ]]; then (umask 077; printf '%s' "$CLICKHOUSE_PASSWORD" >"$data/clickhouse-password"); fi
  ch_ping || die "ClickHouse at \$CLICKHOUSE_URL ($ch_url) does not answer"
  say "using ClickHouse at $ch_url (\$CLICKHOUSE_URL)"
elif alive clickhouse clickhouse && ch_url="$(cat "$ch_dir/url")" && ch_ping; then
  say "ClickHouse already running at $ch_url (pid $(pid_of clickhouse)): reusing it"
else
  server="$(command -v clickhouse-server || true)"
  [[ -z "$server" && -x /usr/sbin/clickhouse-server ]] && server=/usr/sbin/clickhouse-server
  [[ -z "$server" && -x /usr/bin/clickhouse ]] && server=/usr/bin/clickhouse-server
  if [[ -z "$server" || ! -x "$server" ]]; then
    say "clickhouse-server is not installed: installing Debian's package"
    sudo=""; [[ $(id -u) == 0 ]] || { sudo -n true 2>/dev/null && sudo="sudo -n"; } \
      || die "clickhouse-server is missing and this user cannot install it: run 'sudo apt-get install -y clickhouse-server' or set CLICKHOUSE_URL"
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq >>"$logs/apt.log" 2>&1 || true
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clickhouse-server clickhouse-client >>"$logs/apt.log" 2>&1 \
      || die "apt-get install clickhouse-server failed (log: $logs/apt.log); or set CLICKHOUSE_URL to a running server"
    server="$(command -v clickhouse-server || echo /usr/sbin/clickhouse-server)"
  fi
  mkdir -p "$ch_dir/log"
  http_port="$(pick_port "$(cat "$ch_dir/http_port" 2>/dev/null || echo 8123)" 18123)"
  tcp_port="$(pick_port "$(cat "$ch_dir/tcp_port" 2>/dev/null || echo 9000)" 19000)"
  echo "$http_port" >"$ch_dir/http_port"; echo "$tcp_port" >"$ch_dir/tcp_port"
  # Its own config: ports, data and logs under .costpipe/clickhouse; listens on 127.0.0.1 only.
  # keep_alive_timeout 1 s: 18.16 waits for idle keep-alive connections on SIGTERM (default 10 s).
  cat >"$ch_dir/config.xml" <<EOF
<?xml version="1.0"?>
<yandex>
    <logger><level>information</level><log>$ch_dir/log/clickhouse-server.log</log><errorlog>$ch_dir/log/clickhouse-server.err.log</errorlog><size>100M</size><count>1</count></logger>
    <listen_host>127.0.0.1</listen_host>
    <http_port>$http_port</http_port>
    <tcp_port>$tcp_port</tcp_port>
    <path>$ch_dir/data/</path>
    <tmp_path>$ch_dir/tmp/</tmp_path>
    <user_files_path>$ch_dir/user_files/</user_files_path>
    <format_schema_path>$ch_dir/format_schemas/</format_schema_path>
    <users_config>$ch_dir/users.xml</users_config>
    <default_profile>default</default_profile>
    <default_database>default</default_database>
    <timezone>UTC</timezone>
    <mark_cache_size>268435456</mark_cache_size>
    <max_concurrent_queries>100</max_concurrent_queries>
    <keep_alive_timeout>1</keep_alive_timeout>
</yandex>
EOF
  cat >"$ch_dir/users.xml" <<'EOF'
<?xml version="1.0"?>
<yandex>
    <profiles><default><allow_experimental_low_cardinality_type>1</allow_experimental_low_cardinality_type></default></profiles>
    <users><default><password></password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks><profile>default</profile><quota>default</quota></default></users>
    <quotas><default></default></quotas>
</yandex>
EOF
  say "starting ClickHouse on 127.0.0.1:$http_port (log: $ch_dir/log/clickhouse-server.log)"
  rm -f "$pids/clickhouse.pid"
  (cd "$ch_dir" && "$server" --config-file="$ch_dir/config.xml" --pid-file="$pids/clickhouse.pid" --daemon \
      >>"$logs/clickhouse.log" 2>&1 </dev/null) || die "clickhouse-server did not start (log: $logs/clickhouse.log)"
  started+=(clickhouse)
  ch_url="http://127.0.0.1:$http_port"
  echo "$ch_url" >"$ch_dir/url"
  for _ in $(seq 1 300); do ch_ping && break; sleep 0.2; done
  ch_ping || { tail -n 20 "$ch_dir/log/clickhouse-server.err.log" >&2 || true; die "ClickHouse did not answer on $ch_url within 60 s"; }
  say "ClickHouse ready at $ch_url (data: $ch_dir/data)"
fi
ch_args=(--clickhouse-url "$ch_url")
if [[ -n "$ch_user" ]]; then ch_args+=(--user "$ch_user"); fi
if [[ -f "$data/clickhouse-password" ]]; then ch_args+=(--password-file "$data/clickhouse-password"); fi

# ---- 4. costpipe run, the sink, the webhook receiver, the notifier ------------------------------
if alive run " run "; then
  say "costpipe run already running (pid $(pid_of run)): reusing it"
else
  printf 'state.dir=%s\n' "$data/streams" >"$data/costpipe.properties"
  start_java run run --bootstrap-server "$bootstrap" --config "$data/costpipe.properties" --progress-every 5s
  await_log run "costpipe started" 180
fi

if alive sink "sink clickhouse"; then
  say "ClickHouse sink already running (pid $(pid_of sink)): reusing it"
else
  start_java sink sink clickhouse --bootstrap-server "$bootstrap" "${ch_args[@]}"
  await_log sink "ClickHouse sink consuming" 180
fi

[[ -f "$data/hook-secret" ]] || (umask 077; head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$data/hook-secret")
export COSTPIPE_HOOK_SECRET; COSTPIPE_HOOK_SECRET="$(cat "$data/hook-secret")"
if alive webhook-receiver "webhook-receiver"; then
  hook_port="$(cat "$data/hook-port")"
  say "webhook receiver already running on 127.0.0.1:$hook_port: reusing it"
else
  hook_port="$(pick_port "$(cat "$data/hook-port" 2>/dev/null || echo 18080)" 18081)"
  echo "$hook_port" >"$data/hook-port"
  start_java webhook-receiver local webhook-receiver --port "$hook_port" --output "$data/alerts.jsonl"
  await_log webhook-receiver "listening on" 60
fi

if alive notify " notify "; then
  say "notifier already running (pid $(pid_of notify)): reusing it"
else
  cat >"$data/notifier.yml" <<EOF
bootstrap_servers: $bootstrap
default_channels: [local-webhook]
retry: {attempts: 5, base_delay: 1s, max_delay: 10s}
channels:
  local-webhook: {type: webhook, url: "http://127.0.0.1:$hook_port/alerts", secret_env: COSTPIPE_HOOK_SECRET}
EOF
  start_java notify notify --config "$data/notifier.yml"
  await_log notify "notifier starting" 120
fi

say "putting the example alert rule (production spend per hour, budget \$5): deploy/examples/quickstart-alert-rule.json"
costpipe alerts put --bootstrap-server "$bootstrap" "$root/deploy/examples/quickstart-alert-rule.json" >>"$logs/alerts.log" 2>&1 \
  || die "costpipe alerts put failed (log: $logs/alerts.log)"

# ---- 5. traffic -------------------------------------------------------------------------------
base_rows="$(rows)"; base_rows="${base_rows:-0}"
# (no pipeline: under pipefail a missing file would end the script, silently)
alerts_count() { if [[ -f "$data/alerts.jsonl" ]]; then wc -l <"$data/alerts.jsonl"; else echo 0; fi; }
alerts_before="$(alerts_count)"
seed="$(date +%s)" # a new seed per run: the same one would repeat request ids, which costpipe counts once
say "generating traffic for $duration at $rate requests/s (seed $seed; log: $logs/generate.log)"
start_java generate generate --bootstrap-server "$bootstrap" --rate "$rate" --duration "$duration" --seed "$seed"
gen_pid="$(pid_of generate)"

last_line() { grep -a "$2" "$logs/$1.log" 2>/dev/null | tail -n 1 || true; }
progress() {
  local gen run events eps priced pps
  gen="$(last_line generate 'costpipe generate: [0-9]')"
  run="$(last_line run 'costpipe run: [0-9]')"
  events="$(sed -n 's/.* requests, \([0-9]*\) events (.*/\1/p' <<<"$gen")"
  eps="$(sed -n 's/.*requests\/s, \([0-9]*\) events\/s now.*/\1/p' <<<"$gen")"
  priced="$(sed -n 's/^costpipe run: \([0-9]*\) cost records.*/\1/p' <<<"$run")"
  pps="$(sed -n 's/^costpipe run: [0-9]* cost records (\([0-9]*\)\/s).*/\1/p' <<<"$run")"
  say "events produced: ${events:-0} (${eps:-0}/s) | requests priced: ${priced:-0} (${pps:-0}/s) | rows in request_costs: $(rows)"
}
while kill -0 "$gen_pid" 2>/dev/null; do sleep 5; progress; done
wait "$gen_pid" || die "costpipe generate failed (log: $logs/generate.log)"
rm -f "$pids/generate.pid"
summary="$(last_line generate 'costpipe generate: done')"
say "${summary#costpipe generate: }"
generated="$(sed -n 's/.*s: \([0-9]*\) requests (.*/\1/p' <<<"$summary")"

# ---- 6. wait for the sink ---------------------------------------------------------------------
expected=$((base_rows + ${generated:-0}))
say "waiting until ClickHouse has all $generated requests of this run ($expected rows)"
for i in $(seq 1 120); do
  now_rows="$(rows)"
  [[ "${now_rows:-0}" -ge "$expected" ]] && break
  if ((i % 5 == 0)); then progress; fi
  sleep 1
done
now_rows="$(rows)"
status=0
if [[ "${now_rows:-0}" -ge "$expected" ]]; then
  say "caught up: $now_rows rows in costpipe.request_costs"
else
  say "ERROR: only $now_rows of $expected rows after 2 minutes: see $logs/run.log and $logs/sink.log"
  status=1
fi
sleep 3 # the aggregates and alerts of the last window follow the cost rows
alerts_now="$(alerts_count)"
say "alerts delivered to the local webhook: $((alerts_now - alerts_before)) in this run, $alerts_now in all ($data/alerts.jsonl)"
finished=1
trap - INT TERM HUP

# ---- 7. where to look, then the report (last, with its total spend line) ------------------------
cat <<EOF

Where to look next (everything keeps running; stop it with: deploy/quickstart.sh --stop)
  SQL:     curl '$ch_url/?query=SELECT+*+FROM+costpipe.v_cost_per_model+FORMAT+PrettyCompact'
           views: v_cost_per_day v_cost_per_user v_cost_per_model v_cost_per_property v_session_costs
                  v_cost_per_session_name v_cache_per_day v_top_requests v_unknown_model_requests
           e.g.   SELECT session_name, count(), sum(cost_usd) FROM costpipe.request_costs FINAL GROUP BY session_name
  CLI:     java -jar deploy/target/costpipe.jar query --clickhouse-url $ch_url --property Environment=production --format table
  Kafka:   $bootstrap (topics llm.raw-events, llm.costs, llm.cost-aggregates, llm.cost-alerts, llm.raw-events.dlq)
  Alerts:  $data/alerts.jsonl      Logs: $logs/
EOF
echo
say "ready in $(( $(date +%s) - begin )) s; the weekly report of this week:"
echo
costpipe report weekly --week "$(date -u +%G-W%V)" "${ch_args[@]}" 2>>"$logs/report.log" \
  || { say "ERROR: costpipe report weekly failed (log: $logs/report.log)"; status=1; }
exit "$status"
