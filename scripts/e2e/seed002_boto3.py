"""Seed 002 checked with boto3 against the iamd started by seed002.sh: the instance role's
session (from the arguments) assumes the target roles as boto3 users do."""
import sys

import boto3
import botocore.exceptions
from checks import expect

key, secret, token = sys.argv[1:4]
instance = boto3.Session(aws_access_key_id=key, aws_secret_access_key=secret, aws_session_token=token)
sts = instance.client("sts")


role_a = "arn:aws:iam::111111111111:role/SeqeraPlatformRole-AccountA"
try:
    sts.assume_role(RoleArn=role_a, RoleSessionName="tower")
    sys.exit("FAIL account A without the ExternalId was admitted")
except botocore.exceptions.ClientError as e:
    expect("account A without the ExternalId", e.response["Error"]["Code"], "AccessDenied")
    expect("denial message", e.response["Error"]["Message"],
           "User: arn:aws:sts::999999999999:assumed-role/SeqeraPlatform-EC2-InstanceRole/i-0abc123 is not authorized "
           "to perform: sts:AssumeRole on resource: " + role_a)

out = sts.assume_role(RoleArn=role_a, RoleSessionName="tower-boto3", ExternalId="workspace-a-7f3c9d", DurationSeconds=900)
creds = out["Credentials"]
expect("access key prefix", creds["AccessKeyId"][:4], "ASIA")
expect("assumed role id", out["AssumedRoleUser"]["AssumedRoleId"].split(":")[1], "tower-boto3")
target = boto3.Session(aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                       aws_session_token=creds["SessionToken"])
expect("target identity", target.client("sts").get_caller_identity()["Arn"],
       "arn:aws:sts::111111111111:assumed-role/SeqeraPlatformRole-AccountA/tower-boto3")
roles = [r["RoleName"] for r in target.client("iam").list_roles()["Roles"]]
expect("target roles", roles, ["SeqeraPlatformRole-AccountA"])
