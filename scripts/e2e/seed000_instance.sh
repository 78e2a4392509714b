#!/usr/bin/env bash
# Seed 000 on a machine: the Tower role and instance profile from the document, a machine
# launched with `aws ec2 run-instances`, and the stock aws CLI and boto3 run on it with
# `iamd exec --instance` (IMDSv2 required): they find the role's credentials through instance
# metadata, may do what Tower-Role-Policy allows and are refused the rest.
source "$(dirname "$0")/lib.sh"
SEEDS="$E2E_ROOT/examples/seeds"
start_iamd

# The trust policy names the user tower-admin: IAM accepts it only once that user exists.
aws iam create-user --user-name tower-admin >/dev/null
aws iam create-role --role-name Tower-Role --assume-role-policy-document "file://$SEEDS/000-tower-role-trust-policy.json" >/dev/null
aws iam put-role-policy --role-name Tower-Role --policy-name Tower-Role-Policy --policy-document "file://$SEEDS/000-tower-role-policy.json"
aws iam create-instance-profile --instance-profile-name Tower-Instance >/dev/null
aws iam add-role-to-instance-profile --instance-profile-name Tower-Instance --role-name Tower-Role

ID=$(aws ec2 run-instances --image-id ami-0abcdef1234567890 --instance-type t3.medium --count 1 \
  --iam-instance-profile Name=Tower-Instance --metadata-options HttpTokens=required,HttpEndpoint=enabled \
  --tag-specifications 'ResourceType=instance,Tags=[{Key=Name,Value=tower}]' --query 'Instances[0].InstanceId' --output text)
case "$ID" in i-0*) echo "ok   launched $ID";; *) echo "FAIL run-instances: $ID"; exit 1;; esac
expect_eq "running" "$(aws ec2 describe-instances --instance-ids "$ID" --query 'Reservations[0].Instances[0].State.Name' --output text)" "running"
expect_eq "profile" "$(aws ec2 describe-instances --filters Name=tag:Name,Values=tower --query 'Reservations[0].Instances[0].IamInstanceProfile.Arn' --output text)" \
  "arn:aws:iam::123456789012:instance-profile/Tower-Instance"
expect_eq "IMDSv2 required" "$(aws ec2 describe-instances --instance-ids "$ID" --query 'Reservations[0].Instances[0].MetadataOptions.HttpTokens' --output text)" "required"

on_machine() { "$IAMD_BIN" exec --instance "$ID" -- "$@"; }
expect_eq "the machine's identity" "$(on_machine aws sts get-caller-identity --query Arn --output text)" \
  "arn:aws:sts::123456789012:assumed-role/Tower-Role/$ID"
expect_eq "allowed: iam:GetRole" "$(on_machine aws iam get-role --role-name Tower-Role --query Role.RoleName --output text)" "Tower-Role"
expect_eq "allowed: iam:ListRolePolicies" "$(on_machine aws iam list-role-policies --role-name Tower-Role --query 'PolicyNames[0]' --output text)" "Tower-Role-Policy"
expect_eq "allowed: ec2:DescribeInstances" "$(on_machine aws ec2 describe-instances --query 'Reservations[0].Instances[0].InstanceId' --output text)" "$ID"
expect_error "denied: iam:ListUsers" AccessDenied on_machine aws iam list-users
expect_error "denied: iam:CreateUser" AccessDenied on_machine aws iam create-user --user-name intruder
expect_error "denied: ec2:RunInstances" UnauthorizedOperation on_machine aws ec2 run-instances --image-id ami-0abcdef1234567890 --count 1

# The same with the environment printed by iamd instance env, in a shell of its own.
expect_eq "instance env" "$(eval "$("$IAMD_BIN" instance env "$ID")"; aws sts get-caller-identity --query Arn --output text)" \
  "arn:aws:sts::123456789012:assumed-role/Tower-Role/$ID"
# The root key running the shell is not what the machine uses.
expect_eq "no key leaks into the machine" "$(on_machine sh -c 'echo "${AWS_ACCESS_KEY_ID:-none}"')" "none"

on_machine python3 "$(dirname "$0")/seed000_instance_boto3.py" "$ID"

# IMDSv1 is refused on this machine (HttpTokens required); after switching to optional, a
# plain GET works.
ENDPOINT=$(on_machine sh -c 'echo "$AWS_EC2_METADATA_SERVICE_ENDPOINT"')
v1() { python3 -c "import urllib.request,sys
try:
    print(urllib.request.urlopen(sys.argv[1] + 'latest/meta-data/instance-id', timeout=5).read().decode())
except urllib.error.HTTPError as e:
    print(e.code)" "$ENDPOINT"; }
expect_eq "IMDSv1 refused" "$(v1)" "401"
aws ec2 modify-instance-metadata-options --instance-id "$ID" --http-tokens optional >/dev/null
expect_eq "IMDSv1 allowed" "$(v1)" "$ID"

# A stopped machine has no metadata (and no credentials); started again, it has both, and
# its instance profile association is the same one.
ASSOC=$(aws ec2 describe-iam-instance-profile-associations --filters Name=instance-id,Values="$ID" --query 'IamInstanceProfileAssociations[0].AssociationId' --output text)
expect_eq "stop" "$(aws ec2 stop-instances --instance-ids "$ID" --query 'StoppingInstances[0].[PreviousState.Name,CurrentState.Name]' --output text)" "running	stopping"
expect_eq "stopped" "$(aws ec2 describe-instances --instance-ids "$ID" --query 'Reservations[0].Instances[0].State.Name' --output text)" "stopped"
case "$(on_machine true 2>&1)" in *IncorrectInstanceState*) echo "ok   no exec on a stopped instance";; *) echo "FAIL exec on a stopped instance"; exit 1;; esac
expect_eq "start" "$(aws ec2 start-instances --instance-ids "$ID" --query 'StartingInstances[0].[PreviousState.Name,CurrentState.Name]' --output text)" "stopped	pending"
expect_eq "after a start" "$(on_machine aws sts get-caller-identity --query Arn --output text)" "arn:aws:sts::123456789012:assumed-role/Tower-Role/$ID"
expect_eq "the association outlives stop and start" "$(aws ec2 describe-iam-instance-profile-associations --filters Name=instance-id,Values="$ID" --query 'IamInstanceProfileAssociations[0].AssociationId' --output text)" "$ASSOC"

# A restart keeps the machine; termination ends its metadata.
stop_iamd
start_iamd
expect_eq "after a restart" "$(on_machine aws sts get-caller-identity --query Arn --output text)" "arn:aws:sts::123456789012:assumed-role/Tower-Role/$ID"
expect_eq "terminate" "$(aws ec2 terminate-instances --instance-ids "$ID" --query 'TerminatingInstances[0].CurrentState.Name' --output text)" "shutting-down"
expect_eq "terminated" "$(aws ec2 describe-instances --instance-ids "$ID" --query 'Reservations[0].Instances[0].State.Name' --output text)" "terminated"
if "$IAMD_BIN" exec --instance "$ID" -- true 2>/dev/null; then echo "FAIL exec on a terminated instance"; exit 1; fi
echo "ok   no exec on a terminated instance"
if grep -q "$AWS_SECRET_ACCESS_KEY" "$E2E_TMP/audit.log" "$E2E_TMP/iamd.log"; then echo "FAIL a secret appears in the logs"; exit 1; fi
echo "seed000_instance: all checks passed"
