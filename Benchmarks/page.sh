#!/usr/bin/env bash
# Chapter page benchmark: the page weight a reader downloads (HTML + the CSS and JavaScript it
# links, uncompressed) and the server's render time for GET /book/<slug> (wrk, keep-alive, one
# connection and 20), for a maths-heavy page of the sample book and a long page of the shared
# book. Release build, SQLite, lexical only (pages don't touch the model).
#
#   Benchmarks/page.sh                                   DURATION=10s by default
#   BASELINE_BIN=/path/to/old/primer Benchmarks/page.sh  also measures that build in the same run
# (the peer, ../shared/peers/seed-fastapi, serves no book pages: Docusaurus built them statically).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
DURATION=${DURATION:-10s}
PORT=${PORT:-8093}
work=$(mktemp -d /tmp/primer-page-bench.XXXXXX)
command -v wrk >/dev/null || { [ "$(id -u)" -eq 0 ] && apt-get install -y -qq wrk >/dev/null; }
echo "==> Building primer (release)"
swift build -c release --product primer >/dev/null
bin="$(swift build -c release --show-bin-path)/primer"
baseline="${BASELINE_BIN:-}"
export LOG_LEVEL=warning EMBEDDING_PROVIDER=none BETTER_AUTH_SECRET="bench-secret-0123456789abcdef0123456789" RATE_LIMIT_DEFAULT=100000000/minute
# Production start-up needs the mail settings and the data key; no mail is sent in a benchmark.
export SMTP_URL=smtp://127.0.0.1:1 EMAIL_FROM="Primer <bench@example.com>" PUBLIC_URL=http://127.0.0.1:8080 PRIMER_DATA_KEY=YmVuY2gta2V5LWZvci1wcmltZXItMDEyMzQ1Njc4OWE=
pids=()
cleanup() { for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

start() {  # name binary book port
  PRIMER_DATA_DIR="$work/$1" PRIMER_BOOK_DIR="$3" "$2" migrate -y >/dev/null 2>&1
  PRIMER_DATA_DIR="$work/$1" PRIMER_BOOK_DIR="$3" "$2" ingest --book "$3" >/dev/null 2>&1
  PRIMER_DATA_DIR="$work/$1" PRIMER_BOOK_DIR="$3" "$2" serve --env production --hostname 127.0.0.1 --port "$4" >"$work/$1.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 300); do curl -fs "http://127.0.0.1:$4/health" >/dev/null && break; sleep 0.2; done
}
weight() {  # url → "html N B, css N B, js N B, total N B"
  local base=${1%%/book/*} html css=0 js=0
  curl -fs "$1" -o "$work/page.html"
  html=$(stat -c %s "$work/page.html")
  for href in $(grep -oE '<link rel="stylesheet" href="[^"]+"' "$work/page.html" | sed -E 's/.*href="([^"]+)"/\1/'); do
    css=$((css + $(curl -fs "$base$href" | wc -c)))
  done
  for src in $(grep -oE '<script src="[^"]+"' "$work/page.html" | sed -E 's/.*src="([^"]+)"/\1/'); do
    js=$((js + $(curl -fs "$base$src" | wc -c)))
  done
  echo "HTML $html B + CSS $css B + JS $js B = $((html + css + js)) B"
}
measure() {  # label url connections
  wrk -t$(( $3 < 2 ? 1 : 2 )) -c"$3" -d"$DURATION" --latency "$2" > "$work/wrk.txt"
  awk -v label="$1" -v c="$3" '/^ +50%/ {p50=$2} /^ +99%/ {p99=$2} /Requests\/sec/ {rps=$2} /Non-2xx/ {bad=$NF}
       END {printf "%s, %d connection(s): p50 %s, p99 %s, %s req/s, non-2xx %d\n", label, c, p50, p99, rps, bad}' "$work/wrk.txt"
}
report() {  # name binary port
  local sample="http://127.0.0.1:$3/book/kinematics-and-control/pid-control"
  local shared="http://127.0.0.1:$(( $3 + 1 ))/book/ros2"
  echo "$1 page weight, sample book pid-control (maths): $(weight "$sample")"
  echo "$1 page weight, shared book ros2 (code)   :      $(weight "$shared")"
  measure "$1 GET pid-control" "$sample" 1
  measure "$1 GET pid-control" "$sample" 20
  measure "$1 GET ros2" "$shared" 1
  measure "$1 GET ros2" "$shared" 20
}
start sample "$bin" "$root/book" "$PORT"
start shared "$bin" "$root/../shared/corpus/physical-ai-book/book-source/docs" $((PORT + 1))
if [ -n "$baseline" ]; then
  start base-sample "$baseline" "$root/book" $((PORT + 2))
  start base-shared "$baseline" "$root/../shared/corpus/physical-ai-book/book-source/docs" $((PORT + 3))
fi
mkdir -p "$root/artifacts"
{
  report primer "$bin" "$PORT"
  if [ -n "$baseline" ]; then report "baseline ($baseline)" "$baseline" $((PORT + 2)); fi
} | tee "$root/artifacts/bench-page.txt"
