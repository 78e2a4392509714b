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

echo "== PostgreSQL for the PostgreSQL store's tests (internal/store/pgtest runs its own cluster)"
if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  as_root=""
  [ "$(id -u)" = 0 ] || { sudo -n true 2>/dev/null && as_root="sudo -n"; }
  if command -v apt-get >/dev/null && { [ "$(id -u)" = 0 ] || [ -n "$as_root" ]; }; then
    $as_root apt-get update -qq >/dev/null
    $as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  else
    echo "PostgreSQL's server binaries are missing (apt-get install postgresql): those tests will skip"
  fi
fi

echo "== go test -race"
go test -race -count=1 ./...

echo "== short fuzzing of the parsers of network input (their seeds ran with the tests)"
# Package and target pairs, 3 seconds each. Only their seeds run for the slow ones (Secrets
# Manager's operations over a real store) and for those a test covers exhaustively (one byte
# of a metadata or session token changed).
fuzz_targets=(
  ./internal/policy/:FuzzParse ./internal/policy/:FuzzGlob ./internal/policy/:FuzzResourceMatch
  ./internal/api/awsquery/:FuzzParse ./internal/api/ec2query/:FuzzEC2Params
  ./internal/oidc/:FuzzParseToken ./internal/oidc/:FuzzTamperedToken ./internal/oidc/:FuzzParseJWK
  ./internal/sts/:FuzzSealerOpen ./internal/imds/:FuzzMetadataToken
  ./internal/taskcreds/:FuzzTaskCredentials ./internal/server/:FuzzOriginOf
)
for pair in "${fuzz_targets[@]}"; do
  pkg=${pair%%:*} target=${pair#*:}
  out=$(go test "$pkg" -run '^$' -fuzz "^${target}\$" -fuzztime 3s 2>&1) || { echo "$out" | tail -30; echo "fuzzing $target in $pkg failed"; exit 1; }
done
echo "== end-to-end scripts (stock aws CLI and boto3 against a real iamd)"
command -v aws >/dev/null || { echo "the aws CLI is needed for the end-to-end scripts (pip install awscli boto3)"; exit 1; }
python3 -c 'import boto3' || { echo "boto3 is needed for the end-to-end scripts (pip install boto3)"; exit 1; }
# Every script in scripts/e2e except the shared lib.sh: one per seed or capability.
for script in scripts/e2e/*.sh; do
  case "$(basename "$script")" in lib.sh) continue ;; esac
  echo "-- $script"
  bash "$script"
done
echo "all tests passed"
