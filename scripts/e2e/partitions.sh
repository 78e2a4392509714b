#!/usr/bin/env bash
# An iamd for a China region with the stock aws CLI: its account is of the aws-cn partition, so
# every ARN it answers with is arn:aws-cn:..., the AWS managed policies are the partition's,
# an ARN of the aws partition names nothing, and a request signed for a region of another
# partition is refused.
source "$(dirname "$0")/lib.sh"
export AWS_DEFAULT_REGION=cn-north-1 AWS_REGION=cn-north-1
IAMD_ARGS="--region cn-north-1" start_iamd
ACCOUNT=123456789012

expect_eq "the root user is the partition's" "$(aws sts get-caller-identity --query Arn --output text)" "arn:aws-cn:iam::$ACCOUNT:root"
TRUST='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws-cn:iam::'$ACCOUNT':root"},"Action":"sts:AssumeRole"}]}'
expect_eq "create-role" "$(aws iam create-role --role-name Tower --assume-role-policy-document "$TRUST" --query Role.Arn --output text)" \
  "arn:aws-cn:iam::$ACCOUNT:role/Tower"
aws iam attach-role-policy --role-name Tower --policy-arn arn:aws-cn:iam::aws:policy/ReadOnlyAccess
expect_eq "the partition's AWS managed policy is attached" \
  "$(aws iam list-attached-role-policies --role-name Tower --query 'AttachedPolicies[0].PolicyArn' --output text)" \
  "arn:aws-cn:iam::aws:policy/ReadOnlyAccess"
expect_error "the aws partition's copy names no policy here" NoSuchEntity \
  aws iam attach-role-policy --role-name Tower --policy-arn arn:aws:iam::aws:policy/ReadOnlyAccess
expect_eq "assume-role" "$(aws sts assume-role --role-arn "arn:aws-cn:iam::$ACCOUNT:role/Tower" --role-session-name s1 \
  --query AssumedRoleUser.Arn --output text)" "arn:aws-cn:sts::$ACCOUNT:assumed-role/Tower/s1"
ARN=$(aws secretsmanager create-secret --name db --secret-string s3cr3t --query ARN --output text)
case "$ARN" in
  "arn:aws-cn:secretsmanager:cn-north-1:$ACCOUNT:secret:db-"??????) echo "ok   create-secret $ARN";;
  *) echo "FAIL create-secret ARN $ARN"; exit 1;;
esac
expect_eq "get-secret-value by its ARN" "$(aws secretsmanager get-secret-value --secret-id "$ARN" --query SecretString --output text)" "s3cr3t"
expect_error "a request signed for us-east-1 is another partition's" InvalidClientTokenId \
  aws sts get-caller-identity --region us-east-1
audit_has iam:AttachRolePolicy "arn:aws-cn:iam::$ACCOUNT:role/Tower" allowed
stop_iamd
echo "partitions: all checks passed"
