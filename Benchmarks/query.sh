#!/usr/bin/env bash
# Chatbot benchmark on the shared book (../shared/corpus/physical-ai-book): ingest time of the
# book from scratch (`primer ingest`), then POST /api/v1/query with the extractive generator
# from 20 concurrent clients (wrk): p50 and p99. Release build, SQLite.
#
#   Benchmarks/query.sh           DURATION=10s by default
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
DURATION=${DURATION:-10s}
PORT=${PORT:-8083}
book="$root/../shared/corpus/physical-ai-book/book-source/docs"
work=$(mktemp -d /tmp/primer-query-bench.XXXXXX)
command -v wrk >/dev/null || { [ "$(id -u)" -eq 0 ] && apt-get install -y -qq wrk >/dev/null; }

echo "==> Building primer (release)"
swift build -c release --product primer >/dev/null
bin="$(swift build -c release --show-bin-path)/primer"
export PRIMER_DATA_DIR="$work/data" PRIMER_BOOK_DIR="$book" LOG_LEVEL=warning
export BETTER_AUTH_SECRET="bench-secret-0123456789abcdef0123456789" RATE_LIMIT_QUERY_ANONYMOUS=100000000/minute

"$bin" migrate -y >/dev/null 2>&1
echo "==> Ingest of the shared book from scratch"
start=$(date +%s.%N)
"$bin" ingest --book "$book" | tail -1
end=$(date +%s.%N)
ingest=$(python3 -c "print(f'{$end - $start:.2f}')")
echo "ingest wall time (process start to exit, incl. migrations check): ${ingest}s"

"$bin" serve --env production --hostname 127.0.0.1 --port "$PORT" >"$work/primer.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$PORT/health" >/dev/null && break; sleep 0.2; done

echo "==> POST /api/v1/query, 20 connections, $DURATION"
wrk -t2 -c20 -d"$DURATION" --latency -s Benchmarks/query.lua "http://127.0.0.1:$PORT/api/v1/query" | tee "$work/query.txt"
p50=$(awk '/^ +50%/ {print $2}' "$work/query.txt"); p99=$(awk '/^ +99%/ {print $2}' "$work/query.txt")
rps=$(awk '/Requests\/sec/ {print $2}' "$work/query.txt")
mkdir -p "$root/artifacts"
printf "ingest %ss; query p50 %s p99 %s, %s req/s (20 connections, extractive)\n" "$ingest" "$p50" "$p99" "$rps" | tee "$root/artifacts/bench-query.txt"
