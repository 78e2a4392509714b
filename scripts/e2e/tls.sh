#!/usr/bin/env bash
# TLS with the stock aws CLI and boto3: `iamd serve --tls` makes a local CA in DATA/tls and
# prints its path; the aws CLI trusts it with --ca-bundle or AWS_CA_BUNDLE, and refuses the
# server without it; a TLS-only policy (Deny when aws:SecureTransport is false) allows the
# calls, and denies them when the same data is served in plain HTTP; tasks still get their credentials in plain HTTP on loopback; SIGHUP reloads the
# certificate and iamd goes on serving; the keys are 0600 and never printed.
source "$(dirname "$0")/lib.sh"
export AWS_ENDPOINT_URL="https://127.0.0.1:$PORT"
CA="$DATA/tls/ca.pem"

IAMD_ROOT_ACCESS_KEY_ID=$AWS_ACCESS_KEY_ID IAMD_ROOT_SECRET_ACCESS_KEY=$AWS_SECRET_ACCESS_KEY \
  "$IAMD_BIN" serve --addr "127.0.0.1:$PORT" --data "$DATA" --audit "$E2E_TMP/audit.log" --tls 2>>"$E2E_TMP/iamd.log" &
IAMD_PID=$!
for _ in $(seq 1 100); do
  if [ -f "$CA" ] && python3 -c "import ssl,urllib.request; urllib.request.urlopen('$AWS_ENDPOINT_URL/healthz', timeout=1, context=ssl.create_default_context(cafile='$CA'))" 2>/dev/null; then break; fi
  sleep 0.1
done
grep -q "AWS_CA_BUNDLE=$CA" "$E2E_TMP/iamd.log" && echo "ok   iamd serve --tls prints the CA's path" || { echo "FAIL no CA path printed:"; cat "$E2E_TMP/iamd.log"; exit 1; }
expect_eq "the generated keys are the owner's only" "$(stat -c %a "$DATA/tls/server-key.pem") $(stat -c %a "$DATA/tls/ca-key.pem")" "600 600"
if grep -q "$(sed -n 2p "$DATA/tls/server-key.pem")" "$E2E_TMP/iamd.log"; then echo "FAIL the private key is in the log"; exit 1; fi

# Without the CA the aws CLI refuses the server; with --ca-bundle or AWS_CA_BUNDLE it talks to it.
if out=$(aws sts get-caller-identity 2>&1); then echo "FAIL the aws CLI trusted an unknown CA"; exit 1; fi
case "$out" in *SSL*|*certificate*) echo "ok   without the CA the aws CLI refuses the certificate";; *) echo "FAIL: $out"; exit 1;; esac
expect_eq "aws --ca-bundle" "$(aws --ca-bundle "$CA" sts get-caller-identity --query Account --output text)" "123456789012"
export AWS_CA_BUNDLE="$CA"
expect_eq "AWS_CA_BUNDLE" "$(aws sts get-caller-identity --query Account --output text)" "123456789012"

# A TLS-only policy allows the calls over TLS.
aws iam create-user --user-name tls-only >/dev/null
aws iam put-user-policy --user-name tls-only --policy-name tls-only --policy-document '{"Version":"2012-10-17","Statement":[
  {"Effect":"Allow","Action":["iam:ListRoles","secretsmanager:*"],"Resource":"*"},
  {"Effect":"Deny","Action":"*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}'
read -r U_KEY U_SECRET < <(aws iam create-access-key --user-name tls-only --query 'AccessKey.[AccessKeyId,SecretAccessKey]' --output text)
as_user() { AWS_ACCESS_KEY_ID=$U_KEY AWS_SECRET_ACCESS_KEY=$U_SECRET "$@"; }
expect_eq "a TLS-only policy allows a call over TLS" "$(as_user aws iam list-roles --query 'length(Roles)' --output text)" "0"
as_user aws secretsmanager create-secret --name db --secret-string s3cret >/dev/null
expect_eq "and a secret's value crosses over TLS" "$(as_user aws secretsmanager get-secret-value --secret-id db --query SecretString --output text)" "s3cret"
expect_eq "boto3 with AWS_CA_BUNDLE" "$(as_user python3 -c 'import boto3; print(len(boto3.client("iam").list_roles()["Roles"]))')" "0"

# Tasks get their credentials in plain HTTP on loopback, as the SDKs require.
ECS_TRUST='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}'
aws iam create-role --role-name app-task --assume-role-policy-document "$ECS_TRUST" >/dev/null
read -r URI ARN < <("$IAMD_BIN" task run --task-role arn:aws:iam::123456789012:role/app-task -- \
  sh -c 'echo "$AWS_CONTAINER_CREDENTIALS_FULL_URI $(aws sts get-caller-identity --query Arn --output text)"')
case "$URI" in http://127.0.0.1:*) echo "ok   the task credentials endpoint is plain HTTP on loopback ($URI)";; *) echo "FAIL task credentials at $URI"; exit 1;; esac
case "$ARN" in arn:aws:sts::123456789012:assumed-role/app-task/*) echo "ok   the aws CLI in a task is the task role over TLS";; *) echo "FAIL in a task: $ARN"; exit 1;; esac

# SIGHUP reloads the certificate; iamd goes on serving.
kill -HUP "$IAMD_PID"
for _ in $(seq 1 50); do grep -q "reloaded the TLS certificate" "$E2E_TMP/iamd.log" && break; sleep 0.1; done
grep -q "reloaded the TLS certificate" "$E2E_TMP/iamd.log" && echo "ok   SIGHUP reloads the certificate" || { echo "FAIL no reload logged"; cat "$E2E_TMP/iamd.log"; exit 1; }
expect_eq "and iamd still serves" "$(aws sts get-caller-identity --query Account --output text)" "123456789012"

# The same data served in plain HTTP: the TLS-only policy denies the same call.
stop_iamd
export AWS_ENDPOINT_URL="http://127.0.0.1:$PORT"
unset AWS_CA_BUNDLE
start_iamd
expect_error "over plain HTTP the TLS-only policy denies the call" AccessDenied as_user aws iam list-roles
echo "tls: all checks passed"
