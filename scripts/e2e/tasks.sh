#!/usr/bin/env bash
# ECS-style tasks and `iamd exec --role` with the stock aws CLI and boto3 against a real iamd:
# inside `iamd task run` both find the task role's credentials at the container credentials
# endpoint themselves (AWS_CONTAINER_CREDENTIALS_FULL_URI and AWS_CONTAINER_AUTHORIZATION_TOKEN)
# and are allowed or denied according to the role; starting a task needs iam:PassRole to
# ecs-tasks.amazonaws.com and roles that trust that service; a stopped task's endpoint stops
# answering; a task whose `iamd task run` was killed is found with `iamd task list` and
# stopped with `iamd task stop`, which also stops a running `iamd task run`'s program (SIGTERM,
# exit 143); the caller's config files and credential_process reach no program; `iamd exec
# --role` runs them with a role session, like aws-vault exec.
source "$(dirname "$0")/lib.sh"
start_iamd
HERE="$(cd "$(dirname "$0")" && pwd)"
ACCOUNT=123456789012
ECS_TRUST='{"Version":"2012-10-17","Statement":[{"Sid":"AllowECSTaskAssumption","Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}'
EC2_TRUST='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}'

aws iam create-role --role-name app-task --assume-role-policy-document "$ECS_TRUST" >/dev/null
aws iam put-role-policy --role-name app-task --policy-name list-roles \
  --policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListRoles","Resource":"*"}]}'
aws iam create-role --role-name app-exec --assume-role-policy-document "$ECS_TRUST" >/dev/null
aws iam create-role --role-name app-ec2 --assume-role-policy-document "$EC2_TRUST" >/dev/null
TASK_ROLE=arn:aws:iam::$ACCOUNT:role/app-task
EXEC_ROLE=arn:aws:iam::$ACCOUNT:role/app-exec

# The launcher may pass app-* roles to ECS tasks, and nothing else.
aws iam create-user --user-name launcher >/dev/null
aws iam put-user-policy --user-name launcher --policy-name pass-task-roles --policy-document \
  '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::'$ACCOUNT':role/app-*","Condition":{"StringEquals":{"iam:PassedToService":"ecs-tasks.amazonaws.com"}}}]}'
read -r L_KEY L_SECRET < <(aws iam create-access-key --user-name launcher --query 'AccessKey.[AccessKeyId,SecretAccessKey]' --output text)
aws iam create-user --user-name nopass >/dev/null
read -r N_KEY N_SECRET < <(aws iam create-access-key --user-name nopass --query 'AccessKey.[AccessKeyId,SecretAccessKey]' --output text)
as_launcher() { AWS_ACCESS_KEY_ID=$L_KEY AWS_SECRET_ACCESS_KEY=$L_SECRET "$@"; }
as_nopass() { AWS_ACCESS_KEY_ID=$N_KEY AWS_SECRET_ACCESS_KEY=$N_SECRET "$@"; }
task() { as_launcher "$IAMD_BIN" task run --task-role $TASK_ROLE --execution-role $EXEC_ROLE -- "$@"; }

# The aws CLI inside the task: the task role's session, named after the task id.
ARN=$(task aws sts get-caller-identity --query Arn --output text)
case "$ARN" in
  arn:aws:sts::$ACCOUNT:assumed-role/app-task/????????????????????????????????) echo "ok   aws CLI in a task is the task role ($ARN)";;
  *) echo "FAIL aws CLI in a task: $ARN"; exit 1;;
esac
expect_eq "the task may do what its role allows" "$(task aws iam list-roles --query 'length(Roles)' --output text)" "3"
expect_error "and nothing more" AccessDenied task aws iam create-role --role-name x --assume-role-policy-document "$ECS_TRUST"
expect_eq "the program gets none of the caller's keys" "$(task sh -c 'echo "${AWS_ACCESS_KEY_ID:-none} ${AWS_SECRET_ACCESS_KEY:-none}"')" "none none"
set +e; task sh -c 'exit 3'; CODE=$?; set -e
expect_eq "iamd task run exits with the program's code" "$CODE" "3"

# A stopped task's endpoint refuses its own token.
read -r URI TOKEN < <(task sh -c 'echo "$AWS_CONTAINER_CREDENTIALS_FULL_URI $AWS_CONTAINER_AUTHORIZATION_TOKEN"')
status() { python3 -c 'import sys,urllib.request,urllib.error
req = urllib.request.Request(sys.argv[1], headers={"Authorization": sys.argv[2]} if len(sys.argv) > 2 else {})
try: print(urllib.request.urlopen(req, timeout=5).status)
except urllib.error.HTTPError as e: print(e.code)' "$@"; }
expect_eq "a stopped task's endpoint" "$(status "$URI" "$TOKEN")" "400"
expect_eq "a running task's endpoint, with its token" "$(task sh -c 'python3 -c "import os,urllib.request; print(urllib.request.urlopen(urllib.request.Request(os.environ[\"AWS_CONTAINER_CREDENTIALS_FULL_URI\"], headers={\"Authorization\": os.environ[\"AWS_CONTAINER_AUTHORIZATION_TOKEN\"]})).status)"')" "200"
expect_eq "without a token" "$(task sh -c 'python3 -c "import os,urllib.request,urllib.error
try: urllib.request.urlopen(os.environ[\"AWS_CONTAINER_CREDENTIALS_FULL_URI\"])
except urllib.error.HTTPError as e: print(e.code)"')" "400"

# expect_fail LABEL TEXT COMMAND... : iamd itself must fail (status 1) and say TEXT.
expect_fail() {
  local label=$1 text=$2 out; shift 2
  if out=$("$@" 2>&1); then echo "FAIL $label: succeeded"; exit 1; fi
  case "$out" in *"$text"*) echo "ok   $label";; *) echo "FAIL $label: want '$text', got: $out"; exit 1;; esac
}
# Starting a task: PassRole for both roles, and roles that trust ECS tasks.
expect_fail "no iam:PassRole" "the task did not start: AccessDenied (HTTP 403): User: arn:aws:iam::$ACCOUNT:user/nopass is not authorized to perform: iam:PassRole on resource: $TASK_ROLE because no identity-based policy allows the iam:PassRole action" \
  as_nopass "$IAMD_BIN" task run --task-role $TASK_ROLE -- true
expect_fail "a role that does not trust ecs-tasks" "the task did not start: InvalidParameterException (HTTP 400): ECS was unable to assume the role 'arn:aws:iam::$ACCOUNT:role/app-ec2' that was provided for this task. Please verify that the role being passed has the proper trust relationship and permissions and that your IAM user has permissions to pass this role." \
  as_launcher "$IAMD_BIN" task run --task-role arn:aws:iam::$ACCOUNT:role/app-ec2 -- true

# A task whose `iamd task run` was killed with SIGKILL keeps running: `iamd task list` finds
# it and `iamd task stop` stops it.
ORPHAN="$E2E_TMP/orphan"
# (A simple command in the background: $! is the iamd CLI itself, not a subshell.)
AWS_ACCESS_KEY_ID=$L_KEY AWS_SECRET_ACCESS_KEY=$L_SECRET "$IAMD_BIN" task run --task-role $TASK_ROLE -- \
  sh -c 'echo "$$ $AWS_CONTAINER_CREDENTIALS_FULL_URI $AWS_CONTAINER_AUTHORIZATION_TOKEN" >"$0.tmp" && mv "$0.tmp" "$0"; exec sleep 30' "$ORPHAN" &
RUNNER=$!
for _ in $(seq 1 100); do [ -s "$ORPHAN" ] && break; sleep 0.1; done
read -r SLEEPER O_URI O_TOKEN <"$ORPHAN"
expect_eq "the runner is iamd task run" "$(ps -o args= -p "$RUNNER" | awk '{print $2, $3}')" "task run"
kill -9 "$RUNNER"; wait "$RUNNER" 2>/dev/null || true
if kill -0 "$RUNNER" 2>/dev/null; then echo "FAIL iamd task run survived SIGKILL"; exit 1; fi
O_ID=${O_URI##*/}
expect_eq "the killed runner's task still answers" "$(status "$O_URI" "$O_TOKEN")" "200"
LIST=$(as_launcher "$IAMD_BIN" task list)
expect_eq "iamd task list shows it" "$(echo "$LIST" | awk 'NR==2 {print $1, $2, $3}')" "$O_ID $TASK_ROLE arn:aws:iam::$ACCOUNT:user/launcher"
expect_eq "and only it" "$(echo "$LIST" | wc -l | tr -d ' ')" "2"
expect_eq "iamd task list --json" "$(as_nopass "$IAMD_BIN" task list --json | python3 -c 'import json,sys; print(" ".join(t["TaskId"] for t in json.load(sys.stdin)["Tasks"]))')" "$O_ID"
expect_fail "a principal without ecs:StopTask may not stop it" "iamd task stop: AccessDenied (HTTP 403)" as_nopass "$IAMD_BIN" task stop "$O_ID"
expect_eq "iamd task stop" "$(as_launcher "$IAMD_BIN" task stop "$O_ID")" "stopped task $O_ID"
expect_eq "the stopped task's endpoint" "$(status "$O_URI" "$O_TOKEN")" "400"
expect_eq "no task left" "$(as_launcher "$IAMD_BIN" task list)" "TASK ID  TASK ROLE  STARTED BY  STARTED AT"
kill "$SLEEPER" 2>/dev/null || true

# The caller's own config and credentials files (a credential_process that would make the
# program root, static keys, a profile) do not reach the program, nor does ~/.aws.
TRAP="$E2E_TMP/trap"; mkdir -p "$TRAP/home/.aws"
cat >"$TRAP/creds.sh" <<EOF
#!/bin/sh
echo ran >>"$TRAP/ran"
echo '{"Version":1,"AccessKeyId":"$AWS_ACCESS_KEY_ID","SecretAccessKey":"$AWS_SECRET_ACCESS_KEY"}'
EOF
chmod +x "$TRAP/creds.sh"
printf '[default]\ncredential_process = %s\n[profile evil]\ncredential_process = %s\n' "$TRAP/creds.sh" "$TRAP/creds.sh" | tee "$TRAP/config" >"$TRAP/home/.aws/config"
printf '[default]\naws_access_key_id = %s\naws_secret_access_key = %s\n' "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" | tee "$TRAP/credentials" >"$TRAP/home/.aws/credentials"
expect_eq "the trap: outside iamd, the aws CLI runs the credential_process" \
  "$(env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY AWS_CONFIG_FILE="$TRAP/config" aws sts get-caller-identity --query Arn --output text)" "arn:aws:iam::$ACCOUNT:root"
rm -f "$TRAP/ran"
trapped() { HOME="$TRAP/home" AWS_CONFIG_FILE="$TRAP/config" AWS_SHARED_CREDENTIALS_FILE="$TRAP/credentials" AWS_PROFILE=evil "$@"; }
case "$(trapped task aws sts get-caller-identity --query Arn --output text)" in
  arn:aws:sts::$ACCOUNT:assumed-role/app-task/*) echo "ok   the caller's config files do not reach a task";;
  *) echo "FAIL the caller's config files reach a task"; exit 1;;
esac

# iamd task stop stops a running `iamd task run`'s command as ECS stops a container:
# SIGTERM, then SIGKILL after --stop-timeout; the run exits 143 (or 137) and says who.
STOPPED="$E2E_TMP/stopped"
as_launcher "$IAMD_BIN" task run --task-role $TASK_ROLE --stop-timeout 5s -- \
  sh -c 'echo "${AWS_CONTAINER_CREDENTIALS_FULL_URI##*/}" >"$0.tmp" && mv "$0.tmp" "$0"; trap "exit 0" TERM; while :; do sleep 0.1; done' "$STOPPED" 2>"$STOPPED.err" &
RUNNER=$!
for _ in $(seq 1 100); do [ -s "$STOPPED" ] && break; sleep 0.1; done
S_ID=$(cat "$STOPPED")
"$IAMD_BIN" task stop --reason "e2e says stop" "$S_ID" >/dev/null
set +e; wait "$RUNNER"; CODE=$?; set -e
expect_eq "a stopped task's run exits 143" "$CODE" "143"
expect_eq "and says who stopped it" "$(head -1 "$STOPPED.err")" "iamd task run: task $S_ID was stopped by arn:aws:iam::$ACCOUNT:root (e2e says stop); stopping the command: SIGTERM, then SIGKILL after 5s"

# boto3 inside a task finds the container credentials itself.
task python3 "$HERE/tasks_boto3.py" task "arn:aws:sts::$ACCOUNT:assumed-role/app-task/"

# iamd exec --role: a role session in the environment, like aws-vault exec.
aws iam create-role --role-name deployer --assume-role-policy-document \
  '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::'$ACCOUNT':root"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"ws-7f3e"}}}]}' >/dev/null
aws iam put-role-policy --role-name deployer --policy-name list-roles \
  --policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListRoles","Resource":"*"}]}'
DEPLOYER=arn:aws:iam::$ACCOUNT:role/deployer
expect_eq "aws CLI under iamd exec --role" \
  "$("$IAMD_BIN" exec --role $DEPLOYER --external-id ws-7f3e --session-name ci -- aws sts get-caller-identity --query Arn --output text)" \
  "arn:aws:sts::$ACCOUNT:assumed-role/deployer/ci"
expect_error "the session is the role's, not root's" AccessDenied "$IAMD_BIN" exec --role $DEPLOYER --external-id ws-7f3e -- aws iam create-user --user-name x
expect_fail "without the ExternalId" "iamd exec: AssumeRole: AccessDenied (HTTP 403): User: arn:aws:iam::$ACCOUNT:root is not authorized to perform: sts:AssumeRole on resource: $DEPLOYER" \
  "$IAMD_BIN" exec --role $DEPLOYER -- true
"$IAMD_BIN" exec --role $DEPLOYER --external-id ws-7f3e --session-name ci-boto3 -- python3 "$HERE/tasks_boto3.py" exec "arn:aws:sts::$ACCOUNT:assumed-role/deployer/ci-boto3"
expect_eq "the caller's config files do not reach exec --role" \
  "$(trapped "$IAMD_BIN" exec --role $DEPLOYER --external-id ws-7f3e --session-name trapped -- aws sts get-caller-identity --query Arn --output text)" \
  "arn:aws:sts::$ACCOUNT:assumed-role/deployer/trapped"
if [ -e "$TRAP/ran" ]; then echo "FAIL the caller's credential_process ran"; exit 1; fi
echo "ok   the caller's credential_process never ran"
if grep -qF "$TOKEN" "$E2E_TMP/audit.log" "$E2E_TMP/iamd.log"; then echo "FAIL a task's token is in the logs"; exit 1; fi
expect_eq "task credential fetches are audited" "$(grep -c '"action":"iamd:GetTaskCredentials"' "$E2E_TMP/audit.log" | awk '{print ($1 > 5) ? "yes" : "no"}')" "yes"
echo "tasks: all checks passed"
