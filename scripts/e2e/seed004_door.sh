#!/usr/bin/env bash
# Seed 004 (AWS ParallelCluster) through the front door: iamd in front of moto. A head node
# launched with the ParallelClusterInstancePolicy (Slurm) profile uses DynamoDB, SQS and S3
# as the policy's parallelcluster-* patterns allow: on the cluster's table, queue and the
# region's aws-parallelcluster bucket it is answered by moto; on other names it is refused in
# each service's protocol, and moto never sees the call. CloudFormation's DescribeStacks is
# allowed on the cluster's stack named by its ARN; by its name alone the stack's id cannot be
# derived, and the audit line says so. A compute node of an awsbatch cluster
# (the -awsbatch instance policy) reaches the cluster's resources bucket under batch/ only.
# Skipped when moto is not installed.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
SEEDS="$E2E_ROOT/examples/seeds"
start_moto
IAMD_ARGS="--upstream $MOTO" start_iamd
EC2_TRUST='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}'
# The aws CLI v1 sends SQS calls to queue.amazonaws.com unless --endpoint-url is given.
SQS=(aws sqs --endpoint-url "$AWS_ENDPOINT_URL")
sqs() { "${SQS[@]}" "$@"; }

# launch NAME POLICY_FILE: a role, its profile, and a machine launched with it; prints its id.
launch() {
  aws iam create-role --role-name "$1" --assume-role-policy-document "$EC2_TRUST" >/dev/null
  aws iam put-role-policy --role-name "$1" --policy-name "$1" --policy-document "file://$SEEDS/$2"
  aws iam create-instance-profile --instance-profile-name "$1" >/dev/null
  aws iam add-role-to-instance-profile --instance-profile-name "$1" --role-name "$1"
  aws ec2 run-instances --image-id ami-0abcdef1234567890 --instance-type c5.xlarge --count 1 \
    --iam-instance-profile Name="$1" --query 'Instances[0].InstanceId' --output text
}
HEAD=$(launch parallelcluster-head 004-parallelcluster-instance-policy.json)
on_head() { "$IAMD_BIN" exec --instance "$HEAD" -- "$@"; }
expect_eq "the head node's identity" "$(on_head aws sts get-caller-identity --query Arn --output text)" \
  "arn:aws:sts::123456789012:assumed-role/parallelcluster-head/$HEAD"

# What the cluster's stack made (here the administrator, through the door), and a neighbour's.
for table in parallelcluster-c1 other-cluster; do
  aws dynamodb create-table --table-name $table --attribute-definitions AttributeName=Id,AttributeType=S \
    --key-schema AttributeName=Id,KeyType=HASH --billing-mode PAY_PER_REQUEST >/dev/null
done
for queue in parallelcluster-c1-sqs other-queue; do sqs create-queue --queue-name $queue >/dev/null; done
OTHER_QUEUE=$(sqs get-queue-url --queue-name other-queue --query QueueUrl --output text)
aws s3 mb s3://us-east-1-aws-parallelcluster >/dev/null
aws s3 mb s3://someone-elses-bucket >/dev/null
echo "cookbook" | aws s3 cp - s3://us-east-1-aws-parallelcluster/cookbooks/aws-parallelcluster-cookbook.tgz >/dev/null
echo "secret" | aws s3 cp - s3://someone-elses-bucket/cookbook.tgz >/dev/null

# DynamoDB: the cluster's table (table/parallelcluster-*), and ListTables on *.
expect_eq "dynamodb:ListTables" "$(on_head aws dynamodb list-tables --query 'sort(TableNames)' --output text)" "other-cluster	parallelcluster-c1"
expect_eq "dynamodb:DescribeTable on the cluster's table" \
  "$(on_head aws dynamodb describe-table --table-name parallelcluster-c1 --query Table.TableName --output text)" "parallelcluster-c1"
on_head aws dynamodb put-item --table-name parallelcluster-c1 --item '{"Id":{"S":"compute-1"},"InstanceId":{"S":"i-1"}}'
expect_eq "dynamodb:PutItem reached moto" "$(as_moto aws dynamodb get-item --table-name parallelcluster-c1 --key '{"Id":{"S":"compute-1"}}' \
  --query Item.InstanceId.S --output text)" "i-1"
expect_eq "dynamodb:GetItem" "$(on_head aws dynamodb get-item --table-name parallelcluster-c1 --key '{"Id":{"S":"compute-1"}}' \
  --query Item.InstanceId.S --output text)" "i-1"
expect_eq "dynamodb:Query" "$(on_head aws dynamodb query --table-name parallelcluster-c1 --key-condition-expression 'Id = :id' \
  --expression-attribute-values '{":id":{"S":"compute-1"}}' --query Count --output text)" "1"
on_head aws dynamodb delete-item --table-name parallelcluster-c1 --key '{"Id":{"S":"compute-1"}}'
expect_eq "dynamodb:DeleteItem reached moto" "$(as_moto aws dynamodb scan --table-name parallelcluster-c1 --query Count --output text)" "0"
for call in "describe-table --table-name other-cluster" \
  "put-item --table-name other-cluster --item {\"Id\":{\"S\":\"x\"}}" \
  "get-item --table-name other-cluster --key {\"Id\":{\"S\":\"x\"}}" \
  "delete-item --table-name other-cluster --key {\"Id\":{\"S\":\"x\"}}"; do
  # shellcheck disable=SC2086 # the call's words
  expect_error "dynamodb ${call%% *} on another table" AccessDeniedException on_head aws dynamodb $call
done
expect_error "dynamodb:Scan is not in the policy" AccessDeniedException on_head aws dynamodb scan --table-name parallelcluster-c1
expect_error "dynamodb:DeleteTable is not in the policy" AccessDeniedException on_head aws dynamodb delete-table --table-name parallelcluster-c1
expect_eq "the refused put never reached moto" "$(as_moto aws dynamodb scan --table-name other-cluster --query Count --output text)" "0"

# SQS: the cluster's queue (parallelcluster-*), and ListQueues on *.
expect_eq "sqs:ListQueues" "$(on_head "${SQS[@]}" list-queues --query 'length(QueueUrls)' --output text)" "2"
QUEUE=$(on_head "${SQS[@]}" get-queue-url --queue-name parallelcluster-c1-sqs --query QueueUrl --output text)
expect_eq "sqs:GetQueueUrl on the cluster's queue" "${QUEUE##*/}" "parallelcluster-c1-sqs"
on_head "${SQS[@]}" send-message --queue-url "$QUEUE" --message-body '{"Event":"autoscaling:EC2_INSTANCE_LAUNCH"}' >/dev/null
HANDLE=$(on_head "${SQS[@]}" receive-message --queue-url "$QUEUE" --query 'Messages[0].ReceiptHandle' --output text)
case "$HANDLE" in ""|None) echo "FAIL sqs:ReceiveMessage got no message"; exit 1;; *) echo "ok   sqs:SendMessage and sqs:ReceiveMessage";; esac
on_head "${SQS[@]}" change-message-visibility --queue-url "$QUEUE" --receipt-handle "$HANDLE" --visibility-timeout 0
on_head "${SQS[@]}" delete-message --queue-url "$QUEUE" --receipt-handle "$HANDLE"
expect_eq "sqs:DeleteMessage reached moto" "$(as_moto aws sqs get-queue-attributes --endpoint-url "$MOTO" --queue-url "$MOTO/123456789012/parallelcluster-c1-sqs" \
  --attribute-names ApproximateNumberOfMessages --query Attributes.ApproximateNumberOfMessages --output text)" "0"
expect_error "sqs:GetQueueUrl on another queue" AccessDenied on_head "${SQS[@]}" get-queue-url --queue-name other-queue
expect_error "sqs:SendMessage to another queue" AccessDenied on_head "${SQS[@]}" send-message --queue-url "$OTHER_QUEUE" --message-body x
expect_error "sqs:ReceiveMessage from another queue" AccessDenied on_head "${SQS[@]}" receive-message --queue-url "$OTHER_QUEUE"
expect_error "sqs:GetQueueAttributes is not in the policy" AccessDenied on_head "${SQS[@]}" get-queue-attributes --queue-url "$QUEUE"
expect_error "sqs:CreateQueue is not in the policy" AccessDenied on_head "${SQS[@]}" create-queue --queue-name parallelcluster-c2-sqs
expect_eq "the refused send never reached moto" "$(as_moto aws sqs get-queue-attributes --endpoint-url "$MOTO" --queue-url "$MOTO/123456789012/other-queue" \
  --attribute-names ApproximateNumberOfMessages --query Attributes.ApproximateNumberOfMessages --output text)" "0"

# S3: GetObject in the region's aws-parallelcluster bucket, nothing else.
expect_eq "s3:GetObject of the cookbook" "$(on_head aws s3api get-object --bucket us-east-1-aws-parallelcluster \
  --key cookbooks/aws-parallelcluster-cookbook.tgz "$E2E_TMP/cookbook" >/dev/null && cat "$E2E_TMP/cookbook")" "cookbook"
expect_error "s3:PutObject is not in the policy" AccessDenied on_head aws s3 cp "$E2E_TMP/cookbook" s3://us-east-1-aws-parallelcluster/cookbooks/mine.tgz
expect_error "s3:ListBucket is not in the policy" AccessDenied on_head aws s3 ls s3://us-east-1-aws-parallelcluster/
expect_error "s3:GetObject in another bucket" AccessDenied on_head aws s3api get-object --bucket someone-elses-bucket --key cookbook.tgz "$E2E_TMP/x"

# CloudFormation: DescribeStacks on stack/parallelcluster-*. A stack's ARN holds its id, which
# a name does not: by its ARN the stack is authorized; by its name the id is not known to iamd,
# so the request is on "*" (the audit line says the stack was not derived) and the seed's
# policy, which names stacks, does not allow it.
TEMPLATE='{"Resources":{"Handle":{"Type":"AWS::CloudFormation::WaitConditionHandle"}}}'
STACK=$(aws cloudformation create-stack --stack-name parallelcluster-c1 --template-body "$TEMPLATE" --query StackId --output text)
OTHER_STACK=$(aws cloudformation create-stack --stack-name other-c1 --template-body "$TEMPLATE" --query StackId --output text)
expect_eq "cloudformation:DescribeStacks of the cluster's stack by its ARN" \
  "$(on_head aws cloudformation describe-stacks --stack-name "$STACK" --query 'Stacks[0].StackName' --output text)" "parallelcluster-c1"
expect_error "cloudformation:DescribeStacks of another stack" AccessDenied on_head aws cloudformation describe-stacks --stack-name "$OTHER_STACK"
expect_error "cloudformation:DescribeStacks by a name (the stack's id underived)" AccessDenied \
  on_head aws cloudformation describe-stacks --stack-name parallelcluster-c1
python3 - "$E2E_TMP/audit.log" <<'EOF2'
import json, sys
events = [json.loads(line).get("additionalEventData", {}).get("iamd", {}) for line in open(sys.argv[1])]
if not any(e.get("action") == "cloudformation:DescribeStacks" and e.get("decision") == "denied"
           and e.get("resource") == "* (underived: cloudformation:stack)" for e in events):
    sys.exit("FAIL no audit line of DescribeStacks by name, its stack underived")
print("ok   the audit line says the stack was not derived")
EOF2
# Auto Scaling, on "*".
expect_eq "autoscaling:DescribeAutoScalingGroups" "$(on_head aws autoscaling describe-auto-scaling-groups --query 'length(AutoScalingGroups)' --output text)" "0"

# An awsbatch cluster's node: the cluster's resources bucket (parallelcluster-mycluster-resources),
# objects under batch/ only.
NODE=$(launch parallelcluster-batch-node 004-parallelcluster-instance-policy-awsbatch.json)
on_node() { "$IAMD_BIN" exec --instance "$NODE" -- "$@"; }
RESOURCES=parallelcluster-mycluster-resources
aws s3 mb "s3://$RESOURCES" >/dev/null
echo "job script" >"$E2E_TMP/job.sh"
on_node aws s3 cp "$E2E_TMP/job.sh" "s3://$RESOURCES/batch/job.sh" >/dev/null
expect_eq "s3:PutObject under batch/ reached moto" "$(as_moto aws s3 cp "s3://$RESOURCES/batch/job.sh" -)" "job script"
expect_eq "s3:Get* under batch/" "$(on_node aws s3 cp "s3://$RESOURCES/batch/job.sh" -)" "job script"
expect_eq "s3:List* on the resources bucket" "$(on_node aws s3 ls "s3://$RESOURCES/batch/" | awk '{print $4}')" "job.sh"
on_node aws s3 rm "s3://$RESOURCES/batch/job.sh" >/dev/null
expect_eq "s3:DeleteObject under batch/ reached moto" "$(as_moto aws s3 ls "s3://$RESOURCES/batch/" | wc -l | tr -d ' ')" "0"
expect_error "s3:PutObject outside batch/" AccessDenied on_node aws s3 cp "$E2E_TMP/job.sh" "s3://$RESOURCES/job.sh"
expect_error "s3:PutObject in another parallelcluster bucket" AccessDenied on_node aws s3 cp "$E2E_TMP/job.sh" s3://us-east-1-aws-parallelcluster/batch/job.sh
expect_error "s3:ListBucket of another bucket" AccessDenied on_node aws s3 ls s3://someone-elses-bucket
expect_error "dynamodb is not in the awsbatch policy" AccessDeniedException on_node aws dynamodb list-tables
if grep -q "$AWS_SECRET_ACCESS_KEY" "$E2E_TMP/audit.log" "$E2E_TMP/iamd.log"; then echo "FAIL a secret appears in the logs"; exit 1; fi
echo "seed004_door: all checks passed"
