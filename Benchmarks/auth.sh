#!/usr/bin/env bash
# Side-by-side benchmark of the account layer: Primer (release build, SQLite, bcrypt cost 12)
# and the original FastAPI plan (../shared/peers/seed-fastapi, 2 uvicorn workers, SQLite) on
# this machine, driven by wrk over loopback. (The peer only accepts @$!%*?& as symbols.)
#
#   Benchmarks/auth.sh            # full run (~3 minutes plus the first release build)
#   DURATION=5s Benchmarks/auth.sh
#   BASELINE_BIN=/path/to/older/primer Benchmarks/auth.sh   # also compares an older build's
#       GET /profile with this one: ROUNDS (default 7) alternating 5 s runs each, medians
#       reported (single runs on this shared machine vary by ±15%)
#
# Measures: authenticated GET /api/v1/profile at 50 and 1000 connections (req/s, p50, p99,
# errors), sign-in throughput (16 connections), and GET /health latency while 16 sign-ins run
# in parallel. Needs wrk (apt-get install wrk); installs it when missing and root.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
DURATION=${DURATION:-10s}
PRIMER_PORT=${PRIMER_PORT:-8081}
PEER_PORT=${PEER_PORT:-8002}
BASELINE_PORT=${BASELINE_PORT:-8083}
BASELINE_BIN=${BASELINE_BIN:-}
ROUNDS=${ROUNDS:-7}
peer_dir="$root/../shared/peers/seed-fastapi"
work=$(mktemp -d /tmp/primer-bench.XXXXXX)
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

command -v wrk >/dev/null || { [ "$(id -u)" -eq 0 ] && apt-get install -y -qq wrk >/dev/null; }

echo "==> Building primer (release)"
swift build -c release --product primer >/dev/null
bin="$(swift build -c release --show-bin-path)/primer"

pids=()
cleanup() {
  for pid in "${pids[@]}"; do pkill -TERM -P "$pid" 2>/dev/null || true; kill -TERM "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

start_primer() {  # binary port name
  (cd "$work" && env -i PATH="$PATH" HOME="$HOME" PRIMER_DATA_DIR="$work/data-$3" LOG_LEVEL=warning \
    SMTP_URL=smtp://127.0.0.1:1 EMAIL_FROM="Primer <bench@example.com>" PUBLIC_URL=http://127.0.0.1:8080 PRIMER_DATA_KEY=YmVuY2gta2V5LWZvci1wcmltZXItMDEyMzQ1Njc4OWE= BETTER_AUTH_SECRET="bench-secret-0123456789abcdef0123456789" EMBEDDING_PROVIDER=none \
    RATE_LIMIT_DEFAULT=100000000/minute RATE_LIMIT_SIGNIN=100000000/minute RATE_LIMIT_SIGNUP=100000000/minute \
    "$1" serve --env production --hostname 127.0.0.1 --port "$2" >"$work/$3.log" 2>&1) &
  pids+=($!)
}
echo "==> Starting Primer on :$PRIMER_PORT and the FastAPI peer on :$PEER_PORT"
start_primer "$bin" "$PRIMER_PORT" primer
ports=("$PRIMER_PORT" "$PEER_PORT")
if [ -n "$BASELINE_BIN" ]; then
  echo "==> Starting the baseline build $BASELINE_BIN on :$BASELINE_PORT"
  start_primer "$BASELINE_BIN" "$BASELINE_PORT" baseline
  ports+=("$BASELINE_PORT")
fi
peer_pid=$(PORT=$PEER_PORT DATABASE_URL="sqlite:///$work/peer.db" "$peer_dir/run.sh")
pids+=("$peer_pid")
for port in "${ports[@]}"; do
  for _ in $(seq 1 300); do curl -fs "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.2; done
  curl -fs "http://127.0.0.1:$port/health" >/dev/null || { echo "server on :$port did not start"; cat "$work"/*.log /tmp/seed-fastapi.log 2>/dev/null; exit 1; }
done

export BENCH_PASSWORD="Bench!Pass123" BENCH_READERS=16
signup() {  # port index → the access token
  local body='{"email":"bench'$2'@example.com","password":"'$BENCH_PASSWORD'","software_experience":"Intermediate","hardware_experience":"Basic","interests":["humanoids"]}'
  curl -fs -X POST "http://127.0.0.1:$1/api/v1/auth/signup" -H 'Content-Type: application/json' -d "$body" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])'
}
# Primer's lockout checks at most 10 sign-ins of one account at once, so its sign-in run spreads
# over 16 accounts; the peer (no such rule, and a sign-up limit) signs in one.
for port in "$PRIMER_PORT" ${BASELINE_BIN:+"$BASELINE_PORT"}; do
  for i in $(seq 1 $((BENCH_READERS - 1))); do signup "$port" "$i" >/dev/null; done
done
primer_token=$(signup "$PRIMER_PORT" 0)
peer_token=$(signup "$PEER_PORT" 0)
[ -n "$BASELINE_BIN" ] && baseline_token=$(signup "$BASELINE_PORT" 0)

# wrk's summary → "req/s p50 p99 errors"
summarise() {
  awk '
    /Requests\/sec/ {rps=$2}
    /^ +50%/ {p50=$2} /^ +99%/ {p99=$2}
    /Non-2xx/ {non2xx=$NF}
    /Socket errors/ {gsub(",", ""); sock=$4+$6+$8+$10}
    END {printf "%s %s %s %d\n", rps, p50, p99, non2xx+sock}'
}
run_wrk() {  # name port connections args...
  local name=$1 port=$2 conns=$3; shift 3
  local threads=2; [ "$conns" -lt 2 ] && threads=1
  wrk -t"$threads" -c"$conns" -d"$DURATION" --latency "$@" >"$work/$name.txt" 2>&1 || true
  summarise <"$work/$name.txt"
}

declare -A result
echo "==> GET /api/v1/profile (authenticated)"
for conns in 50 1000; do
  result[primer_profile_$conns]=$(run_wrk "primer-profile-$conns" "$PRIMER_PORT" "$conns" -H "Authorization: Bearer $primer_token" "http://127.0.0.1:$PRIMER_PORT/api/v1/profile")
  result[peer_profile_$conns]=$(run_wrk "peer-profile-$conns" "$PEER_PORT" "$conns" -H "Authorization: Bearer $peer_token" "http://127.0.0.1:$PEER_PORT/api/v1/profile")
done
median_rps() { sort -g | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
if [ -n "$BASELINE_BIN" ]; then
  echo "==> GET /api/v1/profile, this build vs the baseline: $ROUNDS alternating rounds of 5 s"
  for conns in 50 1000; do
    : >"$work/compare-current-$conns" ; : >"$work/compare-baseline-$conns"
    for round in $(seq 1 "$ROUNDS"); do
      DURATION=5s run_wrk "cmp-current-$conns-$round" "$PRIMER_PORT" "$conns" -H "Authorization: Bearer $primer_token" \
        "http://127.0.0.1:$PRIMER_PORT/api/v1/profile" | awk '{print $1}' >>"$work/compare-current-$conns"
      DURATION=5s run_wrk "cmp-baseline-$conns-$round" "$BASELINE_PORT" "$conns" -H "Authorization: Bearer $baseline_token" \
        "http://127.0.0.1:$BASELINE_PORT/api/v1/profile" | awk '{print $1}' >>"$work/compare-baseline-$conns"
    done
    result[compare_current_$conns]=$(median_rps <"$work/compare-current-$conns")
    result[compare_baseline_$conns]=$(median_rps <"$work/compare-baseline-$conns")
  done
fi

echo "==> POST /api/v1/auth/signin (bcrypt cost 12, 16 connections)"
result[primer_signin]=$(run_wrk primer-signin "$PRIMER_PORT" 16 --timeout 30s -s Benchmarks/signin.lua "http://127.0.0.1:$PRIMER_PORT/api/v1/auth/signin")
result[peer_signin]=$(BENCH_READERS=1 run_wrk peer-signin "$PEER_PORT" 16 --timeout 30s -s Benchmarks/signin.lua "http://127.0.0.1:$PEER_PORT/api/v1/auth/signin")

echo "==> GET /health while 16 sign-ins run in parallel"
for who in primer peer; do
  port=$PRIMER_PORT; [ "$who" = peer ] && port=$PEER_PORT
  readers=$BENCH_READERS; [ "$who" = peer ] && readers=1
  BENCH_READERS=$readers wrk -t1 -c16 -d"$DURATION" -s Benchmarks/signin.lua "http://127.0.0.1:$port/api/v1/auth/signin" >"$work/$who-bg-signin.txt" 2>&1 &
  bg=$!
  result[${who}_health]=$(run_wrk "$who-health" "$port" 1 "http://127.0.0.1:$port/health")
  wait "$bg" || true
done

row() { read -r rps p50 p99 errors <<<"$2"; printf "| %-44s | %12s | %9s | %9s | %6s |\n" "$1" "$rps" "$p50" "$p99" "$errors"; }
ratio() { python3 -c "a,b=float('$1'.split()[0] or 0),float('$2'.split()[0] or 0); print(f'{a/b:.2f}x' if b else 'n/a')"; }
{
  echo
  echo "Benchmark $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, wrk $DURATION per run, SQLite for both"
  echo
  printf "| %-44s | %12s | %9s | %9s | %6s |\n" "run" "req/s" "p50" "p99" "errors"
  echo "|----------------------------------------------|--------------|-----------|-----------|--------|"
  row "primer GET /profile, 50 conns" "${result[primer_profile_50]}"
  row "peer   GET /profile, 50 conns" "${result[peer_profile_50]}"
  row "primer GET /profile, 1000 conns" "${result[primer_profile_1000]}"
  row "peer   GET /profile, 1000 conns" "${result[peer_profile_1000]}"
  row "primer POST /signin, 16 conns" "${result[primer_signin]}"
  row "peer   POST /signin, 16 conns" "${result[peer_signin]}"
  row "primer GET /health during 16 signins" "${result[primer_health]}"
  row "peer   GET /health during 16 signins" "${result[peer_health]}"
  echo
  echo "profile ratio primer/peer: 50 conns $(ratio "${result[primer_profile_50]}" "${result[peer_profile_50]}"), 1000 conns $(ratio "${result[primer_profile_1000]}" "${result[peer_profile_1000]}"); signin ratio $(ratio "${result[primer_signin]}" "${result[peer_signin]}")"
  if [ -n "$BASELINE_BIN" ]; then
    for conns in 50 1000; do
      echo "GET /profile, $conns conns, median of $ROUNDS alternating 5 s rounds: this build ${result[compare_current_$conns]} req/s," \
        "baseline ${result[compare_baseline_$conns]} req/s, ratio $(ratio "${result[compare_current_$conns]}" "${result[compare_baseline_$conns]}")" \
        "(rounds: $(paste -sd' ' "$work/compare-current-$conns") vs $(paste -sd' ' "$work/compare-baseline-$conns"))"
    done
  fi
} | tee "$work/summary.md"
mkdir -p "$root/artifacts/bench-auth" && cp "$work"/*.txt "$work/summary.md" "$root/artifacts/bench-auth/"
