#!/usr/bin/env bash
# Prometheus metrics with the stock aws CLI: iamd serve --metrics-addr serves /metrics on a
# listener of its own, which counts the CLI's calls by service, action and outcome (allowed,
# denied, failing validation) and the session issued; the AWS listener does not serve it.
source "$(dirname "$0")/lib.sh"
METRICS_PORT=$(free_port)
IAMD_ARGS="--metrics-addr 127.0.0.1:$METRICS_PORT" start_iamd
wait_port "$METRICS_PORT"

aws iam create-user --user-name metered >/dev/null
read -r KEY SECRET <<<"$(aws iam create-access-key --user-name metered --query 'AccessKey.[AccessKeyId,SecretAccessKey]' --output text)"
expect_error "a user without policies is denied list-users" AccessDenied \
  env AWS_ACCESS_KEY_ID="$KEY" AWS_SECRET_ACCESS_KEY="$SECRET" aws iam list-users
expect_error "a user name with a space fails validation" ValidationError aws iam create-user --user-name "not valid"
aws sts get-session-token >/dev/null

# metric NAME LABELS: the value of the series with exactly those labels, from a scrape.
metric() {
  python3 - "http://127.0.0.1:$METRICS_PORT/metrics" "$1" "$2" <<'PY'
import sys, urllib.request
url, name, labels = sys.argv[1:]
want = "%s{%s}" % (name, labels) if labels else name
for line in urllib.request.urlopen(url, timeout=5).read().decode().splitlines():
    if line.startswith(want + " "):
        print(line.split()[-1]); break
else:
    print("absent")
PY
}
expect_eq "create-user allowed" "$(metric iamd_requests_total 'action="iam:CreateUser",outcome="allowed",service="iam"')" 1
expect_eq "list-users denied" "$(metric iamd_requests_total 'action="iam:ListUsers",outcome="denied",service="iam"')" 1
expect_eq "create-user failed" "$(metric iamd_requests_total 'action="iam:CreateUser",outcome="failed",service="iam"')" 1
expect_eq "the root user's session is a user session" "$(metric iamd_sts_sessions_issued_total 'kind="user"')" 1
expect_eq "sts calls timed" "$(metric iamd_request_duration_seconds_count 'service="sts"')" 1
STATUS=$(python3 -c "
import urllib.request, urllib.error
try: print(urllib.request.urlopen('$AWS_ENDPOINT_URL/metrics', timeout=5).status)
except urllib.error.HTTPError as e: print(e.code)")
expect_eq "the AWS listener answers /metrics as an unsigned AWS request" "$STATUS" 403
stop_iamd
echo "metrics: all checks passed"
