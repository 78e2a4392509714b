#!/usr/bin/env bash
# S3 objects of several MiB through the front door, in every payload mode the stock aws CLI
# and boto3 send, with iamd in front of moto: a signed payload over HTTP, trailing checksums
# (aws-chunked) and UNSIGNED-PAYLOAD over TLS (a TLS relay in front of iamd, as a load
# balancer would be), multipart uploads (aws s3 cp above 8 MiB), presigned URLs. Each object
# is read back through iamd and from moto byte for byte. Skipped when moto is not installed.
set -euo pipefail
if ! command -v moto_server >/dev/null; then
  echo "SKIP frontdoor_s3_payloads.sh: moto_server is not installed (pip install 'moto[server]')"
  exit 0
fi
source "$(dirname "$0")/lib.sh"

start_moto
IAMD_ARGS="--upstream $MOTO" start_iamd

# TLS in front of iamd, with a certificate for 127.0.0.1 the clients are told to trust.
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
  -keyout "$E2E_TMP/tls.key" -out "$E2E_TMP/tls.crt" 2>/dev/null
python3 "$(dirname "$0")/tls_relay.py" "$E2E_TMP/tls.crt" "$E2E_TMP/tls.key" "$E2E_TMP/tls.port" "$PORT" 2>"$E2E_TMP/tls.log" &
E2E_PIDS+=($!)
for _ in $(seq 1 100); do [ -s "$E2E_TMP/tls.port" ] && break; sleep 0.1; done
HTTPS_ENDPOINT="https://127.0.0.1:$(cat "$E2E_TMP/tls.port")"

aws iam create-user --user-name carol >/dev/null
aws iam put-user-policy --user-name carol --policy-name team --policy-document '{"Version":"2012-10-17","Statement":[
  {"Effect":"Allow","Action":"s3:*","Resource":["arn:aws:s3:::team-data","arn:aws:s3:::team-data/*"]}]}'
read -r CAROL_KEY CAROL_SECRET < <(aws iam create-access-key --user-name carol --query 'AccessKey.[AccessKeyId,SecretAccessKey]' --output text)
as_carol() { AWS_ACCESS_KEY_ID=$CAROL_KEY AWS_SECRET_ACCESS_KEY=$CAROL_SECRET "$@"; }
as_moto() { AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_ENDPOINT_URL=$MOTO "$@"; }
as_carol aws s3 mb s3://team-data >/dev/null
as_moto aws s3 mb s3://other-bucket >/dev/null

# expect_same LABEL FILE FILE
expect_same() {
  if ! cmp -s "$2" "$3"; then echo "FAIL $1: $2 and $3 differ"; exit 1; fi
  echo "ok   $1"
}

# The aws CLI: an object of just under 8 MiB (one PutObject) and one of 9 MiB (aws s3 cp
# goes multipart from 8 MiB: parts of 8 MiB and 1 MiB), over HTTP and over TLS; the payload
# mode each sent is read from its debug log's canonical requests.
head -c $((8 * 1024 * 1024 - 1024)) /dev/urandom >"$E2E_TMP/small.bin"
head -c $((9 * 1024 * 1024)) /dev/urandom >"$E2E_TMP/large.bin"
for transport in http https; do
  # The payload hash of the canonical request the CLI signed: a SHA-256, or aws-chunked.
  endpoint=$AWS_ENDPOINT_URL mode="^x-amz-content-sha256:[0-9a-f]\{64\}$"
  if [ "$transport" = https ]; then endpoint=$HTTPS_ENDPOINT mode="^x-amz-content-sha256:STREAMING-UNSIGNED-PAYLOAD-TRAILER$"; fi
  for size in small large; do
    as_carol aws --endpoint-url "$endpoint" --ca-bundle "$E2E_TMP/tls.crt" --debug \
      s3 cp "$E2E_TMP/$size.bin" "s3://team-data/cli/$transport-$size.bin" >/dev/null 2>"$E2E_TMP/cp.log"
    grep -q "$mode" "$E2E_TMP/cp.log" || { echo "FAIL aws s3 cp over $transport did not send $mode"; exit 1; }
    if [ "$size" = large ]; then
      grep -q "UploadPart" "$E2E_TMP/cp.log" || { echo "FAIL aws s3 cp of 9 MiB over $transport was not multipart"; exit 1; }
    fi
    as_carol aws --endpoint-url "$endpoint" --ca-bundle "$E2E_TMP/tls.crt" \
      s3 cp "s3://team-data/cli/$transport-$size.bin" "$E2E_TMP/back.bin" >/dev/null
    expect_same "aws s3 cp of the $size object over $transport, read back through iamd" "$E2E_TMP/$size.bin" "$E2E_TMP/back.bin"
    as_moto aws s3 cp "s3://team-data/cli/$transport-$size.bin" "$E2E_TMP/moto.bin" >/dev/null
    expect_same "the $size object sent over $transport, in moto" "$E2E_TMP/$size.bin" "$E2E_TMP/moto.bin"
  done
done
expect_error "carol may not upload into another bucket over TLS" AccessDenied \
  as_carol aws --endpoint-url "$HTTPS_ENDPOINT" --ca-bundle "$E2E_TMP/tls.crt" s3 cp "$E2E_TMP/large.bin" s3://other-bucket/x
expect_eq "the refused upload left moto as it was" "$(as_moto aws s3 ls s3://other-bucket | wc -l | tr -d ' ')" "0"

python3 "$(dirname "$0")/frontdoor_s3_payloads_boto3.py" "$CAROL_KEY" "$CAROL_SECRET" "$AWS_ENDPOINT_URL" "$HTTPS_ENDPOINT" \
  "$E2E_TMP/tls.crt" "$MOTO" team-data

# The parts of the multipart uploads were authorized as s3:PutObject.
python3 - "$E2E_TMP/audit.log" <<'PY'
import json, sys
events = [json.loads(line).get("additionalEventData", {}).get("iamd", {}) for line in open(sys.argv[1])]
puts = [e for e in events if e.get("action") == "s3:PutObject" and e.get("resource") == "arn:aws:s3:::team-data/cli/https-large.bin" and e.get("decision") == "allowed"]
if len(puts) != 4:  # CreateMultipartUpload, two parts, CompleteMultipartUpload
    sys.exit("FAIL the multipart upload was audited as %d s3:PutObject calls, want 4" % len(puts))
PY
echo "ok   the multipart upload is audited as four s3:PutObject calls"
if grep -q "$CAROL_SECRET" "$E2E_TMP/audit.log" "$E2E_TMP/iamd.log"; then
  echo "FAIL a secret access key appears in the logs"; exit 1
fi
echo "frontdoor_s3_payloads: all checks passed"
