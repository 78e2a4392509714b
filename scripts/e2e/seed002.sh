#!/usr/bin/env bash
# Seed 002 (Seqera Platform: an instance role in a management account assuming roles in other
# accounts) with the stock aws CLI and boto3 against a real iamd: three accounts, a role in the
# management account assuming each target role, ExternalId closing the cross-workspace risk,
# a caller from an account the trust policy does not name refused, and the assumed session
# limited to the target role's policy.
IAMD_ARGS="--account-id 999999999999"
source "$(dirname "$0")/lib.sh"
SEEDS="$E2E_ROOT/examples/seeds"
start_iamd

account() { "$IAMD_BIN" account create --id "$1" --name "$2" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["AccessKeyId"], d["SecretAccessKey"])'; }
read -r A_KEY A_SECRET < <(account 111111111111 production)
read -r B_KEY B_SECRET < <(account 222222222222 development)
as_a() { AWS_ACCESS_KEY_ID=$A_KEY AWS_SECRET_ACCESS_KEY=$A_SECRET "$@"; }
as_b() { AWS_ACCESS_KEY_ID=$B_KEY AWS_SECRET_ACCESS_KEY=$B_SECRET "$@"; }
expect_eq "account A's root" "$(as_a aws sts get-caller-identity --query Account --output text)" "111111111111"

# Management account: the instance role and its permission to assume both targets. Until
# machines arrive, the account's root stands in for EC2 in the instance role's trust policy.
aws iam create-role --role-name SeqeraPlatform-EC2-InstanceRole --assume-role-policy-document \
  '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999999999999:root"},"Action":"sts:AssumeRole"}]}' >/dev/null
aws iam put-role-policy --role-name SeqeraPlatform-EC2-InstanceRole --policy-name assume-targets \
  --policy-document "file://$SEEDS/002-instance-role-policy.json"

# Target accounts: A requires workspace A's ExternalId, B trusts the instance role plainly.
as_a aws iam create-role --role-name SeqeraPlatformRole-AccountA \
  --assume-role-policy-document "file://$SEEDS/002-target-role-external-id-trust-policy.json" >/dev/null
as_b aws iam create-role --role-name SeqeraPlatformRole-AccountB \
  --assume-role-policy-document "file://$SEEDS/002-target-role-trust-policy.json" >/dev/null
for who in as_a as_b; do
  role=SeqeraPlatformRole-AccountA; [ $who = as_b ] && role=SeqeraPlatformRole-AccountB
  $who aws iam put-role-policy --role-name $role --policy-name read-roles \
    --policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:ListRoles","iam:GetRole"],"Resource":"*"}]}'
done

# The instance role's session.
read -r I_KEY I_SECRET I_TOKEN < <(aws sts assume-role --role-arn arn:aws:iam::999999999999:role/SeqeraPlatform-EC2-InstanceRole \
  --role-session-name i-0abc123 --query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]' --output text)
as_instance() { AWS_ACCESS_KEY_ID=$I_KEY AWS_SECRET_ACCESS_KEY=$I_SECRET AWS_SESSION_TOKEN=$I_TOKEN "$@"; }
expect_eq "instance session" "$(as_instance aws sts get-caller-identity --query Arn --output text)" \
  "arn:aws:sts::999999999999:assumed-role/SeqeraPlatform-EC2-InstanceRole/i-0abc123"

A_ROLE=arn:aws:iam::111111111111:role/SeqeraPlatformRole-AccountA
B_ROLE=arn:aws:iam::222222222222:role/SeqeraPlatformRole-AccountB
expect_error "account A without the ExternalId" AccessDenied as_instance aws sts assume-role --role-arn $A_ROLE --role-session-name tower
expect_error "account A with workspace B's ExternalId" AccessDenied as_instance aws sts assume-role --role-arn $A_ROLE --role-session-name tower --external-id workspace-b-0000
read -r T_KEY T_SECRET T_TOKEN < <(as_instance aws sts assume-role --role-arn $A_ROLE --role-session-name tower \
  --external-id workspace-a-7f3c9d --query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]' --output text)
as_target() { AWS_ACCESS_KEY_ID=$T_KEY AWS_SECRET_ACCESS_KEY=$T_SECRET AWS_SESSION_TOKEN=$T_TOKEN "$@"; }
expect_eq "account A session" "$(as_target aws sts get-caller-identity --query Arn --output text)" \
  "arn:aws:sts::111111111111:assumed-role/SeqeraPlatformRole-AccountA/tower"
expect_eq "the session may do what the target role allows" "$(as_target aws iam list-roles --query 'Roles[0].RoleName' --output text)" "SeqeraPlatformRole-AccountA"
expect_error "and nothing more" AccessDenied as_target aws iam create-role --role-name x \
  --assume-role-policy-document "file://$SEEDS/002-target-role-trust-policy.json"
expect_eq "account B without an ExternalId" \
  "$(as_instance aws sts assume-role --role-arn $B_ROLE --role-session-name tower --query AssumedRoleUser.Arn --output text)" \
  "arn:aws:sts::222222222222:assumed-role/SeqeraPlatformRole-AccountB/tower"
# A caller from an account the trust policy does not name: account B's root.
expect_error "an unnamed account" AccessDenied as_b aws sts assume-role --role-arn $A_ROLE --role-session-name intruder --external-id workspace-a-7f3c9d

python3 "$(dirname "$0")/seed002_boto3.py" "$I_KEY" "$I_SECRET" "$I_TOKEN"
echo "seed002: all checks passed"
