#!/usr/bin/env bash
# Benchmark of the local embedding model (all-MiniLM-L6-v2 in Swift + OpenBLAS): query latency
# p50/p99, the whole book's chunks embedded in groups of 32 (as ingest does), and the encoder's
# GFLOP/s. Release build of the separate package Benchmarks/EmbedBench (path dependency on
# this package's PrimerEmbeddings product). Fetches the model first if needed.
#
#   Benchmarks/embed.sh [--runs 200] [--group 32] [--query "…"] [--model DIR] [--book DIR]
#                        [--threads 2] [--pass-tokens 1024]   (encoder threads, tokens per packed pass)
#
# OPENBLAS_NUM_THREADS is left to the encoder (1; it spreads passes over the cores itself).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
scripts/fetch-model >/dev/null
export PRIMER_MODEL_DIR="${PRIMER_MODEL_DIR:-$root/models/all-MiniLM-L6-v2}"
export PRIMER_BOOK_DIR="${PRIMER_BOOK_DIR:-$root/../shared/corpus/physical-ai-book/book-source/docs}"
cd Benchmarks/EmbedBench
echo "==> Building EmbedBench (release)"
log=$(mktemp)
if ! swift build -c release --product EmbedBench >"$log" 2>&1; then
  grep -v "swift-distributed-tracing\|CMakeLists" "$log" | tail -40 >&2
  exit 1
fi
rm -f "$log"
"$(swift build -c release --show-bin-path)/EmbedBench" "$@"
