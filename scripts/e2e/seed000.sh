#!/usr/bin/env bash
# Seed 000 (Seqera Tower: an IAM role and instance profile instead of user keys) with the stock
# aws CLI and boto3 against a real iamd: the five IAM commands from the document with its own
# policy files, their outputs checked, a restart, and the same checks again; then a user who
# is denied until a policy is attached.
source "$(dirname "$0")/lib.sh"
SEEDS="$E2E_ROOT/examples/seeds"
start_iamd

# The trust policy names the user tower-admin: IAM accepts it only once that user exists.
aws iam create-user --user-name tower-admin >/dev/null
aws iam create-role --role-name Tower-Role --assume-role-policy-document "file://$SEEDS/000-tower-role-trust-policy.json" >/dev/null
aws iam put-role-policy --role-name Tower-Role --policy-name Tower-Role-Policy --policy-document "file://$SEEDS/000-tower-role-policy.json"
aws iam create-instance-profile --instance-profile-name Tower-Instance >/dev/null
aws iam add-role-to-instance-profile --instance-profile-name Tower-Instance --role-name Tower-Role

check_state() {
  expect_eq "role ARN ($1)" "$(aws iam get-role --role-name Tower-Role --query Role.Arn --output text)" \
    "arn:aws:iam::123456789012:role/Tower-Role"
  expect_eq "trust policy services ($1)" \
    "$(aws iam get-role --role-name Tower-Role --query 'Role.AssumeRolePolicyDocument.Statement[].Principal.Service' --output text | tr '\t' ' ')" \
    "ec2.amazonaws.com ecs-tasks.amazonaws.com eks.amazonaws.com"
  expect_eq "inline policy ($1)" "$(aws iam list-role-policies --role-name Tower-Role --query 'PolicyNames[0]' --output text)" "Tower-Role-Policy"
  expect_eq "inline policy document ($1)" \
    "$(aws iam get-role-policy --role-name Tower-Role --policy-name Tower-Role-Policy --query 'PolicyDocument.Statement[0].Sid' --output text)" \
    "TowerForgePermissions"
  expect_eq "instance profile role ($1)" \
    "$(aws iam get-instance-profile --instance-profile-name Tower-Instance --query 'InstanceProfile.Roles[0].RoleName' --output text)" "Tower-Role"
  expect_eq "trusted user ($1)" \
    "$(aws iam get-role --role-name Tower-Role --query 'Role.AssumeRolePolicyDocument.Statement[3].Principal.AWS' --output text)" \
    "arn:aws:iam::123456789012:user/tower-admin"
}
check_state "before restart"
expect_error "role in a profile cannot be deleted" DeleteConflict aws iam delete-role --role-name Tower-Role
expect_error "duplicate role" EntityAlreadyExists aws iam create-role --role-name Tower-Role \
  --assume-role-policy-document "file://$SEEDS/000-tower-role-trust-policy.json"
expect_error "identity policy as trust policy" MalformedPolicyDocument aws iam create-role --role-name Bad \
  --assume-role-policy-document "file://$SEEDS/000-tower-role-policy.json"
expect_error "trust policy naming a user that does not exist" MalformedPolicyDocument aws iam create-role --role-name Ghost \
  --assume-role-policy-document "$(sed 's|user/tower-admin|user/nobody|' "$SEEDS/000-tower-role-trust-policy.json")"

stop_iamd
start_iamd
check_state "after restart"

# A user without policies is denied; after root attaches one, the same call succeeds.
aws iam create-user --user-name bob >/dev/null
read -r BOB_KEY BOB_SECRET < <(aws iam create-access-key --user-name bob --query 'AccessKey.[AccessKeyId,SecretAccessKey]' --output text)
as_bob() { AWS_ACCESS_KEY_ID=$BOB_KEY AWS_SECRET_ACCESS_KEY=$BOB_SECRET "$@"; }
expect_eq "bob's identity" "$(as_bob aws sts get-caller-identity --query Arn --output text)" "arn:aws:iam::123456789012:user/bob"
expect_error "bob may not list roles" AccessDenied as_bob aws iam list-roles
aws iam put-user-policy --user-name bob --policy-name read-roles \
  --policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:ListRoles","iam:GetRole"],"Resource":"*"}]}'
expect_eq "bob lists roles once allowed" "$(as_bob aws iam list-roles --query 'Roles[0].RoleName' --output text)" "Tower-Role"
expect_error "bob still may not create roles" AccessDenied as_bob aws iam create-role --role-name x \
  --assume-role-policy-document "file://$SEEDS/000-tower-role-trust-policy.json"

python3 "$(dirname "$0")/seed000_boto3.py" "$BOB_KEY" "$BOB_SECRET"

grep -q '"decision":"denied"' "$E2E_TMP/audit.log" || { echo "FAIL audit log has no denied call"; exit 1; }
if grep -q "$AWS_SECRET_ACCESS_KEY\|$BOB_SECRET" "$E2E_TMP/audit.log" "$E2E_TMP/iamd.log"; then
  echo "FAIL a secret access key appears in the logs"; exit 1
fi
echo "ok   audit log records denials and holds no secret"
echo "seed000: all checks passed"
