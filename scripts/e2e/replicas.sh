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
for script in scripts/e2e/seed0*.sh; do
  echo "-- $script on two replicas"
  E2E_REPLICAS=postgres bash "$script"
done
echo "PASS replicas"
