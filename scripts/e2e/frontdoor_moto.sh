#!/usr/bin/env bash
# The front door with the stock aws CLI: iamd in front of moto (`iamd serve --upstream`), a
# user allowed S3 on one bucket and SQS on one queue. What the policy allows reaches moto and
# comes back; what it does not is AccessDenied in the service's own protocol (S3's XML,
# DynamoDB's JSON, SQS's query-compatible JSON) and never reaches moto; in soft mode
# (--enforce log) the denial is recorded and the call goes through. Skipped when moto is not
# installed.
set -euo pipefail
if ! command -v moto_server >/dev/null; then
  echo "SKIP frontdoor_moto.sh: moto_server is not installed (pip install 'moto[server]')"
  exit 0
fi
source "$(dirname "$0")/lib.sh"

start_moto

IAMD_ARGS="--upstream $MOTO" start_iamd

# moto's own view, with moto's keys, straight to moto.
as_moto() { AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_ENDPOINT_URL=$MOTO "$@"; }

aws iam create-user --user-name carol >/dev/null
aws iam put-user-policy --user-name carol --policy-name team --policy-document '{"Version":"2012-10-17","Statement":[
  {"Effect":"Allow","Action":"s3:*","Resource":["arn:aws:s3:::team-data","arn:aws:s3:::team-data/*"]},
  {"Effect":"Allow","Action":["sqs:CreateQueue","sqs:GetQueueUrl","sqs:SendMessage"],"Resource":"arn:aws:sqs:us-east-1:123456789012:jobs"}]}'
read -r CAROL_KEY CAROL_SECRET < <(aws iam create-access-key --user-name carol --query 'AccessKey.[AccessKeyId,SecretAccessKey]' --output text)
as_carol() { AWS_ACCESS_KEY_ID=$CAROL_KEY AWS_SECRET_ACCESS_KEY=$CAROL_SECRET "$@"; }

# S3: the team's bucket, through iamd, is moto's.
echo "front door payload" >"$E2E_TMP/report.txt"
as_carol aws s3 mb s3://team-data >/dev/null
as_carol aws s3 cp "$E2E_TMP/report.txt" s3://team-data/reports/report.txt >/dev/null
expect_eq "carol lists her bucket" "$(as_carol aws s3 ls s3://team-data/reports/ | awk '{print $4}')" "report.txt"
expect_eq "carol reads her object back" "$(as_carol aws s3 cp s3://team-data/reports/report.txt -)" "front door payload"
expect_eq "the object is in moto" "$(as_moto aws s3 cp s3://team-data/reports/report.txt -)" "front door payload"

# S3: any other bucket is refused, and never reaches moto.
as_moto aws s3 mb s3://other-bucket >/dev/null
expect_error "carol may not create another bucket" AccessDenied as_carol aws s3 mb s3://not-hers
expect_error "carol may not write another bucket" AccessDenied as_carol aws s3 cp "$E2E_TMP/report.txt" s3://other-bucket/x
expect_error "carol may not list another bucket" AccessDenied as_carol aws s3 ls s3://other-bucket
expect_eq "the refused calls left moto as it was" "$(as_moto aws s3 ls s3://other-bucket | wc -l | tr -d ' ')" "0"
if as_moto aws s3api head-bucket --bucket not-hers 2>/dev/null; then echo "FAIL a refused CreateBucket reached moto"; exit 1; fi
echo "ok   a refused CreateBucket never reached moto"

# DynamoDB: refused in its JSON protocol.
out=$(as_carol aws dynamodb list-tables 2>&1 || true)
case "$out" in
  *"(AccessDeniedException)"*"User: arn:aws:iam::123456789012:user/carol is not authorized to perform: dynamodb:ListTables"*)
    echo "ok   dynamodb list-tables is AccessDeniedException";;
  *) echo "FAIL dynamodb list-tables: $out"; exit 1;;
esac

# SQS: the queue the policy names. The aws CLI v1 sends SQS calls to queue.amazonaws.com
# unless --endpoint-url is given, whatever AWS_ENDPOINT_URL says.
sqs() { aws sqs --endpoint-url "$AWS_ENDPOINT_URL" "$@"; }
QUEUE_URL=$(as_carol sqs create-queue --queue-name jobs --query QueueUrl --output text)
expect_eq "carol's queue URL" "${QUEUE_URL##*/}" "jobs"
as_carol sqs send-message --queue-url "$QUEUE_URL" --message-body "job 1" >/dev/null
expect_eq "the message is in moto" \
  "$(as_moto sqs receive-message --queue-url "$MOTO/123456789012/jobs" --query 'Messages[0].Body' --output text)" "job 1"
expect_error "carol may not create another queue" AccessDenied as_carol sqs create-queue --queue-name other

# The audit log has the calls, allowed and denied, with their resources.
audit_has() {
  python3 - "$E2E_TMP/audit.log" "$@" <<'EOF'
import json, sys
path, action, resource, decision = sys.argv[1:]
events = [json.loads(line) for line in open(path)]
if not any(e.get("action") == action and e.get("resource") == resource and e.get("decision") == decision for e in events):
    sys.exit("FAIL no audit line %s on %s %s" % (action, resource, decision))
EOF
}
audit_has s3:PutObject arn:aws:s3:::team-data/reports/report.txt allowed
audit_has s3:CreateBucket arn:aws:s3:::not-hers denied
audit_has dynamodb:ListTables '*' denied
audit_has sqs:SendMessage arn:aws:sqs:us-east-1:123456789012:jobs allowed
echo "ok   the audit log records the forwarded and the refused calls"
# Soft mode: the denial is logged and audited, and the call goes through.
stop_iamd
IAMD_ARGS="--upstream $MOTO --enforce log" start_iamd
expect_eq "in soft mode carol lists moto's tables" "$(as_carol aws dynamodb list-tables --query 'length(TableNames)' --output text)" "0"
audit_has dynamodb:ListTables '*' would-be-denied
grep -q 'would be denied (--enforce log)' "$E2E_TMP/iamd.log" || { echo "FAIL soft mode logged no denial"; exit 1; }
echo "ok   soft mode audits and logs the denial it let through"

if grep -q "$CAROL_SECRET\|$AWS_SECRET_ACCESS_KEY" "$E2E_TMP/audit.log" "$E2E_TMP/iamd.log"; then
  echo "FAIL a secret access key appears in the logs"; exit 1
fi
echo "frontdoor_moto: all checks passed"
