#!/usr/bin/env bash
# IAM Access Analyzer's policy checks with the stock aws CLI against a real iamd:
# validate-policy finds seed 000's iam:PassRole on "*" (Access Analyzer's code, type, link
# and the "*"'s position), check-no-new-access fails with the request that shows the new
# access and passes for a narrower policy, check-access-not-granted, check-no-public-access
# for a public bucket policy and one restricted to an organization, a caller without the
# actions is denied, and a bad input is Access Analyzer's ValidationException.
source "$(dirname "$0")/lib.sh"
start_iamd

SEED="$E2E_ROOT/examples/seeds/000-tower-role-policy.json"
OUT=$(aws accessanalyzer validate-policy --policy-type IDENTITY_POLICY --policy-document "file://$SEED" --output json)
python3 - "$OUT" "$SEED" <<'PY'
import json, sys
out, doc = json.loads(sys.argv[1]), open(sys.argv[2]).read()
found = [f for f in out["findings"] if f["issueCode"] == "PASS_ROLE_WITH_STAR_IN_RESOURCE"]
assert len(found) == 1, [f["issueCode"] for f in out["findings"]]
f = found[0]
assert f["findingType"] == "SECURITY_WARNING", f
assert f["learnMoreLink"].endswith("#access-analyzer-reference-policy-checks-security-warning-pass-role-with-star-in-resource"), f
loc = f["locations"][0]
span = loc["span"]
assert doc[span["start"]["offset"]:span["end"]["offset"]] == '"*"', span
line = doc.split("\n")[span["start"]["line"] - 1]
assert line[span["start"]["column"]:].startswith('"*"'), (line, span)
assert loc["path"][:2] == [{"value": "Statement"}, {"index": 0}] and loc["path"][2] == {"value": "Resource"}, loc["path"]
print("ok   validate-policy finds seed 000's PassRole on * at the \"*\" (line %d, column %d)" % (span["start"]["line"], span["start"]["column"]))
PY
N=$(aws accessanalyzer validate-policy --policy-type IDENTITY_POLICY --policy-document "file://$SEED" --query 'length(findings)' --output text)
M=$(aws accessanalyzer validate-policy --policy-type IDENTITY_POLICY --policy-document "file://$SEED" --page-size 1 --query 'length(findings)' --output text)
expect_eq "validate-policy one finding a page gives the same findings" "$M" "$N"

EXISTING='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::123456789012:role/Tower-*"}]}'
WIDE='{"Version":"2012-10-17","Statement":[{"Sid":"PassAny","Effect":"Allow","Action":"iam:PassRole","Resource":"*"}]}'
NARROW='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::123456789012:role/Tower-Role"}]}'
OUT=$(aws accessanalyzer check-no-new-access --policy-type IDENTITY_POLICY --existing-policy-document "$EXISTING" --new-policy-document "$WIDE" --output json)
python3 - "$OUT" <<'PY'
import json, sys
out = json.loads(sys.argv[1])
assert out["result"] == "FAIL", out
assert out["message"] == "The modified permissions grant new access compared to your existing policy.", out
r = out["reasons"]
assert len(r) == 1 and r[0]["statementIndex"] == 0 and r[0]["statementId"] == "PassAny", r
assert r[0]["description"].startswith("New access in the statement with sid: PassAny. For example: iam:PassRole on arn:aws:iam::"), r
role = r[0]["description"].split(" on ")[1].rstrip(".")
assert not role.split(":role/")[1].startswith("Tower-"), role
print("ok   check-no-new-access FAIL, with the counter-example: %s" % r[0]["description"])
PY
expect_eq "check-no-new-access PASS for a narrower policy" \
  "$(aws accessanalyzer check-no-new-access --policy-type IDENTITY_POLICY --existing-policy-document "$EXISTING" --new-policy-document "$NARROW" --query result --output text)" PASS

DOC='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::tower-bucket/*"}]}'
expect_eq "check-access-not-granted FAIL for s3:GetObject" \
  "$(aws accessanalyzer check-access-not-granted --policy-type IDENTITY_POLICY --policy-document "$DOC" --access actions=s3:GetObject --query result --output text)" FAIL
expect_eq "check-access-not-granted PASS for s3:DeleteObject" \
  "$(aws accessanalyzer check-access-not-granted --policy-type IDENTITY_POLICY --policy-document "$DOC" --access actions=s3:DeleteObject --query result --output text)" PASS
expect_eq "check-access-not-granted PASS for another bucket" \
  "$(aws accessanalyzer check-access-not-granted --policy-type IDENTITY_POLICY --policy-document "$DOC" --access 'resources=arn:aws:s3:::other-bucket/*' --query result --output text)" PASS

PUBLIC='{"Version":"2012-10-17","Statement":[{"Sid":"PublicRead","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::tower-bucket/*"}]}'
ORG='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::tower-bucket/*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}}]}'
OUT=$(aws accessanalyzer check-no-public-access --resource-type AWS::S3::Bucket --policy-document "$PUBLIC" --output json)
python3 - "$OUT" <<'PY'
import json, sys
out = json.loads(sys.argv[1])
assert out["result"] == "FAIL" and out["reasons"][0]["statementId"] == "PublicRead" and out["reasons"][0]["statementIndex"] == 0, out
print("ok   check-no-public-access FAIL for a bucket policy open to \"*\"")
PY
expect_eq "check-no-public-access PASS for one restricted to an organization" \
  "$(aws accessanalyzer check-no-public-access --resource-type AWS::S3::Bucket --policy-document "$ORG" --query result --output text)" PASS

# A user with every action but Access Analyzer's is denied each check.
aws iam create-user --user-name auditor >/dev/null
aws iam put-user-policy --user-name auditor --policy-name not-analyzer \
  --policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":"access-analyzer:*","Resource":"*"}]}'
KEY=$(aws iam create-access-key --user-name auditor --output json)
export A_ID=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["AccessKey"]["AccessKeyId"])' <<<"$KEY")
export A_SECRET=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["AccessKey"]["SecretAccessKey"])' <<<"$KEY")
as_auditor() { AWS_ACCESS_KEY_ID=$A_ID AWS_SECRET_ACCESS_KEY=$A_SECRET "$@"; }
expect_error "the auditor may not validate a policy" AccessDeniedException \
  as_auditor aws accessanalyzer validate-policy --policy-type IDENTITY_POLICY --policy-document "$DOC"
expect_error "the auditor may not check for new access" AccessDeniedException \
  as_auditor aws accessanalyzer check-no-new-access --policy-type IDENTITY_POLICY --existing-policy-document "$DOC" --new-policy-document "$DOC"
audit_has access-analyzer:ValidatePolicy '*' denied
audit_has access-analyzer:CheckNoNewAccess '*' allowed

expect_error "a resource type for an identity policy" ValidationException \
  aws accessanalyzer validate-policy --policy-type IDENTITY_POLICY --policy-document "$DOC" --validate-policy-resource-type AWS::S3::Bucket
expect_error "a new policy that is not JSON" InvalidParameterException \
  aws accessanalyzer check-no-new-access --policy-type IDENTITY_POLICY --existing-policy-document "$DOC" --new-policy-document 'not json'
echo "PASS accessanalyzer.sh"
