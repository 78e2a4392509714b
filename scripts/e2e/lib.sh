# Shared by the end-to-end scripts: build iamd, start it on a free loopback port over a fresh
# data directory, stop it, and check results. Source it; it needs bash, python3 and the aws CLI.
set -euo pipefail

E2E_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
E2E_TMP=$(mktemp -d)
IAMD_BIN="$E2E_TMP/iamd"
IAMD_PID=""
E2E_PIDS=() # other processes a script started (moto, a TLS relay), stopped at exit

cleanup() {
  local status=$?
  # In replica mode, say how many calls replica B answered (replicas.sh adds them up).
  if [ "${E2E_REPLICAS:-}" = postgres ] && [ -n "${E2E_REPLICA_TALLY:-}" ]; then
    echo "$(basename "$0") $(cat "$E2E_TMP/audit-b.log" 2>/dev/null | wc -l)" >>"$E2E_REPLICA_TALLY"
  fi
  for pid in "$IAMD_PID" "${E2E_PIDS[@]}"; do
    if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  done
  rm -rf "$E2E_TMP"
  exit $status
}
trap cleanup EXIT

(cd "$E2E_ROOT" && go build -o "$IAMD_BIN" ./cmd/iamd)

export AWS_ACCESS_KEY_ID=AKIAIAMDE2EROOT00001
export AWS_SECRET_ACCESS_KEY=iamd-e2e-root-secret-0000000000000000000
export AWS_DEFAULT_REGION=us-east-1 AWS_REGION=us-east-1
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_PAGER=""
unset AWS_PROFILE AWS_SESSION_TOKEN

# free_port prints a free loopback port.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

PORT=$(free_port)
export AWS_ENDPOINT_URL="http://127.0.0.1:$PORT"
DATA="$E2E_TMP/data"

start_iamd() {
  if [ "${E2E_REPLICAS:-}" = postgres ]; then start_replicas; return; fi
  IAMD_ROOT_ACCESS_KEY_ID=$AWS_ACCESS_KEY_ID IAMD_ROOT_SECRET_ACCESS_KEY=$AWS_SECRET_ACCESS_KEY \
    "$IAMD_BIN" serve --addr "127.0.0.1:$PORT" --data "$DATA" --audit "$E2E_TMP/audit.log" ${IAMD_ARGS:-} 2>>"$E2E_TMP/iamd.log" &
  IAMD_PID=$!
  wait_healthy "$AWS_ENDPOINT_URL" "$E2E_TMP/iamd.log"
}

# wait_healthy URL LOG waits until the iamd at URL answers /healthz, or shows LOG and exits.
wait_healthy() {
  for _ in $(seq 1 100); do
    if python3 -c "import urllib.request,sys; urllib.request.urlopen('$1/healthz', timeout=1)" 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "iamd did not start:"; cat "$2"; exit 1
}

# With E2E_REPLICAS=postgres (scripts/e2e/replicas.sh), start_iamd starts two replicas on
# one throwaway PostgreSQL cluster: A on $PORT, where every call goes, and B, where `aws`
# sends every read (get-*, list-*, describe-*, simulate-*, lookup-*), so that what a script
# wrote through A it reads back through B. Both have data directories of their own and
# share the master key; the audit records are in audit.log (A) and audit-b.log (B).
REPLICA_B_PID=""
start_replicas() {
  if [ -z "${E2E_PG_URL:-}" ]; then
    (cd "$E2E_ROOT" && go build -o "$E2E_TMP/pgcluster" ./internal/store/pgtest/cmd/pgcluster)
    "$E2E_TMP/pgcluster" >"$E2E_TMP/pg.url" 2>"$E2E_TMP/pg.log" &
    E2E_PIDS+=($!)
    for _ in $(seq 1 300); do [ -s "$E2E_TMP/pg.url" ] && break; sleep 0.1; done
    E2E_PG_URL=$(head -1 "$E2E_TMP/pg.url")
    [ -n "$E2E_PG_URL" ] || { echo "PostgreSQL did not start:"; cat "$E2E_TMP/pg.log"; exit 1; }
    E2E_MASTER_KEY=$(python3 -c 'import base64,os; print(base64.b64encode(os.urandom(32)).decode())')
    E2E_PORT_B=$(free_port)
    E2E_READ_ENDPOINT="http://127.0.0.1:$E2E_PORT_B"
  fi
  local replica port data audit log
  for replica in a b; do
    if [ $replica = a ]; then port=$PORT data=$DATA audit=audit.log log=iamd.log
    else port=$E2E_PORT_B data=$DATA-b audit=audit-b.log log=iamd-b.log; fi
    IAMD_ROOT_ACCESS_KEY_ID=$AWS_ACCESS_KEY_ID IAMD_ROOT_SECRET_ACCESS_KEY=$AWS_SECRET_ACCESS_KEY \
      "$IAMD_BIN" serve --addr "127.0.0.1:$port" --data "$data" --audit "$E2E_TMP/$audit" \
      --store "$E2E_PG_URL" --master-key "$E2E_MASTER_KEY" ${IAMD_ARGS:-} 2>>"$E2E_TMP/$log" &
    if [ $replica = a ]; then IAMD_PID=$!; else REPLICA_B_PID=$!; E2E_PIDS+=($!); fi
    wait_healthy "http://127.0.0.1:$port" "$E2E_TMP/$log"
  done
}

if [ "${E2E_REPLICAS:-}" = postgres ]; then
  # aws sends reads meant for A to replica B (an --endpoint-url given wins, and a call meant
  # for another endpoint, moto's say, goes there).
  aws() {
    [ "${AWS_ENDPOINT_URL:-}" = "http://127.0.0.1:$PORT" ] || { command aws "$@"; return; }
    local service="" op="" arg skip=""
    for arg in "$@"; do
      if [ -n "$skip" ]; then skip=""; continue; fi
      case "$arg" in
        --region|--output|--query|--endpoint-url|--profile|--color) skip=1; continue ;;
        -*) continue ;;
      esac
      if [ -z "$service" ]; then service=$arg; else op=$arg; break; fi
    done
    case "$op" in
      get-*|list-*|describe-*|simulate-*|lookup-*) AWS_ENDPOINT_URL=$E2E_READ_ENDPOINT command aws "$@" ;;
      *) command aws "$@" ;;
    esac
  }
fi

# wait_port PORT waits for something to listen on the loopback port.
wait_port() {
  for _ in $(seq 1 100); do
    if python3 -c "import socket; socket.create_connection(('127.0.0.1', $1), timeout=1)" 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "nothing listens on port $1"; exit 1
}

# start_moto starts moto_server on a free loopback port as the front door's upstream and sets
# MOTO to its URL (stopped by cleanup); without moto installed, the script is skipped.
start_moto() {
  if ! command -v moto_server >/dev/null; then
    echo "SKIP $(basename "$0"): moto_server is not installed (pip install 'moto[server]')"
    exit 0
  fi
  local port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  moto_server -H 127.0.0.1 -p "$port" >"$E2E_TMP/moto.log" 2>&1 &
  E2E_PIDS+=($!)
  MOTO="http://127.0.0.1:$port"
  for _ in $(seq 1 100); do
    if python3 -c "import urllib.request; urllib.request.urlopen('$MOTO/moto-api/', timeout=1)" 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "moto did not start:"; cat "$E2E_TMP/moto.log"; exit 1
}

# as_moto runs a command with moto's keys, straight to moto: moto's own view.
as_moto() { AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_ENDPOINT_URL=$MOTO "$@"; }

# audit_has ACTION RESOURCE DECISION: the audit log has a record of the call so decided (a
# CloudTrail record; iamd's action, resource and decision are in additionalEventData.iamd).
audit_has() {
  python3 - "$E2E_TMP" "$@" <<'EOF'
import glob, json, os, sys
tmp, action, resource, decision = sys.argv[1:]
events = [json.loads(line).get("additionalEventData", {}).get("iamd", {})
          for path in glob.glob(os.path.join(tmp, "audit*.log")) for line in open(path)]
if not any(e.get("action") == action and e.get("resource") == resource and e.get("decision") == decision for e in events):
    sys.exit("FAIL no audit line %s on %s %s" % (action, resource, decision))
print("ok   audit: %s on %s %s" % (action, resource, decision))
EOF
}

stop_iamd() {
  kill -TERM "$IAMD_PID"; wait "$IAMD_PID" || true; IAMD_PID=""
  if [ -n "$REPLICA_B_PID" ]; then kill -TERM "$REPLICA_B_PID"; wait "$REPLICA_B_PID" || true; REPLICA_B_PID=""; fi
}

# expect_eq LABEL GOT WANT
expect_eq() {
  if [ "$2" != "$3" ]; then echo "FAIL $1: got '$2', want '$3'"; exit 1; fi
  echo "ok   $1"
}

# expect_error LABEL CODE COMMAND... : the command must fail with the AWS error code.
expect_error() {
  local label=$1 code=$2; shift 2
  local out
  if out=$("$@" 2>&1); then echo "FAIL $label: succeeded, want $code"; exit 1; fi
  case "$out" in
    *"($code)"*) echo "ok   $label ($code)";;
    *) echo "FAIL $label: want $code, got: $out"; exit 1;;
  esac
}
