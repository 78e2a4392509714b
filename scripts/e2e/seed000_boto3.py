"""Seed 000 checked with boto3 against the iamd started by seed000.sh (endpoint, region and
root credentials come from the environment; bob's key from the arguments)."""
import os
import sys
import urllib.parse

import boto3
from checks import expect, expect_error


iam = boto3.client("iam")
role = iam.get_role(RoleName="Tower-Role")["Role"]
expect("role id prefix", role["RoleId"][:4], "AROA")
expect("trust policy is decoded", role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]["Service"], "ec2.amazonaws.com")
profile = iam.get_instance_profile(InstanceProfileName="Tower-Instance")["InstanceProfile"]
expect("profile id prefix", profile["InstanceProfileId"][:4], "AIPA")
expect("profile role", [r["RoleName"] for r in profile["Roles"]], ["Tower-Role"])

paginator = iam.get_paginator("list_roles")
names = [r["RoleName"] for page in paginator.paginate(PaginationConfig={"PageSize": 1}) for r in page["Roles"]]
expect("paginated roles", names, ["Tower-Role"])

bob = boto3.client("iam", aws_access_key_id=sys.argv[1], aws_secret_access_key=sys.argv[2])
err = expect_error("bob may not create roles", "AccessDenied",
                   lambda: bob.create_role(RoleName="x", AssumeRolePolicyDocument="{}"))
expect("denial status", err.response["ResponseMetadata"]["HTTPStatusCode"], 403)
expect("denial message", err.response["Error"]["Message"],
       "User: arn:aws:iam::123456789012:user/bob is not authorized to perform: iam:CreateRole on resource: "
       "arn:aws:iam::123456789012:role/x because no identity-based policy allows the iam:CreateRole action")
sts = boto3.client("sts", aws_access_key_id=sys.argv[1], aws_secret_access_key=sys.argv[2])
expect("bob's account", sts.get_caller_identity()["Account"], "123456789012")
