"""Run by tasks.sh inside `iamd task run` (mode "task") or `iamd exec --role` (mode "exec"):
boto3's default credential chain finds the credentials iamd gave the program, which may then
list roles and nothing more."""
import sys

import boto3
import botocore.exceptions

mode, arn_prefix = sys.argv[1:3]
session = boto3.Session()
creds = session.get_credentials()


def expect(label, got, want):
    if got != want:
        sys.exit(f"FAIL {label}: got {got!r}, want {want!r}")
    print(f"ok   {label} (boto3, {mode})")


expect("credential source", creds.method, {"task": "container-role", "exec": "env"}[mode])
arn = session.client("sts").get_caller_identity()["Arn"]
expect("identity", arn[: len(arn_prefix)], arn_prefix)
if mode == "task":
    expect("task id", len(arn) - len(arn_prefix), 32)
expect("allowed by the role", type(session.client("iam").list_roles()["Roles"]), list)
try:
    session.client("iam").create_user(UserName="intruder")
    sys.exit("FAIL create_user was allowed")
except botocore.exceptions.ClientError as e:
    expect("denied by the role", e.response["Error"]["Code"], "AccessDenied")
    expect("denial names the session", e.response["Error"]["Message"].startswith("User: " + arn + " is not authorized to perform: iam:CreateUser"), True)
