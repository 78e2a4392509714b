#!/usr/bin/env bash
# The policy simulator with the stock aws CLI against a real iamd: seed 004's ParallelCluster
# user policy attached to a user and seed 000's Tower-Role-Policy on Tower-Role, through
# simulate-principal-policy and simulate-custom-policy, decisions and matched statements
# checked with python3.
source "$(dirname "$0")/lib.sh"
SEEDS="$E2E_ROOT/examples/seeds"
start_iamd

# decisions FILE: prints "action resource decision [policy-id:line:col]..." per result.
decisions() {
  python3 -c '
import json, sys
for r in json.load(open(sys.argv[1]))["EvaluationResults"]:
    ms = " ".join("%s:%d:%d" % (m["SourcePolicyId"], m["StartPosition"]["Line"], m["StartPosition"]["Column"]) for m in r["MatchedStatements"])
    print(" ".join(x for x in [r["EvalActionName"], r["EvalResourceName"], r["EvalDecision"], ms] if x))
' "$1"
}
OUT="$E2E_TMP/out.json"
# as_list FILE|JSON...: writes the documents as a JSON list of strings, the form the aws CLI
# reads a list of policy documents from (file://), and prints the file:// argument.
as_list() {
  local f="$E2E_TMP/list-$RANDOM.json"
  python3 -c '
import json, os, sys
docs = [open(a).read() if os.path.exists(a) else a for a in sys.argv[2:]]
json.dump(docs, open(sys.argv[1], "w"))' "$f" "$@"
  echo "file://$f"
}

# Seed 004: the ParallelCluster user policy, attached to a user as a managed policy.
aws iam create-user --user-name pcluster-admin >/dev/null
POLICY_ARN=$(aws iam create-policy --policy-name ParallelClusterUserPolicy \
  --policy-document "file://$SEEDS/004-parallelcluster-user-policy.json" --query Policy.Arn --output text)
aws iam attach-user-policy --user-name pcluster-admin --policy-arn "$POLICY_ARN"
USER_ARN=arn:aws:iam::123456789012:user/pcluster-admin

aws iam simulate-principal-policy --policy-source-arn "$USER_ARN" \
  --action-names cloudformation:CreateStack sqs:CreateQueue dynamodb:CreateTable batch:SubmitJob > "$OUT"
expect_eq "pcluster user: services it needs, and one it does not" "$(decisions "$OUT")" \
"cloudformation:CreateStack * allowed ParallelClusterUserPolicy:151:10
sqs:CreateQueue * allowed ParallelClusterUserPolicy:109:10
dynamodb:CreateTable * allowed ParallelClusterUserPolicy:92:10
batch:SubmitJob * implicitDeny"

aws iam simulate-principal-policy --policy-source-arn "$USER_ARN" --action-names iam:PassRole \
  --resource-arns arn:aws:iam::123456789012:role/parallelcluster-head arn:aws:iam::123456789012:role/admin > "$OUT"
expect_eq "pcluster user: iam:PassRole only on parallelcluster-* roles" "$(decisions "$OUT")" \
"iam:PassRole arn:aws:iam::123456789012:role/parallelcluster-head allowed ParallelClusterUserPolicy:172:10
iam:PassRole arn:aws:iam::123456789012:role/admin implicitDeny"

# Pagination through the CLI's own paginator (two items a page).
expect_eq "pcluster user: paginated simulation" \
  "$(aws iam simulate-principal-policy --policy-source-arn "$USER_ARN" --page-size 2 \
      --action-names ec2:RunInstances ec2:CreateVolume sns:CreateTopic s3:PutObject ec2:DescribeVpcs \
      --query 'EvaluationResults[].EvalDecision' --output json | python3 -c 'import json,sys; print(" ".join(json.load(sys.stdin)))')" \
  "allowed allowed allowed implicitDeny allowed"

# The same user policy as a custom policy, with a boundary that denies CloudFormation.
aws iam simulate-custom-policy --policy-input-list "$(as_list "$SEEDS/004-parallelcluster-user-policy.json")" \
  --permissions-boundary-policy-input-list "$(as_list '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"cloudformation:*","Resource":"*"}]}')" \
  --action-names cloudformation:DeleteStack sqs:DeleteQueue > "$OUT"
expect_eq "custom: a boundary that denies" "$(decisions "$OUT")" \
"cloudformation:DeleteStack * explicitDeny PermissionsBoundaryPolicyInputList.1:1:86
sqs:DeleteQueue * allowed PolicyInputList.1:109:10 PermissionsBoundaryPolicyInputList.1:1:39"
expect_eq "custom: boundary detail" \
  "$(python3 -c 'import json,sys; print([r["PermissionsBoundaryDecisionDetail"]["AllowedByPermissionsBoundary"] for r in json.load(open(sys.argv[1]))["EvaluationResults"]])' "$OUT")" \
  "[False, True]"

# A condition on iam:PassedToService: missing, then supplied.
PASS='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:PassRole","Resource":"*","Condition":{"StringEquals":{"iam:PassedToService":"ec2.amazonaws.com"}}}]}'
expect_eq "custom: missing iam:PassedToService" \
  "$(aws iam simulate-custom-policy --policy-input-list "$(as_list "$PASS")" --action-names iam:PassRole \
      --query 'EvaluationResults[0].[EvalDecision,MissingContextValues[0]]' --output text)" "implicitDeny	iam:PassedToService"
expect_eq "custom: iam:PassedToService supplied" \
  "$(aws iam simulate-custom-policy --policy-input-list "$(as_list "$PASS")" --action-names iam:PassRole \
      --context-entries ContextKeyName=iam:PassedToService,ContextKeyValues=ec2.amazonaws.com,ContextKeyType=string \
      --query 'EvaluationResults[0].EvalDecision' --output text)" "allowed"
expect_eq "context keys" "$(aws iam get-context-keys-for-custom-policy --policy-input-list "$(as_list "$PASS")" --query 'ContextKeyNames' --output text)" \
  "iam:PassedToService"

# Seed 000: Tower-Role with its inline Tower-Role-Policy.
# The trust policy names the user tower-admin: IAM accepts it only once that user exists.
aws iam create-user --user-name tower-admin >/dev/null
aws iam create-role --role-name Tower-Role --assume-role-policy-document "file://$SEEDS/000-tower-role-trust-policy.json" >/dev/null
aws iam put-role-policy --role-name Tower-Role --policy-name Tower-Role-Policy --policy-document "file://$SEEDS/000-tower-role-policy.json"
aws iam simulate-principal-policy --policy-source-arn arn:aws:iam::123456789012:role/Tower-Role \
  --action-names batch:SubmitJob s3:GetObject ec2:RunInstances \
  --resource-arns arn:aws:s3:::my-tower-bucket-01/data.csv > "$OUT"
expect_eq "Tower-Role: batch, its bucket, not EC2 launches" "$(decisions "$OUT")" \
"batch:SubmitJob arn:aws:s3:::my-tower-bucket-01/data.csv allowed role_Tower-Role_Tower-Role-Policy:55:10
s3:GetObject arn:aws:s3:::my-tower-bucket-01/data.csv allowed role_Tower-Role_Tower-Role-Policy:97:10
ec2:RunInstances arn:aws:s3:::my-tower-bucket-01/data.csv implicitDeny"
aws iam simulate-custom-policy --policy-input-list "$(as_list "$SEEDS/000-tower-role-policy.json")" \
  --action-names s3:PutObject s3:DeleteBucket --resource-arns arn:aws:s3:::my-tower-bucket-02/x arn:aws:s3:::other/x > "$OUT"
expect_eq "custom Tower-Role-Policy: objects of its buckets only" "$(decisions "$OUT")" \
"s3:PutObject arn:aws:s3:::my-tower-bucket-02/x allowed PolicyInputList.1:97:10
s3:PutObject arn:aws:s3:::other/x implicitDeny
s3:DeleteBucket arn:aws:s3:::my-tower-bucket-02/x implicitDeny
s3:DeleteBucket arn:aws:s3:::other/x implicitDeny"

expect_error "unknown principal" NoSuchEntity aws iam simulate-principal-policy \
  --policy-source-arn arn:aws:iam::123456789012:user/ghost --action-names sqs:SendMessage
expect_error "malformed custom policy" InvalidInput aws iam simulate-custom-policy \
  --policy-input-list "$(as_list '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:*"}]}')" --action-names sqs:SendMessage
echo "simulate: all checks passed"
