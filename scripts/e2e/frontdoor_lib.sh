# Shared by the front door's end-to-end scripts, after lib.sh: moto as the upstream, and the
# audit log's checks. Source it; it needs moto_server (the scripts skip without it).

# start_moto starts moto on a free loopback port, stopped when the script exits; MOTO is its
# URL.
start_moto() {
  local port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  moto_server -H 127.0.0.1 -p "$port" >"$E2E_TMP/moto.log" 2>&1 &
  MOTO_PID=$!
  trap 'kill "$MOTO_PID" 2>/dev/null || true; wait "$MOTO_PID" 2>/dev/null || true; cleanup' EXIT
  for _ in $(seq 1 100); do
    if python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), timeout=1)" 2>/dev/null; then break; fi
    sleep 0.1
  done
  MOTO="http://127.0.0.1:$port"
}

# as_moto runs a command with moto's keys, straight to moto: moto's own view.
as_moto() { AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_ENDPOINT_URL=$MOTO "$@"; }

# audit_has ACTION RESOURCE DECISION: the audit log has such a line.
audit_has() {
  python3 - "$E2E_TMP/audit.log" "$@" <<'PY'
import json, sys
path, action, resource, decision = sys.argv[1:]
events = [json.loads(line) for line in open(path)]
if not any(e.get("action") == action and e.get("resource") == resource and e.get("decision") == decision for e in events):
    sys.exit("FAIL no audit line %s on %s %s" % (action, resource, decision))
PY
}
