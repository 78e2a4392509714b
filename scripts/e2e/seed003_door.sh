#!/usr/bin/env bash
# Seed 003 (BOSH, example B: an S3 blobstore) through the front door: iamd in front of moto.
# The Director runs on a machine with the director profile (ec2:* as its "existing user"
# policy, plus the document's iam:PassRole on deployed-vm and s3:* on the blobstore); it makes
# the blobstore, writes to it, launches a VM with the deployed-vm profile, and reaches no
# other bucket. The deployed VM reaches only the blobstore: S3 to it is allowed, another bucket
# and EC2 are refused. The Director's EC2 calls that iamd does not serve itself (the network,
# images, volumes) are checked only when this iamd forwards them. Skipped when moto is not
# installed.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
SEEDS="$E2E_ROOT/examples/seeds"
BLOBSTORE=my-bosh-blobstore # the name the seed's policies are filled with
start_moto
IAMD_ARGS="--upstream $MOTO" start_iamd
EC2_TRUST='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}'

for role in deployed-vm director; do
  aws iam create-role --role-name $role --assume-role-policy-document "$EC2_TRUST" >/dev/null
  aws iam create-instance-profile --instance-profile-name $role >/dev/null
  aws iam add-role-to-instance-profile --instance-profile-name $role --role-name $role
done
aws iam put-role-policy --role-name deployed-vm --policy-name blobstore --policy-document "file://$SEEDS/003-bosh-deployed-vm-policy.json"
aws iam put-role-policy --role-name director --policy-name existing-user --policy-document \
  '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:*","Resource":"*"}]}'
aws iam put-role-policy --role-name director --policy-name director --policy-document "file://$SEEDS/003-bosh-director-policy.json"
# A bucket of another team's, made by the administrator.
aws s3 mb s3://another-teams-bucket >/dev/null
echo "theirs" | aws s3 cp - s3://another-teams-bucket/theirs.txt >/dev/null

DIRECTOR=$(aws ec2 run-instances --image-id ami-0abcdef1234567890 --instance-type m3.xlarge --count 1 \
  --iam-instance-profile Name=director --query 'Instances[0].InstanceId' --output text)
on_director() { "$IAMD_BIN" exec --instance "$DIRECTOR" -- "$@"; }
expect_eq "the Director's identity" "$(on_director aws sts get-caller-identity --query Arn --output text)" \
  "arn:aws:sts::123456789012:assumed-role/director/$DIRECTOR"

# The Director's blobstore: made, written, listed, read (s3:* on the bucket and its objects).
on_director aws s3 mb "s3://$BLOBSTORE" >/dev/null
echo "stemcell blob" >"$E2E_TMP/blob"
on_director aws s3 cp "$E2E_TMP/blob" "s3://$BLOBSTORE/stemcells/ubuntu-jammy" >/dev/null
expect_eq "the Director's blob reached moto" "$(as_moto aws s3 cp "s3://$BLOBSTORE/stemcells/ubuntu-jammy" -)" "stemcell blob"
expect_eq "the Director lists the blobstore" "$(on_director aws s3 ls "s3://$BLOBSTORE/stemcells/" | awk '{print $4}')" "ubuntu-jammy"
expect_eq "the Director reads its blob" "$(on_director aws s3 cp "s3://$BLOBSTORE/stemcells/ubuntu-jammy" -)" "stemcell blob"
expect_eq "the Director tags its blob" "$(on_director aws s3api put-object-tagging --bucket "$BLOBSTORE" --key stemcells/ubuntu-jammy \
  --tagging 'TagSet=[{Key=bosh,Value=stemcell}]' >/dev/null && as_moto aws s3api get-object-tagging --bucket "$BLOBSTORE" \
  --key stemcells/ubuntu-jammy --query 'TagSet[0].Value' --output text)" "stemcell"
# ... and no other bucket.
expect_error "the Director may not list another bucket" AccessDenied on_director aws s3 ls s3://another-teams-bucket
expect_error "the Director may not write another bucket" AccessDenied on_director aws s3 cp "$E2E_TMP/blob" s3://another-teams-bucket/blob
expect_error "the Director may not make another bucket" AccessDenied on_director aws s3 mb s3://director-scratch
expect_error "the Director may not read DynamoDB" AccessDeniedException on_director aws dynamodb list-tables

# The Director's ec2:*: the instance lifecycle iamd serves, with iam:PassRole on deployed-vm.
VM=$(on_director aws ec2 run-instances --image-id ami-0abcdef1234567890 --instance-type m3.xlarge --count 1 \
  --iam-instance-profile Name=deployed-vm --query 'Instances[0].InstanceId' --output text)
case "$VM" in i-0*) echo "ok   the Director launches a VM with deployed-vm ($VM)";; *) echo "FAIL run-instances: $VM"; exit 1;; esac
expect_eq "the Director describes it" "$(on_director aws ec2 describe-instances --instance-ids "$VM" --query 'Reservations[0].Instances[0].IamInstanceProfile.Arn' --output text)" \
  "arn:aws:iam::123456789012:instance-profile/deployed-vm"
# ... and, when iamd forwards them, the EC2 calls of the rest of a deploy.
if out=$(aws ec2 describe-vpcs --query 'length(Vpcs)' --output text 2>&1); then
  expect_eq "the Director describes subnets" "$(on_director aws ec2 describe-subnets --query 'length(Subnets) > `0`' --output text)" "True"
  VOL=$(on_director aws ec2 create-volume --availability-zone us-east-1a --size 10 --query VolumeId --output text)
  expect_eq "the Director's persistent disk reached moto" "$(as_moto aws ec2 describe-volumes --volume-ids "$VOL" --query 'Volumes[0].Size' --output text)" "10"
  expect_eq "the Director deletes it" "$(on_director aws ec2 delete-volume --volume-id "$VOL" && echo deleted)" "deleted"
else
  case "$out" in
    *"(InvalidAction)"*) echo "SKIP the Director's forwarded EC2 calls (subnets, volumes): this iamd does not forward EC2 yet";;
    *) echo "FAIL ec2 describe-vpcs as root: $out"; exit 1;;
  esac
fi

# The deployed VM reaches the blobstore only.
on_vm() { "$IAMD_BIN" exec --instance "$VM" -- "$@"; }
expect_eq "the VM's identity" "$(on_vm aws sts get-caller-identity --query Arn --output text)" "arn:aws:sts::123456789012:assumed-role/deployed-vm/$VM"
expect_eq "the VM reads the Director's blob" "$(on_vm aws s3 cp "s3://$BLOBSTORE/stemcells/ubuntu-jammy" -)" "stemcell blob"
echo "job package" | on_vm aws s3 cp - "s3://$BLOBSTORE/packages/job" >/dev/null
expect_eq "the VM's blob reached moto" "$(as_moto aws s3 cp "s3://$BLOBSTORE/packages/job" -)" "job package"
expect_eq "the VM lists the blobstore" "$(on_vm aws s3 ls "s3://$BLOBSTORE/" --recursive | awk '{print $4}' | sort | tr '\n' ' ')" "packages/job stemcells/ubuntu-jammy "
on_vm aws s3 rm "s3://$BLOBSTORE/packages/job" >/dev/null
expect_error "the VM may not list another bucket" AccessDenied on_vm aws s3 ls s3://another-teams-bucket
expect_error "the VM may not read another bucket" AccessDenied on_vm aws s3api get-object --bucket another-teams-bucket --key theirs.txt "$E2E_TMP/theirs"
expect_error "the VM may not write another bucket" AccessDenied on_vm aws s3 cp "$E2E_TMP/blob" s3://another-teams-bucket/blob
expect_error "the VM may not list the account's buckets" AccessDenied on_vm aws s3 ls
expect_error "the VM may not describe instances" UnauthorizedOperation on_vm aws ec2 describe-instances
expect_error "the VM may not launch one" UnauthorizedOperation on_vm aws ec2 run-instances --image-id ami-0abcdef1234567890 --count 1
expect_error "the VM may not use SQS" AccessDenied on_vm aws sqs list-queues --endpoint-url "$AWS_ENDPOINT_URL"
expect_eq "another bucket is as it was" "$(as_moto aws s3 ls s3://another-teams-bucket/ | awk '{print $4}')" "theirs.txt"
if grep -q "$AWS_SECRET_ACCESS_KEY" "$E2E_TMP/audit.log" "$E2E_TMP/iamd.log"; then echo "FAIL a secret appears in the logs"; exit 1; fi
echo "seed003_door: all checks passed"
