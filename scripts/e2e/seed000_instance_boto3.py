"""Seed 000 on a machine, with boto3: run by seed000_instance.sh under `iamd exec --instance`,
so boto3's default credential chain finds the Tower role through instance metadata (IMDSv2)."""
import sys

import boto3
from checks import expect, expect_error

instance_id = sys.argv[1]


session = boto3.Session()
creds = session.get_credentials()
expect("credentials come from instance metadata", creds.method, "iam-role")
expect("identity", boto3.client("sts").get_caller_identity()["Arn"], f"arn:aws:sts::123456789012:assumed-role/Tower-Role/{instance_id}")
expect("allowed: iam:GetRole", boto3.client("iam").get_role(RoleName="Tower-Role")["Role"]["RoleName"], "Tower-Role")
reservations = boto3.client("ec2").describe_instances(InstanceIds=[instance_id])["Reservations"]
expect("allowed: ec2:DescribeInstances", reservations[0]["Instances"][0]["InstanceId"], instance_id)
expect_error("denied: iam:ListUsers", "AccessDenied", lambda: boto3.client("iam").list_users())
expect_error("denied: ec2:TerminateInstances", "UnauthorizedOperation", lambda: boto3.client("ec2").terminate_instances(InstanceIds=[instance_id]))
