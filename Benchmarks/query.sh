#!/usr/bin/env bash
# Chatbot benchmark on the shared book (../shared/corpus/physical-ai-book), side by side with
# the original FastAPI plan (../shared/peers/seed-fastapi, 2 uvicorn workers) in one run:
#   1. ingest of the book from scratch (`primer ingest`, whole process wall time);
#   2. POST /api/v1/query from 20 concurrent clients (wrk, keep-alive), signed out, same
#      questions for both: Primer retrieves (BM25), composes the extractive answer with
#      citations and stores the query; the peer only builds its prompt template (its plan's
#      retrieval and LLM calls need Qdrant and Cohere) — so the peer does strictly less work.
# Release build, SQLite, both servers on this machine, wrk over loopback.
#
#   Benchmarks/query.sh           DURATION=10s by default
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
DURATION=${DURATION:-10s}
PORT=${PORT:-8083}
PEER_PORT=${PEER_PORT:-8004}
book="$root/../shared/corpus/physical-ai-book/book-source/docs"
peer_dir="$root/../shared/peers/seed-fastapi"
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
echo "ingest wall time (process start to exit): ${ingest}s"

pids=()
cleanup() {
  for pid in "${pids[@]}"; do pkill -TERM -P "$pid" 2>/dev/null || true; kill -TERM "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
"$bin" serve --env production --hostname 127.0.0.1 --port "$PORT" >"$work/primer.log" 2>&1 &
pids+=($!)
peer_pid=$(PORT=$PEER_PORT DATABASE_URL="sqlite:///$work/peer.db" "$peer_dir/run.sh")
pids+=("$peer_pid")
for port in "$PORT" "$PEER_PORT"; do
  for _ in $(seq 1 300); do curl -fs "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.2; done
  curl -fs "http://127.0.0.1:$port/health" >/dev/null || { echo "server on :$port did not start"; exit 1; }
done

run() {  # name port
  echo "==> $1: POST /api/v1/query, 20 connections, $DURATION"
  wrk -t2 -c20 -d"$DURATION" --latency -s Benchmarks/query.lua "http://127.0.0.1:$2/api/v1/query" | tee "$work/$1.txt"
}
summary() {  # name → "p50 p99 req/s non-2xx"
  awk '/^ +50%/ {p50=$2} /^ +99%/ {p99=$2} /Requests\/sec/ {rps=$2} /Non-2xx/ {bad=$NF}
       END {printf "p50 %s, p99 %s, %s req/s, non-2xx %d", p50, p99, rps, bad}' "$work/$1.txt"
}
run primer "$PORT"
run peer "$PEER_PORT"

mkdir -p "$root/artifacts"
{
  echo "ingest of the shared book: ${ingest}s"
  echo "primer /api/v1/query (retrieval + extractive answer + stored): $(summary primer)"
  echo "peer   /api/v1/query (prompt template only):                   $(summary peer)"
} | tee "$root/artifacts/bench-query.txt"
