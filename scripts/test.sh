#!/usr/bin/env bash
# The whole test suite: formatting, vet, and every Go test (with the race detector).
# Usage: ./scripts/test.sh            (from the repository root or anywhere inside it)
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== gofmt"
unformatted=$(gofmt -l .)
if [ -n "$unformatted" ]; then
  echo "gofmt would change:"; echo "$unformatted"; exit 1
fi

echo "== go vet"
go vet ./...

echo "== go test -race"
go test -race -count=1 ./...

echo "== fuzz seeds and short fuzzing of the policy parser and matchers"
for target in FuzzParse FuzzGlob FuzzResourceMatch; do
  go test ./internal/policy/ -run '^$' -fuzz "^${target}\$" -fuzztime 5s >/dev/null
done
echo "== end-to-end scripts (stock aws CLI and boto3 against a real iamd)"
command -v aws >/dev/null || { echo "the aws CLI is needed for the end-to-end scripts (pip install awscli boto3)"; exit 1; }
python3 -c 'import boto3' || { echo "boto3 is needed for the end-to-end scripts (pip install boto3)"; exit 1; }
# Every script in scripts/e2e except the shared lib.sh: one per seed or capability.
for script in scripts/e2e/*.sh; do
  [ "$(basename "$script")" = lib.sh ] && continue
  echo "-- $script"
  bash "$script"
done
echo "all tests passed"
