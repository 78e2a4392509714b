#!/usr/bin/env bash
# The seed scripts on two iamd replicas sharing one PostgreSQL database: every write goes
# to replica A and every read (get-*, list-*, describe-*, ...) to replica B (lib.sh's
# E2E_REPLICAS=postgres mode), so each check a seed script makes reads through B what it
# wrote through A, policy changes included. Skipped when PostgreSQL cannot be started.
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  echo "SKIP replicas: PostgreSQL's server binaries are not installed (apt-get install postgresql)"
  exit 0
fi
E2E_REPLICA_TALLY=$(mktemp)
trap 'rm -f "$E2E_REPLICA_TALLY"' EXIT
for script in scripts/e2e/seed0*.sh; do
  echo "-- $script on two replicas"
  E2E_REPLICAS=postgres E2E_REPLICA_TALLY=$E2E_REPLICA_TALLY bash "$script"
done
# The scripts' reads went to replica B: it answered calls in most of them (a script whose
# reads all run on a machine, through `iamd exec`, reads through A, which runs the machine).
python3 - "$E2E_REPLICA_TALLY" <<'PY'
import sys
counts = [line.split() for line in open(sys.argv[1])]
read = [name for name, n in counts if int(n) > 0]
print("ok   replica B answered %s calls in %d of %d scripts" % (sum(int(n) for _, n in counts), len(read), len(counts)))
if len(read) * 2 < len(counts):
    sys.exit("FAIL replica B answered calls in too few scripts: %s" % counts)
PY
echo "PASS replicas"
