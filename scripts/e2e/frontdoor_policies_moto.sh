#!/usr/bin/env bash
# Resource policies held by the upstream count, with the stock aws CLI: iamd in front of moto,
# which keeps its buckets and queues for the default account (123456789012, iamd's and moto's).
# A bucket policy's Deny, put through iamd, refuses at once what the caller's identity policy
# allows, and the refused call never reaches moto; a caller of another account reaches the
# bucket only where its policy grants that account; an SQS queue policy likewise. Skipped when
# moto is not installed.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
start_moto
IAMD_ARGS="--upstream $MOTO" start_iamd

# The aws CLI v1 sends SQS calls to queue.amazonaws.com unless --endpoint-url is given.
sqs() { aws sqs --endpoint-url "$AWS_ENDPOINT_URL" "$@"; }
keys() { python3 -c 'import json,sys; d=json.load(sys.stdin); d=d.get("AccessKey", d); print(d["AccessKeyId"], d["SecretAccessKey"])'; }

# carol, of the default account, owns the team's bucket and queue.
aws iam create-user --user-name carol >/dev/null
aws iam put-user-policy --user-name carol --policy-name team --policy-document '{"Version":"2012-10-17","Statement":[
  {"Effect":"Allow","Action":"s3:*","Resource":["arn:aws:s3:::team-data","arn:aws:s3:::team-data/*"]},
  {"Effect":"Allow","Action":"sqs:*","Resource":"arn:aws:sqs:us-east-1:123456789012:jobs"}]}'
read -r CAROL_KEY CAROL_SECRET < <(aws iam create-access-key --user-name carol | keys)
as_carol() { AWS_ACCESS_KEY_ID=$CAROL_KEY AWS_SECRET_ACCESS_KEY=$CAROL_SECRET "$@"; }

echo "policy payload" >"$E2E_TMP/report.txt"
as_carol aws s3 mb s3://team-data >/dev/null
as_carol aws s3 cp "$E2E_TMP/report.txt" s3://team-data/locked/before.txt >/dev/null
as_carol aws s3 cp "$E2E_TMP/report.txt" s3://team-data/shared/report.txt >/dev/null
echo "ok   carol writes her bucket while it has no bucket policy"

# A bucket policy Deny put through iamd refuses, from the next call on, what carol's identity
# policy allows (iamd forgot the policy it had read, which said none).
LOCKED='{"Version":"2012-10-17","Statement":[
  {"Sid":"Locked","Effect":"Deny","Principal":"*","Action":["s3:PutObject","s3:GetObject"],"Resource":"arn:aws:s3:::team-data/locked/*"}]}'
as_carol aws s3api put-bucket-policy --bucket team-data --policy "$LOCKED"
expect_error "a bucket policy Deny refuses carol's write" AccessDenied as_carol aws s3 cp "$E2E_TMP/report.txt" s3://team-data/locked/after.txt
# (aws s3 cp reads with HeadObject first, whose 403 has no body to name the code.)
get() { aws s3api get-object --bucket team-data --key "$1" "$E2E_TMP/got" >/dev/null; }
expect_error "a bucket policy Deny refuses carol's read" AccessDenied as_carol get locked/before.txt
if as_moto aws s3api head-object --bucket team-data --key locked/after.txt >/dev/null 2>&1; then
  echo "FAIL a refused PutObject reached moto"; exit 1
fi
echo "ok   the refused PutObject never reached moto"
expect_eq "carol still reads outside the Deny" "$(as_carol aws s3 cp s3://team-data/shared/report.txt -)" "policy payload"
audit_has s3:PutObject arn:aws:s3:::team-data/locked/after.txt denied
audit_has s3:PutBucketPolicy arn:aws:s3:::team-data allowed

# dave, of another account, may read any bucket by his identity policy: the bucket, the
# default account's, must grant his account too.
read -r B_KEY B_SECRET < <("$IAMD_BIN" account create --id 210987654321 --name partner | keys)
as_b() { AWS_ACCESS_KEY_ID=$B_KEY AWS_SECRET_ACCESS_KEY=$B_SECRET "$@"; }
as_b aws iam create-user --user-name dave >/dev/null
as_b aws iam put-user-policy --user-name dave --policy-name read --policy-document '{"Version":"2012-10-17","Statement":[
  {"Effect":"Allow","Action":["s3:GetObject","sqs:SendMessage"],"Resource":"*"}]}'
read -r DAVE_KEY DAVE_SECRET < <(as_b aws iam create-access-key --user-name dave | keys)
as_dave() { AWS_ACCESS_KEY_ID=$DAVE_KEY AWS_SECRET_ACCESS_KEY=$DAVE_SECRET "$@"; }
expect_error "without the bucket policy's grant dave is refused" AccessDenied as_dave get shared/report.txt

as_carol aws s3api put-bucket-policy --bucket team-data --policy '{"Version":"2012-10-17","Statement":[
  {"Sid":"Locked","Effect":"Deny","Principal":"*","Action":["s3:PutObject","s3:GetObject"],"Resource":"arn:aws:s3:::team-data/locked/*"},
  {"Sid":"Partner","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::210987654321:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::team-data/*"}]}'
expect_eq "the bucket policy's grant lets dave read across accounts" "$(as_dave aws s3 cp s3://team-data/shared/report.txt -)" "policy payload"
expect_error "the Deny holds for dave too" AccessDenied as_dave get locked/before.txt

as_carol aws s3api delete-bucket-policy --bucket team-data
expect_eq "without its bucket policy carol reads the locked object" "$(as_carol aws s3 cp s3://team-data/locked/before.txt -)" "policy payload"
expect_error "and dave is refused again" AccessDenied as_dave get shared/report.txt

# SQS: carol's queue takes dave's messages once its policy grants his account.
QUEUE_URL=$(as_carol sqs create-queue --queue-name jobs --query QueueUrl --output text)
expect_error "without the queue policy's grant dave may not send" AccessDenied as_dave sqs send-message --queue-url "$QUEUE_URL" --message-body "from dave"
as_carol sqs set-queue-attributes --queue-url "$QUEUE_URL" --attributes '{"Policy":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"Partner\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::210987654321:root\"},\"Action\":\"sqs:SendMessage\",\"Resource\":\"arn:aws:sqs:us-east-1:123456789012:jobs\"}]}"}'
as_dave sqs send-message --queue-url "$QUEUE_URL" --message-body "from dave" >/dev/null
expect_eq "dave's message is in moto" \
  "$(as_moto sqs receive-message --queue-url "$MOTO/123456789012/jobs" --query 'Messages[0].Body' --output text)" "from dave"
audit_has sqs:SendMessage arn:aws:sqs:us-east-1:123456789012:jobs denied
audit_has sqs:SendMessage arn:aws:sqs:us-east-1:123456789012:jobs allowed

if grep -q "$CAROL_SECRET\|$DAVE_SECRET\|$AWS_SECRET_ACCESS_KEY" "$E2E_TMP/audit.log" "$E2E_TMP/iamd.log"; then
  echo "FAIL a secret access key appears in the logs"; exit 1
fi
echo "frontdoor_policies_moto: all checks passed"
