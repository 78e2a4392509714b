#!/usr/bin/env bash
# Service-linked roles and service last-accessed data with the stock aws CLI against a real
# iamd: a ParallelCluster-style user creates the Auto Scaling role (iam:CreateServiceLinkedRole
# with iam:AWSServiceName), the account cannot change the role (UnmodifiableEntity) but its
# description, DeleteServiceLinkedRole's task succeeds; then the user's report lists the
# services its policy allows, IAM last requested by the user.
source "$(dirname "$0")/lib.sh"
start_iamd
ACCT=123456789012

aws iam create-user --user-name pcluster >/dev/null
aws iam put-user-policy --user-name pcluster --policy-name slr --policy-document '{"Version":"2012-10-17","Statement":[
 {"Effect":"Allow","Action":"iam:CreateServiceLinkedRole","Resource":"arn:aws:iam::*:role/aws-service-role/*",
  "Condition":{"StringLike":{"iam:AWSServiceName":["autoscaling.amazonaws.com","ecs.amazonaws.com"]}}},
 {"Effect":"Allow","Action":["iam:GetRole","iam:DeleteServiceLinkedRole","iam:GetServiceLinkedRoleDeletionStatus"],"Resource":"*"}]}'
read -r KEY SECRET < <(aws iam create-access-key --user-name pcluster --query 'AccessKey.[AccessKeyId,SecretAccessKey]' --output text)
as_pcluster() { AWS_ACCESS_KEY_ID=$KEY AWS_SECRET_ACCESS_KEY=$SECRET "$@"; }

expect_eq "the Auto Scaling role, as the service names it" \
  "$(as_pcluster aws iam create-service-linked-role --aws-service-name autoscaling.amazonaws.com --query Role.Arn --output text)" \
  "arn:aws:iam::$ACCT:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"
expect_eq "its policy" \
  "$(aws iam list-attached-role-policies --role-name AWSServiceRoleForAutoScaling --query 'AttachedPolicies[0].PolicyArn' --output text)" \
  "arn:aws:iam::aws:policy/aws-service-role/AutoScalingServiceRolePolicy"
expect_error "a second one without a suffix" InvalidInput \
  as_pcluster aws iam create-service-linked-role --aws-service-name autoscaling.amazonaws.com
expect_error "a service the condition leaves out" AccessDenied \
  as_pcluster aws iam create-service-linked-role --aws-service-name elasticloadbalancing.amazonaws.com
expect_error "the account cannot change the trust policy" UnmodifiableEntity \
  aws iam update-assume-role-policy --role-name AWSServiceRoleForAutoScaling --policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}'
expect_error "nor delete it as a role" UnmodifiableEntity aws iam delete-role --role-name AWSServiceRoleForAutoScaling
aws iam update-role-description --role-name AWSServiceRoleForAutoScaling --description "scales the cluster" >/dev/null
expect_eq "but may describe it" \
  "$(aws iam get-role --role-name AWSServiceRoleForAutoScaling --query Role.Description --output text)" "scales the cluster"

TASK=$(as_pcluster aws iam delete-service-linked-role --role-name AWSServiceRoleForAutoScaling --query DeletionTaskId --output text)
case "$TASK" in
  task/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling/*) echo "ok   deletion task $TASK";;
  *) echo "FAIL deletion task $TASK"; exit 1;;
esac
expect_eq "the deletion succeeded" \
  "$(as_pcluster aws iam get-service-linked-role-deletion-status --deletion-task-id "$TASK" --query Status --output text)" SUCCEEDED
expect_error "the role is gone" NoSuchEntity aws iam get-role --role-name AWSServiceRoleForAutoScaling

JOB=$(aws iam generate-service-last-accessed-details --arn "arn:aws:iam::$ACCT:user/pcluster" --query JobId --output text)
aws iam get-service-last-accessed-details --job-id "$JOB" > "$E2E_TMP/report.json"
expect_eq "the user's report: IAM, last requested by the user" "$(python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
s = [x for x in r["ServicesLastAccessed"] if x["ServiceNamespace"] == "iam"][0]
print(r["JobStatus"], len(r["ServicesLastAccessed"]), s["LastAuthenticatedEntity"], s["TotalAuthenticatedEntities"], "LastAuthenticated" in s)
' "$E2E_TMP/report.json")" "COMPLETED 1 arn:aws:iam::$ACCT:user/pcluster 1 True"
expect_eq "the policy granting IAM" \
  "$(aws iam list-policies-granting-service-access --arn "arn:aws:iam::$ACCT:user/pcluster" --service-namespaces iam s3 \
     --query 'PoliciesGrantingServiceAccess[].[ServiceNamespace, length(Policies)]' --output text | tr '\t\n' ': ')" "iam:1 s3:0 "
