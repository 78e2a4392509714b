#!/usr/bin/env bash
# Seed 003 (BOSH: IAM instance profiles, a default profile for new VMs, iam:PassRole, and
# decoding an authorization failure) with the stock aws CLI against a real iamd. The Director
# runs on a machine with the director profile; from it, the AWS CPI's launch of a VM with the
# deployed-vm profile fails until the director role may pass deployed-vm, with the encoded
# message the document shows; `aws sts decode-authorization-message` names iam:PassRole and
# the deployed-vm role.
source "$(dirname "$0")/lib.sh"
SEEDS="$E2E_ROOT/examples/seeds"
start_iamd
EC2_TRUST='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}'

# "Each IAM role ... has an associated IAM instance profile with the same name" (the console
# makes it; here it is made explicitly).
for role in deployed-vm director; do
  aws iam create-role --role-name $role --assume-role-policy-document "$EC2_TRUST" >/dev/null
  aws iam create-instance-profile --instance-profile-name $role >/dev/null
  aws iam add-role-to-instance-profile --instance-profile-name $role --role-name $role
done
aws iam put-role-policy --role-name deployed-vm --policy-name blobstore --policy-document "file://$SEEDS/003-bosh-deployed-vm-policy.json"
# The Director's own permissions (the "existing user" policy): launching and describing VMs.
aws iam put-role-policy --role-name director --policy-name cpi --policy-document \
  '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ec2:RunInstances","ec2:DescribeInstances","ec2:TerminateInstances","ec2:CreateTags"],"Resource":"*"}]}'

DIRECTOR=$(aws ec2 run-instances --image-id ami-0abcdef1234567890 --instance-type m3.xlarge --count 1 \
  --iam-instance-profile Name=director --query 'Instances[0].InstanceId' --output text)
on_director() { "$IAMD_BIN" exec --instance "$DIRECTOR" -- "$@"; }
expect_eq "the Director's identity" "$(on_director aws sts get-caller-identity --query Arn --output text)" \
  "arn:aws:sts::123456789012:assumed-role/director/$DIRECTOR"

# The CPI creates a VM with the default profile, deployed-vm: refused, encoded.
launch_vm() { on_director aws ec2 run-instances --image-id ami-0abcdef1234567890 --instance-type m3.xlarge --count 1 \
  --iam-instance-profile Name=deployed-vm --query 'Instances[0].InstanceId' --output text; }
if out=$(launch_vm 2>&1); then echo "FAIL launch without iam:PassRole succeeded: $out"; exit 1; fi
case "$out" in
  *"(UnauthorizedOperation)"*"You are not authorized to perform this operation. Encoded authorization failure message: "*) echo "ok   launch without iam:PassRole (UnauthorizedOperation, encoded)";;
  *) echo "FAIL launch without iam:PassRole: $out"; exit 1;;
esac
ENCODED=${out##*Encoded authorization failure message: }
ENCODED=$(echo "$ENCODED" | tr -d '[:space:]')
DECODED=$(aws sts decode-authorization-message --encoded-message "$ENCODED" --query DecodedMessage --output text)
field() { python3 -c "import json,sys; d=json.loads(sys.argv[1]); print(eval(sys.argv[2]))" "$DECODED" "$1"; }
expect_eq "decoded: allowed" "$(field 'd["allowed"]')" "False"
expect_eq "decoded: explicitDeny" "$(field 'd["explicitDeny"]')" "False"
expect_eq "decoded: action" "$(field 'd["context"]["action"]')" "iam:PassRole"
expect_eq "decoded: resource" "$(field 'd["context"]["resource"]')" "arn:aws:iam::123456789012:role/deployed-vm"
expect_eq "decoded: principal" "$(field 'd["context"]["principal"]["arn"]')" "arn:aws:sts::123456789012:assumed-role/director/$DIRECTOR"
case "$(field 'd["context"]["principal"]["id"]')" in
  AROA*":$DIRECTOR") echo "ok   decoded: principal id";;
  *) echo "FAIL decoded principal id: $DECODED"; exit 1;;
esac
expect_eq "nothing launched" "$(aws ec2 describe-instances --filters Name=iam-instance-profile.arn,Values=arn:aws:iam::123456789012:instance-profile/deployed-vm --query 'length(Reservations)' --output text)" "0"
# Another account cannot read the message.
read -r O_KEY O_SECRET < <("$IAMD_BIN" account create --id 111111111111 | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["AccessKeyId"], d["SecretAccessKey"])')
expect_error "another account cannot decode" InvalidAuthorizationMessageException \
  env AWS_ACCESS_KEY_ID=$O_KEY AWS_SECRET_ACCESS_KEY=$O_SECRET aws sts decode-authorization-message --encoded-message "$ENCODED"

# The document's fix: the director policy with iam:PassRole on deployed-vm.
aws iam put-role-policy --role-name director --policy-name director --policy-document "file://$SEEDS/003-bosh-director-policy.json"
VM=$(launch_vm)
case "$VM" in i-0*) echo "ok   launch with iam:PassRole ($VM)";; *) echo "FAIL launch with iam:PassRole: $VM"; exit 1;; esac
expect_eq "the VM's identity" "$("$IAMD_BIN" exec --instance "$VM" -- aws sts get-caller-identity --query Arn --output text)" \
  "arn:aws:sts::123456789012:assumed-role/deployed-vm/$VM"
# A profile the Director may not pass, attached after launch, is refused the same way.
aws iam create-role --role-name admin-vm --assume-role-policy-document "$EC2_TRUST" >/dev/null
aws iam create-instance-profile --instance-profile-name admin-vm >/dev/null
aws iam add-role-to-instance-profile --instance-profile-name admin-vm --role-name admin-vm
aws iam put-role-policy --role-name director --policy-name assoc --policy-document \
  '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ec2:DescribeIamInstanceProfileAssociations","ec2:ReplaceIamInstanceProfileAssociation"],"Resource":"*"}]}'
ASSOC=$(aws ec2 describe-iam-instance-profile-associations --filters Name=instance-id,Values="$VM" --query 'IamInstanceProfileAssociations[0].AssociationId' --output text)
expect_error "replace with a role it may not pass" UnauthorizedOperation on_director aws ec2 replace-iam-instance-profile-association \
  --association-id "$ASSOC" --iam-instance-profile Name=admin-vm
echo "seed003: all checks passed"
