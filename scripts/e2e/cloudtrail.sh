#!/usr/bin/env bash
# CloudTrail records with the stock aws CLI against a real iamd: a denied CreateRole is found
# by aws cloudtrail lookup-events with CloudTrail's fields (userIdentity, eventSource,
# errorCode, requestParameters, eventID, ...), the audit file holds the same record, pages
# go on with --next-token, a user without cloudtrail:LookupEvents is denied, a password
# never reaches a record, and AWS's errors answer bad lookups.
source "$(dirname "$0")/lib.sh"
start_iamd

aws iam create-user --user-name mallory >/dev/null
KEY=$(aws iam create-access-key --user-name mallory --output json)
export M_ID=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["AccessKey"]["AccessKeyId"])' <<<"$KEY")
export M_SECRET=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["AccessKey"]["SecretAccessKey"])' <<<"$KEY")
as_mallory() { AWS_ACCESS_KEY_ID=$M_ID AWS_SECRET_ACCESS_KEY=$M_SECRET "$@"; }
TRUST='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}'
expect_error "mallory's CreateRole" AccessDenied as_mallory aws iam create-role --role-name Backdoor --assume-role-policy-document "$TRUST"
PW='Never-In-A-Record-42!'
aws iam create-login-profile --user-name mallory --password "$PW" >/dev/null

OUT=$(aws cloudtrail lookup-events --lookup-attributes AttributeKey=EventName,AttributeValue=CreateRole --output json)
python3 - "$OUT" "$M_ID" "$E2E_TMP/audit.log" <<'PY'
import json, re, sys
out, key, audit = json.loads(sys.argv[1]), sys.argv[2], sys.argv[3]
events = out["Events"]
assert len(events) == 1, "want the one denied CreateRole, got %d" % len(events)
e = events[0]
assert e["EventName"] == "CreateRole" and e["EventSource"] == "iam.amazonaws.com" and e["Username"] == "mallory", e
assert e["AccessKeyId"] == key and e["ReadOnly"] == "false", e
assert e["Resources"] == [{"ResourceType": "AWS::IAM::Role", "ResourceName": "Backdoor"}], e["Resources"]
r = json.loads(e["CloudTrailEvent"])
want = {"eventVersion": "1.11", "eventSource": "iam.amazonaws.com", "eventName": "CreateRole", "awsRegion": "us-east-1",
        "errorCode": "AccessDenied", "eventType": "AwsApiCall", "readOnly": False, "managementEvent": True,
        "eventCategory": "Management", "recipientAccountId": "123456789012", "sourceIPAddress": "127.0.0.1"}
for k, v in want.items():
    assert r.get(k) == v, "%s = %r, want %r" % (k, r.get(k), v)
u = r["userIdentity"]
assert u["type"] == "IAMUser" and u["arn"] == "arn:aws:iam::123456789012:user/mallory" and u["userName"] == "mallory", u
assert u["accountId"] == "123456789012" and u["accessKeyId"] == key and u["principalId"].startswith("AIDA"), u
assert r["requestParameters"]["roleName"] == "Backdoor", r["requestParameters"]
assert "iam:CreateRole" in r["errorMessage"] and r["responseElements"] is None, r
assert re.match(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", r["eventID"]), r["eventID"]
assert r["eventID"] == e["EventId"] and len(r["requestID"]) == 36 and "aws-cli" in r["userAgent"], r
iamd = r["additionalEventData"]["iamd"]
assert iamd["decision"] == "denied" and iamd["denial"]["result"] == "implicitDeny", iamd
assert e["CloudTrailEvent"] + "\n" in open(audit).read(), "the audit file does not hold the record"
print("ok   lookup-events finds the denied CreateRole with CloudTrail's fields, as the audit file has it")
PY

# Paging: the CLI follows NextToken itself; one page at a time with --max-items/--starting-token.
N=$(aws cloudtrail lookup-events --lookup-attributes AttributeKey=EventSource,AttributeValue=iam.amazonaws.com --query 'length(Events)' --output text)
[ "$N" -ge 4 ] || { echo "FAIL want the IAM events, got $N"; exit 1; }
PAGE=$(aws cloudtrail lookup-events --lookup-attributes AttributeKey=EventSource,AttributeValue=iam.amazonaws.com --page-size 1 --max-items 1 --output json)
TOKEN=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["NextToken"])' <<<"$PAGE")
M=$(aws cloudtrail lookup-events --lookup-attributes AttributeKey=EventSource,AttributeValue=iam.amazonaws.com --starting-token "$TOKEN" --query 'length(Events)' --output text)
expect_eq "the next pages hold the rest of the IAM events" "$M" "$((N - 1))"

expect_error "mallory may not look up events" AccessDeniedException as_mallory aws cloudtrail lookup-events
expect_error "two lookup attributes" InvalidLookupAttributesException \
  aws cloudtrail lookup-events --lookup-attributes AttributeKey=EventName,AttributeValue=CreateRole AttributeKey=Username,AttributeValue=root
expect_error "a start after the end" InvalidTimeRangeException aws cloudtrail lookup-events --start-time 2030-01-02T00:00:00Z --end-time 2030-01-01T00:00:00Z
expect_error "MaxResults 51" InvalidMaxResultsException aws cloudtrail lookup-events --max-results 51
expect_error "a made-up token" InvalidNextTokenException aws cloudtrail lookup-events --next-token bm90LWEtdG9rZW4

grep -qF "$PW" "$E2E_TMP/audit.log" && { echo "FAIL the audit log holds mallory's password"; exit 1; }
grep -qF "$M_SECRET" "$E2E_TMP/audit.log" && { echo "FAIL the audit log holds mallory's secret key"; exit 1; }
grep -qF '"password":"HIDDEN_DUE_TO_SECURITY_REASONS"' "$E2E_TMP/audit.log" || { echo "FAIL the password is not recorded as hidden"; exit 1; }
echo "ok   no password or secret key in the audit log"
audit_has iam:CreateRole arn:aws:iam::123456789012:role/Backdoor denied
echo "PASS cloudtrail"
