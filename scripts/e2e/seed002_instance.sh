#!/usr/bin/env bash
# Seed 002 on a machine: the Seqera Platform instance role of the management account
# (999999999999) trusts ec2.amazonaws.com and is the instance profile of a machine; programs on
# the machine (aws CLI and boto3 under `iamd exec --instance`) get its credentials through
# instance metadata and assume the target roles of accounts A (with workspace A's ExternalId)
# and B.
IAMD_ARGS="--account-id 999999999999"
source "$(dirname "$0")/lib.sh"
SEEDS="$E2E_ROOT/examples/seeds"
start_iamd

account() { "$IAMD_BIN" account create --id "$1" --name "$2" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["AccessKeyId"], d["SecretAccessKey"])'; }
read -r A_KEY A_SECRET < <(account 111111111111 production)
read -r B_KEY B_SECRET < <(account 222222222222 development)
as_a() { AWS_ACCESS_KEY_ID=$A_KEY AWS_SECRET_ACCESS_KEY=$A_SECRET "$@"; }
as_b() { AWS_ACCESS_KEY_ID=$B_KEY AWS_SECRET_ACCESS_KEY=$B_SECRET "$@"; }

aws iam create-role --role-name SeqeraPlatform-EC2-InstanceRole --assume-role-policy-document \
  '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}' >/dev/null
aws iam put-role-policy --role-name SeqeraPlatform-EC2-InstanceRole --policy-name assume-targets \
  --policy-document "file://$SEEDS/002-instance-role-policy.json"
aws iam create-instance-profile --instance-profile-name SeqeraPlatform-EC2-InstanceProfile >/dev/null
aws iam add-role-to-instance-profile --instance-profile-name SeqeraPlatform-EC2-InstanceProfile --role-name SeqeraPlatform-EC2-InstanceRole
as_a aws iam create-role --role-name SeqeraPlatformRole-AccountA \
  --assume-role-policy-document "file://$SEEDS/002-target-role-external-id-trust-policy.json" >/dev/null
as_b aws iam create-role --role-name SeqeraPlatformRole-AccountB \
  --assume-role-policy-document "file://$SEEDS/002-target-role-trust-policy.json" >/dev/null

ID=$(aws ec2 run-instances --image-id ami-0abcdef1234567890 --instance-type m5.large --count 1 \
  --iam-instance-profile Arn=arn:aws:iam::999999999999:instance-profile/SeqeraPlatform-EC2-InstanceProfile \
  --metadata-options HttpTokens=required --query 'Instances[0].InstanceId' --output text)
on_machine() { "$IAMD_BIN" exec --instance "$ID" -- "$@"; }
expect_eq "the machine's identity" "$(on_machine aws sts get-caller-identity --query Arn --output text)" \
  "arn:aws:sts::999999999999:assumed-role/SeqeraPlatform-EC2-InstanceRole/$ID"

A_ROLE=arn:aws:iam::111111111111:role/SeqeraPlatformRole-AccountA
B_ROLE=arn:aws:iam::222222222222:role/SeqeraPlatformRole-AccountB
expect_error "account A without the ExternalId" AccessDenied on_machine aws sts assume-role --role-arn $A_ROLE --role-session-name tower
expect_eq "account A with workspace A's ExternalId" \
  "$(on_machine aws sts assume-role --role-arn $A_ROLE --role-session-name tower --external-id workspace-a-7f3c9d --query AssumedRoleUser.Arn --output text)" \
  "arn:aws:sts::111111111111:assumed-role/SeqeraPlatformRole-AccountA/tower"
expect_eq "account B" "$(on_machine aws sts assume-role --role-arn $B_ROLE --role-session-name tower --query AssumedRoleUser.Arn --output text)" \
  "arn:aws:sts::222222222222:assumed-role/SeqeraPlatformRole-AccountB/tower"
expect_error "a role the instance role may not assume" AccessDenied on_machine aws sts assume-role \
  --role-arn arn:aws:iam::999999999999:role/SeqeraPlatform-EC2-InstanceRole --role-session-name loop

on_machine python3 - "$ID" <<'PY'
import sys
import boto3
instance = sys.argv[1]
who = boto3.client("sts").get_caller_identity()["Arn"]
assert who == f"arn:aws:sts::999999999999:assumed-role/SeqeraPlatform-EC2-InstanceRole/{instance}", who
assert boto3.Session().get_credentials().method == "iam-role"
for arn, kw, account in [("arn:aws:iam::111111111111:role/SeqeraPlatformRole-AccountA", {"ExternalId": "workspace-a-7f3c9d"}, "111111111111"),
                         ("arn:aws:iam::222222222222:role/SeqeraPlatformRole-AccountB", {}, "222222222222")]:
    c = boto3.client("sts").assume_role(RoleArn=arn, RoleSessionName="tower", **kw)["Credentials"]
    target = boto3.client("sts", aws_access_key_id=c["AccessKeyId"], aws_secret_access_key=c["SecretAccessKey"], aws_session_token=c["SessionToken"])
    assert target.get_caller_identity()["Account"] == account
    print(f"ok   boto3 on the machine assumes {arn}")
PY
echo "seed002_instance: all checks passed"
