#!/usr/bin/env bash
# Chatbot benchmark on the shared book (../shared/corpus/physical-ai-book), side by side with
# the original FastAPI plan (../shared/peers/seed-fastapi, 2 uvicorn workers) in one run:
#   1. ingest of each shared book from scratch (`primer ingest`, whole process wall time), lexical
#      only and with all-MiniLM-L6-v2 embeddings (every window of every chunk);
#   2. POST /api/v1/query from 20 concurrent clients (wrk, keep-alive) to Primer lexical-only,
#      Primer hybrid (also from one client: one query's latency) and the peer, with both Primer
#      servers' RSS before and after; signed out, same questions for all: Primer retrieves (BM25), composes the extractive answer with
#      citations and stores the query; the peer only builds its prompt template (its plan's
#      retrieval and LLM calls need Qdrant and Cohere) — so the peer does strictly less work.
# Release build, SQLite, both servers on this machine, wrk over loopback.
#
#   Benchmarks/query.sh           DURATION=10s by default
#   BASELINE_BIN=/path/to/old/primer Benchmarks/query.sh
#                                 also measures that build's /query (lexical and hybrid) in the same
#                                 run, for a before/after comparison
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
DURATION=${DURATION:-10s}
PORT=${PORT:-8083}
PEER_PORT=${PEER_PORT:-8004}
book="$root/../shared/corpus/physical-ai-book/book-source/docs"
book2="$root/../shared/corpus/physical-ai-book-2/book-source/docs"
peer_dir="$root/../shared/peers/seed-fastapi"
work=$(mktemp -d /tmp/primer-query-bench.XXXXXX)
command -v wrk >/dev/null || { [ "$(id -u)" -eq 0 ] && apt-get install -y -qq wrk >/dev/null; }

echo "==> Building primer (release)"
swift build -c release --product primer >/dev/null
bin="$(swift build -c release --show-bin-path)/primer"
baseline="${BASELINE_BIN:-}"
export PRIMER_DATA_DIR="$work/data" PRIMER_BOOK_DIR="$book" LOG_LEVEL=warning
export BETTER_AUTH_SECRET="bench-secret-0123456789abcdef0123456789" RATE_LIMIT_QUERY_ANONYMOUS=100000000/minute
# Production start-up needs the mail settings and the data key; no mail is sent in a benchmark.
export SMTP_URL=smtp://127.0.0.1:1 EMAIL_FROM="Primer <bench@example.com>" PUBLIC_URL=http://127.0.0.1:8080 PRIMER_DATA_KEY=YmVuY2gta2V5LWZvci1wcmltZXItMDEyMzQ1Njc4OWE=

# Ingest from scratch: lexical only, then (fresh database) with local embeddings.
timed_ingest() {  # data dir, EMBEDDING_PROVIDER [, book] → seconds
  PRIMER_DATA_DIR="$1" EMBEDDING_PROVIDER="$2" "$bin" migrate -y >/dev/null 2>&1
  local start end
  start=$(date +%s.%N)
  PRIMER_DATA_DIR="$1" EMBEDDING_PROVIDER="$2" "$bin" ingest --book "${3:-$book}" | tail -2 >&2
  end=$(date +%s.%N)
  python3 -c "print(f'{$end - $start:.2f}')"
}
export PRIMER_MODEL_DIR="${PRIMER_MODEL_DIR:-$root/models/all-MiniLM-L6-v2}"
echo "==> Ingest of the shared book from scratch, lexical only"
ingest=$(timed_ingest "$work/lexical" none)
echo "==> Ingest of the shared book from scratch, with all-MiniLM-L6-v2 embeddings"
ingest_embed=$(timed_ingest "$work/data" local)
echo "==> Ingest of the second shared book from scratch, lexical only and with embeddings"
ingest2=$(timed_ingest "$work/book2-lexical" none "$book2")
ingest2_embed=$(timed_ingest "$work/book2" local "$book2")
echo "ingest wall time (process start to exit): lexical ${ingest}s, with embeddings ${ingest_embed}s; second book ${ingest2}s / ${ingest2_embed}s"
sync  # the ingests' dirty pages would otherwise be written back during the first load test

pids=()
cleanup() {
  for pid in "${pids[@]}"; do pkill -TERM -P "$pid" 2>/dev/null || true; kill -TERM "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
PRIMER_DATA_DIR="$work/lexical" EMBEDDING_PROVIDER=none "$bin" serve --env production --hostname 127.0.0.1 --port "$PORT" >"$work/primer.log" 2>&1 &
pids+=($!)
HYBRID_PORT=$((PORT + 1))
PRIMER_DATA_DIR="$work/data" EMBEDDING_PROVIDER=local "$bin" serve --env production --hostname 127.0.0.1 --port "$HYBRID_PORT" >"$work/hybrid.log" 2>&1 &
hybrid_pid=$!
pids+=($hybrid_pid)
peer_pid=$(PORT=$PEER_PORT DATABASE_URL="sqlite:///$work/peer.db" "$peer_dir/run.sh")
pids+=("$peer_pid")
for port in "$PORT" "$HYBRID_PORT" "$PEER_PORT"; do
  for _ in $(seq 1 300); do curl -fs "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.2; done
  curl -fs "http://127.0.0.1:$port/health" >/dev/null || { echo "server on :$port did not start"; exit 1; }
done

rss() { awk '/VmRSS/ {printf "%.0f MB", $2 / 1024}' "/proc/$1/status"; }
lexical_pid=${pids[0]}
rss_lexical_idle=$(rss "$lexical_pid") rss_hybrid_idle=$(rss "$hybrid_pid")

run() {  # name port [connections]
  local connections=${3:-20}
  echo "==> $1: POST /api/v1/query, $connections connections, $DURATION"
  wrk -t$(( connections < 2 ? 1 : 2 )) -c"$connections" -d"$DURATION" --latency -s Benchmarks/query.lua "http://127.0.0.1:$2/api/v1/query" | tee "$work/$1.txt"
}
summary() {  # name → "p50 p99 req/s non-2xx"
  awk '/^ +50%/ {p50=$2} /^ +99%/ {p99=$2} /Requests\/sec/ {rps=$2} /Non-2xx/ {bad=$NF}
       END {printf "p50 %s, p99 %s, %s req/s, non-2xx %d", p50, p99, rps, bad}' "$work/$1.txt"
}
run primer "$PORT"
run hybrid "$HYBRID_PORT"
run hybrid-1 "$HYBRID_PORT" 1
run peer "$PEER_PORT"
rss_lexical_run=$(rss "$lexical_pid") rss_hybrid_run=$(rss "$hybrid_pid")
if [ -n "$baseline" ]; then
  # The older build serves the same data directories (same schema), one server at a time beside the others.
  BASE_PORT=$((PORT + 2))
  PRIMER_DATA_DIR="$work/lexical" EMBEDDING_PROVIDER=none "$baseline" serve --env production --hostname 127.0.0.1 --port "$BASE_PORT" >"$work/base.log" 2>&1 &
  pids+=($!)
  PRIMER_DATA_DIR="$work/data" EMBEDDING_PROVIDER=local "$baseline" serve --env production --hostname 127.0.0.1 --port $((BASE_PORT + 1)) >"$work/base-hybrid.log" 2>&1 &
  pids+=($!)
  for port in "$BASE_PORT" $((BASE_PORT + 1)); do
    for _ in $(seq 1 300); do curl -fs "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.2; done
  done
  run baseline "$BASE_PORT"
  run baseline-hybrid $((BASE_PORT + 1))
  run baseline-hybrid-1 $((BASE_PORT + 1)) 1
fi

mkdir -p "$root/artifacts"
{
  echo "ingest of the shared book from scratch: lexical ${ingest}s, with local embeddings ${ingest_embed}s"
  echo "ingest of the second shared book from scratch: lexical ${ingest2}s, with local embeddings ${ingest2_embed}s"
  echo "primer /api/v1/query, lexical (retrieval + extractive answer + stored): $(summary primer)"
  echo "primer /api/v1/query, hybrid (+ query embedding, dense search, fusion): $(summary hybrid)"
  echo "primer /api/v1/query, hybrid, one connection (latency of one query):    $(summary hybrid-1)"
  echo "primer server memory (RSS), shared book loaded: lexical $rss_lexical_idle idle, $rss_lexical_run after its run;"\
       "hybrid (model + vectors) $rss_hybrid_idle idle, $rss_hybrid_run after its run"
  echo "peer   /api/v1/query (prompt template only):                   $(summary peer)"
  if [ -n "$baseline" ]; then
    echo "baseline build ($baseline) /api/v1/query, lexical:                $(summary baseline)"
    echo "baseline build /api/v1/query, hybrid:                                $(summary baseline-hybrid)"
    echo "baseline build /api/v1/query, hybrid, one connection:                $(summary baseline-hybrid-1)"
  fi
} | tee "$root/artifacts/bench-query.txt"
