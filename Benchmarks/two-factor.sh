#!/usr/bin/env bash
# The time of a sign-in with two-factor authentication, on a release build in production mode
# (SQLite, bcrypt cost 12), next to the FastAPI peer's password-only sign-in in the same run:
# ROUNDS sequential sign-ins each (the password step, then POST /api/v1/auth/2fa/verify with a
# code from the app or a backup code). Medians and p95 in milliseconds.
#
#   Benchmarks/two-factor.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
PRIMER_PORT=${PRIMER_PORT:-8084}
PEER_PORT=${PEER_PORT:-8005}
ROUNDS=${ROUNDS:-11}
work=$(mktemp -d /tmp/primer-2fa-bench.XXXXXX)
echo "==> Building primer (release)"
swift build -c release --product primer >/dev/null
bin="$(swift build -c release --show-bin-path)/primer"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do pkill -TERM -P "$pid" 2>/dev/null || true; kill -TERM "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
(cd "$work" && env -i PATH="$PATH" HOME="$HOME" PRIMER_DATA_DIR="$work/data" LOG_LEVEL=warning \
  SMTP_URL=smtp://127.0.0.1:1 EMAIL_FROM="Primer <bench@example.com>" PUBLIC_URL=http://127.0.0.1:8080 \
  PRIMER_DATA_KEY=YmVuY2gta2V5LWZvci1wcmltZXItMDEyMzQ1Njc4OWE= BETTER_AUTH_SECRET="bench-secret-0123456789abcdef0123456789" \
  RATE_LIMIT_DEFAULT=100000000/minute RATE_LIMIT_SIGNIN=100000000/minute RATE_LIMIT_SIGNUP=100000000/minute \
  EMBEDDING_PROVIDER=none "$bin" serve --env production --hostname 127.0.0.1 --port "$PRIMER_PORT" >"$work/primer.log" 2>&1) &
pids+=($!)
peer_pid=$(PORT=$PEER_PORT DATABASE_URL="sqlite:///$work/peer.db" "$root/../shared/peers/seed-fastapi/run.sh")
pids+=("$peer_pid")
for port in "$PRIMER_PORT" "$PEER_PORT"; do
  for _ in $(seq 1 300); do curl -fs "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.2; done
done
python3 Benchmarks/two_factor_signin.py "http://127.0.0.1:$PRIMER_PORT" "$ROUNDS"
python3 Benchmarks/two_factor_signin.py "http://127.0.0.1:$PEER_PORT" "$ROUNDS" --peer
