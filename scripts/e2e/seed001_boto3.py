"""Seed 001 checked with boto3 against the iamd started by seed001.sh: the execution role's
session (from the arguments) reads secrets as the ECS agent does, and the account's root
(from the environment) manages them."""
import sys

import boto3
import botocore.exceptions
from checks import expect

key, secret, token = sys.argv[1:4]
execution = boto3.Session(aws_access_key_id=key, aws_secret_access_key=secret, aws_session_token=token).client("secretsmanager")
admin = boto3.client("secretsmanager")


def error_of(fn, **kw):
    try:
        fn(**kw)
    except botocore.exceptions.ClientError as e:
        return e.response["Error"]["Code"], e.response["Error"]["Message"], e.response["ResponseMetadata"]["HTTPStatusCode"]
    sys.exit(f"FAIL {fn.__name__} succeeded")


created = admin.create_secret(Name="boto3/json", SecretString='{"user":"tower","password":"boto3-canary"}')
expect("read through the pattern", execution.get_secret_value(SecretId="boto3/json")["SecretString"],
       '{"user":"tower","password":"boto3-canary"}')
put = admin.put_secret_value(SecretId=created["ARN"], SecretString="boto3-canary-2")
current = execution.get_secret_value(SecretId=created["ARN"])
expect("new version current", (current["SecretString"], current["VersionStages"]), ("boto3-canary-2", ["AWSCURRENT"]))
expect("previous version", execution.get_secret_value(SecretId="boto3/json", VersionStage="AWSPREVIOUS")["VersionId"], created["VersionId"])
expect("created date is a datetime", type(current["CreatedDate"]).__name__, "datetime")

code, message, status = error_of(execution.describe_secret, SecretId="boto3/json")
expect("describe denied", (code, status), ("AccessDeniedException", 400))
expect("denial message", message, "User: arn:aws:sts::123456789012:assumed-role/my-batch-cluster-ExecutionRole/ecs-agent is not "
       "authorized to perform: secretsmanager:DescribeSecret on resource: boto3/json because no identity-based policy "
       "allows the secretsmanager:DescribeSecret action")

deleted = admin.delete_secret(SecretId="boto3/json", RecoveryWindowInDays=7)
expect("deletion date is a datetime", type(deleted["DeletionDate"]).__name__, "datetime")
code, message, status = error_of(execution.get_secret_value, SecretId="boto3/json")
expect("read after deletion", (code, message), ("InvalidRequestException",
       "You can't perform this operation on the secret because it was marked for deletion."))
admin.restore_secret(SecretId="boto3/json")
expect("restored", execution.get_secret_value(SecretId="boto3/json")["SecretString"], "boto3-canary-2")
admin.delete_secret(SecretId="boto3/json", ForceDeleteWithoutRecovery=True)
code, _, _ = error_of(execution.get_secret_value, SecretId="boto3/json")
expect("gone without recovery", code, "ResourceNotFoundException")
expect("random password", len(admin.get_random_password(PasswordLength=40, ExcludePunctuation=True)["RandomPassword"]), 40)
