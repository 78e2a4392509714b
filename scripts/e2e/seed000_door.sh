#!/usr/bin/env bash
# Seed 000 through the front door: iamd in front of moto (`iamd serve --upstream`), the Tower
# role and instance profile from the document with Tower-Role-Policy's buckets made concrete
# (my-tower-bucket-01, -02), a machine launched with the profile. On it, the stock aws CLI
# and boto3 find the role's credentials through instance metadata and reach moto only as the
# policy says: `aws s3 cp` into and out of the Tower bucket works, another bucket's objects
# are AccessDenied, Batch's DescribeComputeEnvironments and SSM's GetParameters pass (moto
# answers), DynamoDB's ListTables is refused in JSON. EC2's DescribeSubnets/DescribeVpcs are
# checked only when this iamd forwards them (iamd serves EC2's instance lifecycle itself; the
# rest of EC2 goes to the upstream once that lands). Skipped when moto is not installed.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
SEEDS="$E2E_ROOT/examples/seeds"
start_moto
IAMD_ARGS="--upstream $MOTO" start_iamd

aws iam create-user --user-name tower-admin >/dev/null
aws iam create-role --role-name Tower-Role --assume-role-policy-document "file://$SEEDS/000-tower-role-trust-policy.json" >/dev/null
aws iam put-role-policy --role-name Tower-Role --policy-name Tower-Role-Policy --policy-document "file://$SEEDS/000-tower-role-policy.json"
aws iam create-instance-profile --instance-profile-name Tower-Instance >/dev/null
aws iam add-role-to-instance-profile --instance-profile-name Tower-Instance --role-name Tower-Role
ID=$(aws ec2 run-instances --image-id ami-0abcdef1234567890 --instance-type t3.medium --count 1 \
  --iam-instance-profile Name=Tower-Instance --metadata-options HttpTokens=required,HttpEndpoint=enabled \
  --query 'Instances[0].InstanceId' --output text)
on_machine() { "$IAMD_BIN" exec --instance "$ID" -- "$@"; }
expect_eq "the machine's identity" "$(on_machine aws sts get-caller-identity --query Arn --output text)" \
  "arn:aws:sts::123456789012:assumed-role/Tower-Role/$ID"

# What Tower finds in the account, made by the administrator (root) through the door.
aws s3 mb s3://my-tower-bucket-01 >/dev/null
aws s3 mb s3://my-tower-bucket-02 >/dev/null
aws s3 mb s3://someone-elses-bucket >/dev/null
echo "someone else's data" | aws s3 cp - s3://someone-elses-bucket/private.txt >/dev/null
aws ssm put-parameter --name /tower/license --type String --value tower-license-1 >/dev/null
aws dynamodb create-table --table-name tower-cache --attribute-definitions AttributeName=id,AttributeType=S \
  --key-schema AttributeName=id,KeyType=HASH --billing-mode PAY_PER_REQUEST >/dev/null

# S3: the Tower bucket, in and out (s3:*Object* on my-tower-bucket-01/*).
echo "nextflow work" >"$E2E_TMP/work.txt"
on_machine aws s3 cp "$E2E_TMP/work.txt" s3://my-tower-bucket-01/work/run-1/work.txt >/dev/null
expect_eq "aws s3 cp into the Tower bucket reached moto" "$(as_moto aws s3 cp s3://my-tower-bucket-01/work/run-1/work.txt -)" "nextflow work"
expect_eq "aws s3 cp out of the Tower bucket" "$(on_machine aws s3 cp s3://my-tower-bucket-01/work/run-1/work.txt -)" "nextflow work"
expect_eq "aws s3 ls of the Tower bucket (s3:ListBucket on *)" "$(on_machine aws s3 ls s3://my-tower-bucket-01/work/run-1/ | awk '{print $4}')" "work.txt"
on_machine aws s3 rm s3://my-tower-bucket-01/work/run-1/work.txt >/dev/null
expect_eq "aws s3 rm in the Tower bucket" "$(as_moto aws s3 ls s3://my-tower-bucket-01/work/run-1/ | wc -l | tr -d ' ')" "0"

# S3: another bucket's objects are refused, and the refusals never reach moto.
expect_error "aws s3 cp into another bucket" AccessDenied on_machine aws s3 cp "$E2E_TMP/work.txt" s3://someone-elses-bucket/work.txt
# aws s3 cp reads the object's head first: a HEAD's 403 has no body, as on AWS.
expect_error "aws s3 cp out of another bucket (its HeadObject)" 403 on_machine aws s3 cp s3://someone-elses-bucket/private.txt -
expect_error "s3api get-object from another bucket" AccessDenied on_machine aws s3api get-object --bucket someone-elses-bucket --key private.txt "$E2E_TMP/stolen.txt"
expect_error "aws s3 rm in another bucket" AccessDenied on_machine aws s3 rm s3://someone-elses-bucket/private.txt
expect_eq "another bucket is as it was" "$(as_moto aws s3 ls s3://someone-elses-bucket/ | awk '{print $4}')" "private.txt"
expect_error "no bucket of its own (s3:CreateBucket)" AccessDenied on_machine aws s3 mb s3://tower-made-this

# EC2's network calls: only when this iamd forwards them.
if out=$(aws ec2 describe-vpcs --query 'length(Vpcs)' --output text 2>&1); then
  expect_eq "allowed: ec2:DescribeVpcs" "$(on_machine aws ec2 describe-vpcs --query 'length(Vpcs)' --output text)" "$out"
  expect_eq "allowed: ec2:DescribeSubnets" "$(on_machine aws ec2 describe-subnets --query 'length(Subnets) > `0`' --output text)" "True"
else
  case "$out" in
    *"(InvalidAction)"*) echo "SKIP ec2 describe-subnets/describe-vpcs: this iamd serves EC2 itself and does not forward them yet";;
    *) echo "FAIL ec2 describe-vpcs as root: $out"; exit 1;;
  esac
fi

# Batch and SSM: allowed on "*", answered by moto.
expect_eq "allowed: batch:DescribeComputeEnvironments" \
  "$(on_machine aws batch describe-compute-environments --query 'length(computeEnvironments)' --output text)" "0"
expect_eq "allowed: ssm:GetParameters" \
  "$(on_machine aws ssm get-parameters --names /tower/license /tower/missing --query '[Parameters[0].Value, InvalidParameters[0]]' --output text)" \
  "tower-license-1	/tower/missing"

# DynamoDB: not in the policy, refused in its JSON protocol.
out=$(on_machine aws dynamodb list-tables 2>&1 || true)
case "$out" in
  *"(AccessDeniedException)"*"User: arn:aws:sts::123456789012:assumed-role/Tower-Role/$ID is not authorized to perform: dynamodb:ListTables"*)
    echo "ok   denied: dynamodb:ListTables (AccessDeniedException)";;
  *) echo "FAIL dynamodb list-tables: $out"; exit 1;;
esac
expect_error "denied: dynamodb:Scan" AccessDeniedException on_machine aws dynamodb scan --table-name tower-cache

on_machine python3 "$(dirname "$0")/seed000_door_boto3.py" "$ID"

# The audit log names the forwarded and the refused calls with their resources.
audit_has s3:PutObject arn:aws:s3:::my-tower-bucket-01/work/run-1/work.txt allowed
audit_has s3:GetObject arn:aws:s3:::someone-elses-bucket/private.txt denied
audit_has batch:DescribeComputeEnvironments '*' allowed
audit_has ssm:GetParameters arn:aws:ssm:us-east-1:123456789012:parameter/tower/license allowed
audit_has dynamodb:ListTables '*' denied
if grep -q "$AWS_SECRET_ACCESS_KEY" "$E2E_TMP/audit.log" "$E2E_TMP/iamd.log"; then echo "FAIL a secret appears in the logs"; exit 1; fi
echo "seed000_door: all checks passed"
