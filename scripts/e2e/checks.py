"""The checks the end-to-end scripts' boto3 halves share: each prints an ok line or ends the
script with a FAIL line, as lib.sh's expect_eq and expect_error do for the aws CLI."""
import sys

import botocore.exceptions


def expect(label, got, want):
    """The value got must be want."""
    if got != want:
        sys.exit(f"FAIL {label}: got {got!r}, want {want!r}")
    print(f"ok   {label} (boto3)")


def expect_error(label, code, fn):
    """fn must fail with the AWS error code; the error is returned."""
    try:
        fn()
    except botocore.exceptions.ClientError as e:
        expect(label, e.response["Error"]["Code"], code)
        return e
    sys.exit(f"FAIL {label}: succeeded, want {code}")
