#!/usr/bin/env bash
# EC2 splits, with the stock aws CLI: iamd in front of moto (`iamd serve --upstream`). iamd
# serves the instance lifecycle itself (RunInstances never reaches moto); every other EC2
# call (describe-vpcs, describe-subnets, create-tags) passes the door, authorized by policy:
# allowed, it is moto's; refused, it is iamd's own UnauthorizedOperation (plain words for
# Describe*, an encoded message that sts decode-authorization-message reads for the others)
# and never reaches moto. Without an upstream, EC2's InvalidAction says how to set one.
# Skipped when moto is not installed.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
start_moto

IAMD_ARGS="--upstream $MOTO" start_iamd

# moto's network, made straight in moto.
VPC=$(as_moto aws ec2 create-vpc --cidr-block 10.20.0.0/16 --query Vpc.VpcId --output text)
SUBNET=$(as_moto aws ec2 create-subnet --vpc-id "$VPC" --cidr-block 10.20.1.0/24 --query Subnet.SubnetId --output text)
VPC_ARN="arn:aws:ec2:us-east-1:123456789012:vpc/$VPC"

# erin may read the network and tag her VPC; frank may only list VPCs.
user() { # NAME POLICY: prints the user's access key id and secret
  aws iam create-user --user-name "$1" >/dev/null
  aws iam put-user-policy --user-name "$1" --policy-name p --policy-document "$2"
  aws iam create-access-key --user-name "$1" --query 'AccessKey.[AccessKeyId,SecretAccessKey]' --output text
}
read -r ERIN_KEY ERIN_SECRET < <(user erin '{"Version":"2012-10-17","Statement":[
  {"Effect":"Allow","Action":["ec2:DescribeVpcs","ec2:DescribeSubnets"],"Resource":"*"},
  {"Effect":"Allow","Action":"ec2:CreateTags","Resource":"'"$VPC_ARN"'"}]}')
read -r FRANK_KEY FRANK_SECRET < <(user frank '{"Version":"2012-10-17","Statement":[
  {"Effect":"Allow","Action":"ec2:DescribeVpcs","Resource":"*"}]}')
as_erin() { AWS_ACCESS_KEY_ID=$ERIN_KEY AWS_SECRET_ACCESS_KEY=$ERIN_SECRET "$@"; }
as_frank() { AWS_ACCESS_KEY_ID=$FRANK_KEY AWS_SECRET_ACCESS_KEY=$FRANK_SECRET "$@"; }

# Allowed: moto's network, through iamd.
expect_eq "erin's describe-vpcs is moto's" \
  "$(as_erin aws ec2 describe-vpcs --vpc-ids "$VPC" --query 'Vpcs[0].CidrBlock' --output text)" "10.20.0.0/16"
expect_eq "erin's describe-subnets is moto's" \
  "$(as_erin aws ec2 describe-subnets --filters "Name=vpc-id,Values=$VPC" --query 'Subnets[0].SubnetId' --output text)" "$SUBNET"
expect_eq "frank's describe-vpcs is moto's" \
  "$(as_frank aws ec2 describe-vpcs --vpc-ids "$VPC" --query 'Vpcs[0].VpcId' --output text)" "$VPC"
as_erin aws ec2 create-tags --resources "$VPC" --tags Key=team,Value=hpc
expect_eq "erin's tag is on moto's VPC" \
  "$(as_moto aws ec2 describe-vpcs --vpc-ids "$VPC" --query "Vpcs[0].Tags[?Key=='team'].Value | [0]" --output text)" "hpc"

# Refused, as iamd's own EC2 refuses, and never in moto.
out=$(as_frank aws ec2 describe-subnets 2>&1 || true)
case "$out" in
  *"(UnauthorizedOperation)"*"You are not authorized to perform this operation. User: arn:aws:iam::123456789012:user/frank is not authorized to perform: ec2:DescribeSubnets because no identity-based policy allows the ec2:DescribeSubnets action"*)
    echo "ok   frank's describe-subnets is UnauthorizedOperation, in plain words";;
  *) echo "FAIL frank's describe-subnets: $out"; exit 1;;
esac
out=$(as_frank aws ec2 describe-instances 2>&1 || true)
case "$out" in
  *"(UnauthorizedOperation)"*"User: arn:aws:iam::123456789012:user/frank is not authorized to perform: ec2:DescribeInstances because"*)
    echo "ok   iamd's own describe-instances refuses frank in the same words";;
  *) echo "FAIL frank's describe-instances: $out"; exit 1;;
esac
out=$(as_frank aws ec2 create-tags --resources "$VPC" --tags Key=team,Value=other 2>&1 || true)
prefix="Encoded authorization failure message: "
case "$out" in
  *"(UnauthorizedOperation)"*"$prefix"*) echo "ok   frank's create-tags is UnauthorizedOperation with an encoded message";;
  *) echo "FAIL frank's create-tags: $out"; exit 1;;
esac
encoded=${out##*"$prefix"}
decoded=$(aws sts decode-authorization-message --encoded-message="$encoded" --query DecodedMessage --output text)
expect_eq "the decoded message names the action and the VPC" \
  "$(python3 -c 'import json,sys; c=json.loads(sys.argv[1])["context"]; print(c["action"], c["resource"])' "$decoded")" "ec2:CreateTags $VPC_ARN"
expect_eq "frank's tag is not in moto" \
  "$(as_moto aws ec2 describe-vpcs --vpc-ids "$VPC" --query "Vpcs[0].Tags[?Key=='team'].Value | [0]" --output text)" "hpc"

# The instance lifecycle is iamd's: never in moto.
INSTANCE=$(aws ec2 run-instances --image-id ami-0abcdef1234567890 --instance-type t3.micro --count 1 --query 'Instances[0].InstanceId' --output text)
expect_eq "iamd describes its own instance" \
  "$(aws ec2 describe-instances --instance-ids "$INSTANCE" --query 'Reservations[0].Instances[0].InstanceId' --output text)" "$INSTANCE"
expect_eq "moto has no instance" "$(as_moto aws ec2 describe-instances --query 'length(Reservations)' --output text)" "0"
aws ec2 terminate-instances --instance-ids "$INSTANCE" >/dev/null

audit_has ec2:DescribeSubnets '*' allowed
audit_has ec2:DescribeSubnets '*' denied
audit_has ec2:CreateTags "$VPC_ARN" allowed
audit_has ec2:CreateTags "$VPC_ARN" denied
audit_has ec2:RunInstances "arn:aws:ec2:us-east-1:123456789012:instance/*" allowed
echo "ok   the audit log records the forwarded, the refused and iamd's own calls"

# Without an upstream: EC2's InvalidAction, saying how to set one; iamd's own EC2 as ever.
stop_iamd
start_iamd
out=$(as_erin aws ec2 describe-subnets 2>&1 || true)
case "$out" in
  *"(InvalidAction)"*"The action DescribeSubnets is not valid for this web service."*"--upstream ec2=URL"*)
    echo "ok   without an upstream describe-subnets is InvalidAction, saying how to set one";;
  *) echo "FAIL describe-subnets without an upstream: $out"; exit 1;;
esac
expect_eq "without an upstream iamd still serves describe-instances" \
  "$(aws ec2 describe-instances --instance-ids "$INSTANCE" --query 'Reservations[0].Instances[0].InstanceId' --output text)" "$INSTANCE"

if grep -q "$ERIN_SECRET\|$FRANK_SECRET\|$AWS_SECRET_ACCESS_KEY" "$E2E_TMP/audit.log" "$E2E_TMP/iamd.log"; then
  echo "FAIL a secret access key appears in the logs"; exit 1
fi
echo "frontdoor_ec2_moto: all checks passed"
