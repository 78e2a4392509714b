#!/usr/bin/env bash
# Measures iamd on PostgreSQL (issue 17's figures): one replica on SQLite vs one on
# PostgreSQL, and two replicas on one PostgreSQL vs one, for get-role, assume-role and the
# mixed read/write op of `iamd bench`, each for DURATION (default 10s) at CONCURRENCY
# workers in all (default 8; with two replicas, half against each, run at the same time).
# It starts its own throwaway PostgreSQL cluster (internal/store/pgtest/cmd/pgcluster) and
# iamds on loopback ports, and prints requests per second and the ratios.
# Usage: scripts/bench_replicas.sh [DURATION] [CONCURRENCY]
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-10s} concurrency=${2:-8}
tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; rm -rf "$tmp"; }
trap cleanup EXIT
go build -o "$tmp/iamd" ./cmd/iamd
go build -o "$tmp/pgcluster" ./internal/store/pgtest/cmd/pgcluster
"$tmp/pgcluster" >"$tmp/pg.url" 2>"$tmp/pg.log" & pids+=($!)
for _ in $(seq 1 300); do [ -s "$tmp/pg.url" ] && break; sleep 0.1; done
pg=$(head -1 "$tmp/pg.url")
[ -n "$pg" ] || { echo "PostgreSQL did not start:"; cat "$tmp/pg.log"; exit 1; }
key=$(python3 -c 'import base64,os; print(base64.b64encode(os.urandom(32)).decode())')
export AWS_ACCESS_KEY_ID=AKIAIAMDBENCHROOT001 AWS_SECRET_ACCESS_KEY=iamd-bench-root-secret-00000000000000000
export AWS_REGION=us-east-1 AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# serve NAME ARGS... starts an iamd and sets endpoint to its URL (not in a command
# substitution: the server would hold its output open).
serve() {
  local name=$1 p; shift; p=$(port)
  IAMD_ROOT_ACCESS_KEY_ID=$AWS_ACCESS_KEY_ID IAMD_ROOT_SECRET_ACCESS_KEY=$AWS_SECRET_ACCESS_KEY \
    "$tmp/iamd" serve --addr "127.0.0.1:$p" --data "$tmp/$name" --audit "" --master-key "$key" "$@" >"$tmp/$name.out" 2>"$tmp/$name.log" &
  pids+=($!)
  for _ in $(seq 1 100); do
    python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$p/healthz', timeout=1)" 2>/dev/null && { endpoint="http://127.0.0.1:$p"; return; }
    sleep 0.1
  done
  echo "iamd $name did not start" >&2; cat "$tmp/$name.log" >&2; exit 1
}
serve sqlite; sqlite=$endpoint
serve pg-a --store "$pg"; a=$endpoint
serve pg-b --store "$pg"; b=$endpoint
# rate OP ENDPOINT WORKERS prints the requests per second of one bench run.
rate() {
  "$tmp/iamd" bench --endpoint "$2" --op "$1" --concurrency "$3" --duration "$duration" --json |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["requestsPerSecond"])'
}
half=$((concurrency / 2))
printf "%-12s %10s %10s %10s %12s %12s\n" op sqlite pg-one pg-two pg/sqlite two/one
for op in get-role assume-role mixed; do
  s=$(rate "$op" "$sqlite" "$concurrency")
  one=$(rate "$op" "$a" "$concurrency")
  rate "$op" "$a" "$half" >"$tmp/two-a" & ra=$!
  rate "$op" "$b" "$half" >"$tmp/two-b" & rb=$!
  wait $ra $rb
  two=$(python3 -c "print($(cat "$tmp/two-a") + $(cat "$tmp/two-b"))")
  python3 -c "print('%-12s %10.0f %10.0f %10.0f %12.3f %12.3f' % ('$op', $s, $one, $two, $one/$s, $two/$one))"
done
echo "($(nproc) cores, $(uname -m); iamds, PostgreSQL and the load on the same machine)"
