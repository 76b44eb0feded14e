#!/usr/bin/env bash
# Issue 10's measurements, before and after, in one run: the lockout under a concurrent burst,
# a grapheme-stuffed question timed next to a normal one, and slow/silent clients at the
# descriptor limit (server CPU and /health latency). Release builds, SQLite, the local model.
#
#   BASELINE_BIN=/path/to/older/primer Benchmarks/hardening.sh
#   SCENARIOS="question" Benchmarks/hardening.sh      # some of: lockout question slow
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
work=$(mktemp -d /tmp/primer-hardening.XXXXXX)
echo "==> Building primer (release)"
swift build -c release --product primer >/dev/null
current="$(swift build -c release --show-bin-path)/primer"
model="${PRIMER_MODEL_DIR:-$root/models/all-MiniLM-L6-v2}"
scenarios=" ${SCENARIOS:-lockout question slow} "
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

start() {  # binary name port ulimit
  rm -rf "$work/data-$2"
  (cd "$work" && ulimit -n "$4" && exec env -i PATH="$PATH" HOME="$HOME" PRIMER_DATA_DIR="$work/data-$2" LOG_LEVEL=warning \
    PRIMER_BOOK_DIR="$root/book" PRIMER_MODEL_DIR="$model" EMBEDDING_PROVIDER=local \
    RATE_LIMIT_DEFAULT=100000000/minute RATE_LIMIT_SIGNIN=100000000/minute RATE_LIMIT_SIGNUP=100000000/minute \
    RATE_LIMIT_QUERY_ANONYMOUS=100000000/minute "$1" serve --hostname 127.0.0.1 --port "$3" >"$work/$2.log" 2>&1) &
  pid=$!
  for _ in $(seq 1 600); do curl -fs "http://127.0.0.1:$3/health" >/dev/null 2>&1 && break; sleep 0.2; done
  curl -fs "http://127.0.0.1:$3/health" | grep -q hybrid || { echo "$2 did not start in hybrid mode"; cat "$work/$2.log"; exit 1; }
}
stop() { kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true; pid=; }

for entry in ${BASELINE_BIN:+"baseline:$BASELINE_BIN"} "current:$current"; do
  name=${entry%%:*} bin=${entry#*:}
  echo "==> $name ($bin)"
  start "$bin" "$name" 8091 "$(ulimit -Hn)"
  for scenario in lockout question; do
    [[ $scenarios == *" $scenario "* ]] && python3 Benchmarks/hardening.py "$scenario" 8091
  done
  stop
  if [[ $scenarios == *" slow "* ]]; then
    start "$bin" "$name-limited" 8092 256
    python3 Benchmarks/hardening.py slow 8092 "$pid"
    stop
  fi
done
