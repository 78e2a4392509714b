#!/usr/bin/env bash
# The credential report with the stock aws CLI against a real iamd: ReportNotPresent before
# one exists, generate-credential-report (STARTED, then COMPLETE), and get-credential-report's
# CSV with the root user's row first and a user's password, keys and MFA columns.
source "$(dirname "$0")/lib.sh"
start_iamd

out=$(aws iam get-credential-report 2>&1) && { echo "FAIL get-credential-report before a report: $out"; exit 1; }
expect_eq "no report yet" "$out" \
  "$(printf '\nAn error occurred (ReportNotPresent) when calling the GetCredentialReport operation: Unknown')"

aws iam create-user --user-name rita --path /audit/ >/dev/null
aws iam create-login-profile --user-name rita --password 'Report-Pass-1!' >/dev/null
aws iam create-access-key --user-name rita >/dev/null
expect_eq "generate-credential-report" "$(aws iam generate-credential-report --query '[State,Description]' --output text)" \
  "STARTED	No report exists. Starting a new report generation task"
expect_eq "generate-credential-report again" "$(aws iam generate-credential-report --query State --output text)" "COMPLETE"

aws iam get-credential-report --output json >"$E2E_TMP/report.json"
python3 - "$E2E_TMP/report.json" <<'PY'
import base64, csv, io, json, sys
r = json.load(open(sys.argv[1]))
assert r["ReportFormat"] == "text/csv", r
rows = list(csv.DictReader(io.StringIO(base64.b64decode(r["Content"]).decode())))
root, rita = rows
assert root["user"] == "<root_account>" and root["arn"] == "arn:aws:iam::123456789012:root", root
assert root["password_enabled"] == "not_supported" and root["access_key_1_active"] == "true", root
assert rita["arn"] == "arn:aws:iam::123456789012:user/audit/rita", rita
assert (rita["password_enabled"], rita["password_last_used"], rita["password_next_rotation"], rita["mfa_active"]) == ("true", "no_information", "N/A", "false"), rita
assert (rita["access_key_1_active"], rita["access_key_1_last_used_date"], rita["access_key_2_active"]) == ("true", "N/A", "false"), rita
print("ok   get-credential-report: the root user's row, then rita's")
PY
audit_has iam:GetCredentialReport '*' allowed
stop_iamd
