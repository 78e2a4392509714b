"""Service-specific credentials checked with boto3 against the iamd started by
user_credentials.sh (user git exists): CodeCommit Git credentials, a reset, the limit."""
import boto3
from checks import expect, expect_error

iam = boto3.client("iam")
first = iam.create_service_specific_credential(UserName="git", ServiceName="codecommit.amazonaws.com")["ServiceSpecificCredential"]
expect("Git user name", first["ServiceUserName"], "git-at-123456789012")
expect("password length", len(first["ServicePassword"]), 44)
second = iam.create_service_specific_credential(UserName="git", ServiceName="codecommit.amazonaws.com")["ServiceSpecificCredential"]
expect("second Git user name", second["ServiceUserName"], "git+1-at-123456789012")
expect_error("a third", "LimitExceeded",
             lambda: iam.create_service_specific_credential(UserName="git", ServiceName="codecommit.amazonaws.com"))
expect_error("an unsupported service", "NotSupportedService",
             lambda: iam.create_service_specific_credential(UserName="git", ServiceName="s3.amazonaws.com"))
listed = iam.list_service_specific_credentials(UserName="git")["ServiceSpecificCredentials"]
expect("listed", [c["ServiceSpecificCredentialId"] for c in listed],
       [first["ServiceSpecificCredentialId"], second["ServiceSpecificCredentialId"]])
expect("no password in the list", any("ServicePassword" in c for c in listed), False)
reset = iam.reset_service_specific_credential(UserName="git", ServiceSpecificCredentialId=first["ServiceSpecificCredentialId"])
expect("a new password", reset["ServiceSpecificCredential"]["ServicePassword"] != first["ServicePassword"], True)
expect_error("DeleteUser with credentials", "DeleteConflict", lambda: iam.delete_user(UserName="git"))
for c in listed:
    iam.delete_service_specific_credential(UserName="git", ServiceSpecificCredentialId=c["ServiceSpecificCredentialId"])
expect("deleted", iam.list_service_specific_credentials(UserName="git")["ServiceSpecificCredentials"], [])
