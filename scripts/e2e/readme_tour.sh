#!/usr/bin/env bash
# The README's tour, run as a new user runs it: the shell blocks between <!-- tour:begin --> and
# <!-- tour:end --> in README.md are extracted and run as they are written, with bash -e, from
# the repository's root, in an environment with nothing of the caller's AWS or iamd settings
# and an empty HOME (mktemp -d). The block after <!-- tour:server --> builds and starts iamd (as
# "the first terminal"); it runs in the background and the other blocks run in order, in one
# shell (as "the second terminal"), once iamd answers /healthz. Then the transcript must show
# what a user would see: the root's ARN, the machine running with its profile, and the
# machine's session as assumed-role/Tower-Role/ID.
#
# The one change made to the README's text: 127.0.0.1:4599, where the README's iamd listens and
# where its AWS_ENDPOINT_URL points, becomes 127.0.0.1:PORT, a free loopback port, because 4599
# may be in use (by a developer's iamd, or in CI). Both the server block and the client blocks
# must name 127.0.0.1:4599, so that a README moved to another address fails here instead of
# talking to someone else's server.
#
# What the environment keeps: PATH (go, aws, python3), locale, TMPDIR, pyenv's root (its shims
# run the aws CLI here), and the caller's Go settings (module and build caches, proxy, flags,
# toolchain) so that the build does not download every module again; a new user's first build
# does, which changes nothing else. bin/iamd is written in the repository, as the README says
# (bin/ is git-ignored).
#
# It fails if extraction finds no server block, no client block, an unterminated fence, or code
# in the tour that is not in a ```sh fence (an indented block would be skipped silently), and if
# any tour command fails.
#
# Usage: scripts/e2e/readme_tour.sh            run the tour
#        scripts/e2e/readme_tour.sh --print    print the extracted blocks and stop
# README_TOUR_FILE=FILE takes the tour from FILE instead of README.md (to try the checks on a
# changed copy); the tour still runs from the repository's root.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
README="${README_TOUR_FILE:-$ROOT/README.md}"
WORK=$(mktemp -d)
SERVER_PID=""

cleanup() {
  if [ -n "$SERVER_PID" ]; then
    # The server block runs in a process group of its own (setsid), so that the iamd it starts
    # stops with it; stop that group only when it is the one we made.
    if [ "$(ps -o pgid= -p "$SERVER_PID" 2>/dev/null | tr -d ' ')" = "$SERVER_PID" ]; then
      kill -TERM -- "-$SERVER_PID" 2>/dev/null || true
    else
      kill -TERM "$SERVER_PID" 2>/dev/null || true
    fi
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

fail() { echo "FAIL readme tour: $*" >&2; exit 1; }

# extract README OUTDIR: writes OUTDIR/server.sh and OUTDIR/tour.sh, or fails saying why.
extract() {
  python3 - "$1" "$2" <<'PY'
import re, sys

readme, out = sys.argv[1], sys.argv[2]
lines = open(readme, encoding="utf-8").read().split("\n")

def die(msg):
    sys.exit("README.md: " + msg)

begins = [i for i, l in enumerate(lines) if l.strip() == "<!-- tour:begin -->"]
ends = [i for i, l in enumerate(lines) if l.strip() == "<!-- tour:end -->"]
if len(begins) != 1 or len(ends) != 1 or ends[0] < begins[0]:
    die("want exactly one <!-- tour:begin --> followed by one <!-- tour:end -->, found %d and %d" % (len(begins), len(ends)))

server, client = [], []
fence = re.compile(r"^ {0,3}(`{3,}|~{3,})\s*([A-Za-z0-9_-]*)\s*$")
i, last_text = begins[0] + 1, ""
while i < ends[0]:
    line = lines[i]
    m = fence.match(line)
    if m:
        marker, lang = m.group(1), m.group(2)
        if lang not in ("sh", "bash"):
            die("line %d: a tour block must be a ```sh fence, found %r" % (i + 1, line))
        body, i = [], i + 1
        def closes(l):
            t = l.strip()
            return len(t) >= len(marker) and set(t) == {marker[0]}
        while i < ends[0] and not closes(lines[i]):
            body.append(lines[i])
            i += 1
        if i >= ends[0]:
            die("line %d: the fence opened here is not closed before <!-- tour:end -->" % (i + 1))
        if not any(b.strip() and not b.strip().startswith("#") for b in body):
            die("line %d: an empty tour block" % (i + 1))
        (server if last_text == "<!-- tour:server -->" else client).append("\n".join(body))
        last_text = ""
    elif line.strip():
        # Code indented as a block (after a blank line) would not be run: refuse it.
        if (line.startswith("    ") or line.startswith("\t")) and not lines[i - 1].strip():
            die("line %d: indented code in the tour; put it in a ```sh fence so that it is run" % (i + 1))
        last_text = line.strip()
    i += 1

if len(server) != 1:
    die("want exactly one ```sh block after <!-- tour:server --> (iamd's build and start), found %d" % len(server))
if not client:
    die("no ```sh block in the tour besides the server's")
open(out + "/server.sh", "w").write(server[0] + "\n")
open(out + "/tour.sh", "w").write("\n\n".join(client) + "\n")
PY
}

extract "$README" "$WORK" || fail "could not extract the tour"
if [ "${1:-}" = "--print" ]; then
  echo "# --- server block (background)"; cat "$WORK/server.sh"
  echo "# --- tour blocks"; cat "$WORK/tour.sh"
  exit 0
fi

README_ADDR=127.0.0.1:4599
for f in server.sh tour.sh; do
  grep -q "$README_ADDR" "$WORK/$f" || fail "the tour's $f part no longer names $README_ADDR; this script moves only that address"
done
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
sed -i "s/127\.0\.0\.1:4599/127.0.0.1:$PORT/g" "$WORK/server.sh" "$WORK/tour.sh"

# A fresh user's environment: an empty HOME and only what locates the tools.
HOME_DIR="$WORK/home"
mkdir -p "$HOME_DIR"
fresh_env=(env -i "HOME=$HOME_DIR" "PATH=$PATH" "LANG=${LANG:-C.UTF-8}" "TMPDIR=${TMPDIR:-/tmp}")
[ -n "${PYENV_ROOT:-}" ] && fresh_env+=("PYENV_ROOT=$PYENV_ROOT")
[ -n "${PYENV_VERSION:-}" ] && fresh_env+=("PYENV_VERSION=$PYENV_VERSION")
for v in GOCACHE GOMODCACHE GOPROXY GOSUMDB GONOSUMDB GOPRIVATE GONOPROXY GOINSECURE GOFLAGS GOTOOLCHAIN; do
  val=$(cd "$ROOT" && go env "$v")
  [ -n "$val" ] && fresh_env+=("$v=$val")
done

echo "== the README's server block (port $PORT)"
cd "$ROOT"
setsid "${fresh_env[@]}" bash -e -o pipefail "$WORK/server.sh" >"$WORK/server.out" 2>"$WORK/server.err" &
SERVER_PID=$!

# Wait for iamd: the build comes first, so allow minutes, but stop as soon as the block ends.
ready=""
for _ in $(seq 1 1200); do
  if python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$PORT/healthz', timeout=1)" 2>/dev/null; then
    ready=1; break
  fi
  kill -0 "$SERVER_PID" 2>/dev/null || break
  sleep 0.25
done
if [ -z "$ready" ]; then
  cat "$WORK/server.err" >&2
  fail "iamd did not start from the README's server block"
fi
echo "ok   iamd answers on 127.0.0.1:$PORT"

echo "== the README's tour blocks"
status=0
timeout 600 "${fresh_env[@]}" bash -e -o pipefail "$WORK/tour.sh" >"$WORK/tour.out" 2>"$WORK/tour.err" || status=$?
cat "$WORK/tour.out"
if [ "$status" != 0 ]; then
  echo "-- stderr of the tour:" >&2; cat "$WORK/tour.err" >&2
  echo "-- iamd's log:" >&2; tail -n 20 "$WORK/server.err" >&2
  fail "a tour command failed (exit $status)"
fi

# What the user sees.
has_line() { grep -qxF -- "$1" "$WORK/tour.out" || fail "$2: no line '$1' in the tour's output"; echo "ok   $2"; }
has_line "arn:aws:iam::123456789012:root" "get-caller-identity with the root key from DATA/root-credentials.json"
ID=$(grep -oE '^i-[0-9a-f]{17}	running	' "$WORK/tour.out" | cut -f1 | head -n 1)
[ -n "$ID" ] || fail "describe-instances: no running instance in the tour's output"
has_line "$ID	running	arn:aws:iam::123456789012:instance-profile/Tower-Instance" "the machine runs with Tower-Instance"
has_line "arn:aws:sts::123456789012:assumed-role/Tower-Role/$ID" "exec --instance: the machine's session of Tower-Role"
grep -q 'examples/seeds/000-tower-role-policy.json:[0-9]*:[0-9]*: SECURITY_WARNING PASS_ROLE_WITH_STAR_IN_RESOURCE' "$WORK/tour.out" ||
  fail "policy lint did not report Tower-Role-Policy's iam:PassRole on *, the finding the README explains"
if grep -q ': ERROR ' "$WORK/tour.out"; then fail "policy lint reported an ERROR in the seed's policies"; fi
echo "ok   policy lint: the SECURITY_WARNING the README explains, no ERROR"
grep -q '"decision": "allowed"' "$WORK/tour.out" || fail "policy eval examples/quickstart.json did not answer allowed"
echo "ok   policy eval of examples/quickstart.json"

# The calls reached this iamd (not AWS): its audit log (standard output) has them.
for action in GetCallerIdentity CreateUser CreateRole AddRoleToInstanceProfile RunInstances; do
  grep -qE "\"action\":\"[a-z0-9-]+:$action\"" "$WORK/server.out" || fail "iamd's audit log has no $action call"
done
echo "ok   the tour's calls are in iamd's audit log"
# The tour's HOME got nothing but iamd's data (and what the tools cache).
[ -s "$HOME_DIR/.local/share/iamd/root-credentials.json" ] || fail "no root-credentials.json in the fresh HOME's data directory"
echo "readme_tour: all checks passed"
