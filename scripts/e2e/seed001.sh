#!/usr/bin/env bash
# Seed 001 (Seqera Tower pipeline secrets in Secrets Manager) with the stock aws CLI and boto3
# against a real iamd: Tower's role creates, lists and deletes secrets; the Batch execution
# role reads secrets through the seed's ARN pattern (arn:aws:secretsmanager:us-east-1:*:secret:*)
# and nothing outside it; the head job lists; deletion with and without recovery, and restore.
source "$(dirname "$0")/lib.sh"
SEEDS="$E2E_ROOT/examples/seeds"
start_iamd

# Most checks use sessions the account's root gets with AssumeRole: the seed's trust statement
# is kept and one for root added. The ECS path at the end goes through the seed's own trust.
trust_with_root() {
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d["Statement"].append({"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}); print(json.dumps(d))' "$1"
}
role() { # NAME TRUST_FILE POLICY_FILE
  aws iam create-role --role-name "$1" --assume-role-policy-document "$(trust_with_root "$2")" >/dev/null
  aws iam put-role-policy --role-name "$1" --policy-name secrets --policy-document "file://$3"
}
# The seed 000 trust policy names the user tower-admin: IAM accepts it only once that user exists.
aws iam create-user --user-name tower-admin >/dev/null
role TowerRole "$SEEDS/000-tower-role-trust-policy.json" "$SEEDS/001-tower-secrets-policy.json"
role my-batch-cluster-ExecutionRole "$SEEDS/001-ecs-execution-trust-policy.json" "$SEEDS/001-ecs-execution-secrets-policy.json"
role HeadJobRole "$SEEDS/001-head-job-custom-role-trust-policy.json" "$SEEDS/001-head-job-custom-role-policy.json"

session() { aws sts assume-role --role-arn "arn:aws:iam::123456789012:role/$1" --role-session-name "$2" \
  --query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]' --output text; }
read -r T_KEY T_SECRET T_TOKEN < <(session TowerRole tower)
read -r E_KEY E_SECRET E_TOKEN < <(session my-batch-cluster-ExecutionRole ecs-agent)
read -r H_KEY H_SECRET H_TOKEN < <(session HeadJobRole head-job)
as_tower() { AWS_ACCESS_KEY_ID=$T_KEY AWS_SECRET_ACCESS_KEY=$T_SECRET AWS_SESSION_TOKEN=$T_TOKEN "$@"; }
as_exec() { AWS_ACCESS_KEY_ID=$E_KEY AWS_SECRET_ACCESS_KEY=$E_SECRET AWS_SESSION_TOKEN=$E_TOKEN "$@"; }
as_head() { AWS_ACCESS_KEY_ID=$H_KEY AWS_SECRET_ACCESS_KEY=$H_SECRET AWS_SESSION_TOKEN=$H_TOKEN "$@"; }

# Tower stores the pipeline's secrets.
ARN=$(as_tower aws secretsmanager create-secret --name tower-wsp1/DB_PASSWORD --secret-string 'pg-pa55-e2e' --query ARN --output text)
case "$ARN" in
  arn:aws:secretsmanager:us-east-1:123456789012:secret:tower-wsp1/DB_PASSWORD-??????) echo "ok   secret ARN $ARN";;
  *) echo "FAIL secret ARN $ARN"; exit 1;;
esac
as_tower aws secretsmanager create-secret --name tower-wsp1/API_TOKEN --secret-string 'tok-e2e' >/dev/null
expect_eq "tower lists its secrets" "$(as_tower aws secretsmanager list-secrets --query 'length(SecretList)' --output text)" "2"
expect_error "tower cannot read a secret" AccessDeniedException as_tower aws secretsmanager get-secret-value --secret-id tower-wsp1/DB_PASSWORD

# The ECS agent reads them with the execution role, by name, full ARN and partial ARN.
expect_eq "execution role reads by name" "$(as_exec aws secretsmanager get-secret-value --secret-id tower-wsp1/DB_PASSWORD --query SecretString --output text)" "pg-pa55-e2e"
expect_eq "execution role reads by ARN" "$(as_exec aws secretsmanager get-secret-value --secret-id "$ARN" --query SecretString --output text)" "pg-pa55-e2e"
expect_eq "execution role reads by partial ARN" "$(as_exec aws secretsmanager get-secret-value --secret-id "${ARN%-??????}" --query SecretString --output text)" "pg-pa55-e2e"
expect_error "execution role cannot list" AccessDeniedException as_exec aws secretsmanager list-secrets
# A secret outside the pattern: another region's.
aws --region eu-west-1 secretsmanager create-secret --name tower-wsp1/DB_PASSWORD --secret-string 'eu-value' >/dev/null
expect_error "a secret outside the ARN pattern" AccessDeniedException as_exec aws --region eu-west-1 secretsmanager get-secret-value --secret-id tower-wsp1/DB_PASSWORD

# The head job lists secrets and may get and pass the execution role, nothing more.
expect_eq "head job lists" "$(as_head aws secretsmanager list-secrets --query 'length(SecretList)' --output text)" "2"
expect_eq "head job gets the execution role" "$(as_head aws iam get-role --role-name my-batch-cluster-ExecutionRole --query Role.RoleName --output text)" "my-batch-cluster-ExecutionRole"
expect_error "head job cannot read a secret" AccessDeniedException as_head aws secretsmanager get-secret-value --secret-id tower-wsp1/API_TOKEN

# Deletion with a recovery window: reads refused, then restored (by the account's admin).
as_tower aws secretsmanager delete-secret --secret-id tower-wsp1/DB_PASSWORD --recovery-window-in-days 7 >/dev/null
expect_error "read of a secret scheduled for deletion" InvalidRequestException as_exec aws secretsmanager get-secret-value --secret-id tower-wsp1/DB_PASSWORD
expect_error "recovery window out of range" InvalidParameterException as_tower aws secretsmanager delete-secret --secret-id tower-wsp1/API_TOKEN --recovery-window-in-days 3
expect_eq "listed only with planned deletions" "$(as_tower aws secretsmanager list-secrets --query 'length(SecretList)' --output text)/$(as_tower aws secretsmanager list-secrets --include-planned-deletion --query 'length(SecretList)' --output text)" "1/2"
aws secretsmanager restore-secret --secret-id tower-wsp1/DB_PASSWORD >/dev/null
expect_eq "restored" "$(as_exec aws secretsmanager get-secret-value --secret-id tower-wsp1/DB_PASSWORD --query SecretString --output text)" "pg-pa55-e2e"
# Deletion without recovery: gone at once.
as_tower aws secretsmanager delete-secret --secret-id tower-wsp1/API_TOKEN --force-delete-without-recovery >/dev/null
expect_error "deleted without recovery" ResourceNotFoundException as_exec aws secretsmanager get-secret-value --secret-id tower-wsp1/API_TOKEN

python3 "$(dirname "$0")/seed001_boto3.py" "$E_KEY" "$E_SECRET" "$E_TOKEN"

# The ECS path itself: the head job runs as a task; its execution role fetches the secret
# into the program's environment first, as the ECS agent does, through the seed's own trust
# (ecs-tasks.amazonaws.com).
ROLE=arn:aws:iam::123456789012:role
GOT=$("$IAMD_BIN" task run --task-role $ROLE/HeadJobRole --execution-role $ROLE/my-batch-cluster-ExecutionRole \
  --secret DB_PASSWORD="$ARN" -- sh -c 'echo "$DB_PASSWORD:$(aws sts get-caller-identity --query Arn --output text)"')
case "$GOT" in
  "pg-pa55-e2e:arn:aws:sts::123456789012:assumed-role/HeadJobRole/"*) echo "ok   a task gets the secret from its execution role and runs as its task role";;
  *) echo "FAIL task run with a secret: $GOT"; exit 1;;
esac
EU_ARN=$(aws --region eu-west-1 secretsmanager describe-secret --secret-id tower-wsp1/DB_PASSWORD --query ARN --output text)
if OUT=$("$IAMD_BIN" task run --task-role $ROLE/HeadJobRole --execution-role $ROLE/my-batch-cluster-ExecutionRole \
  --secret DB_PASSWORD="$EU_ARN" -- sh -c 'echo started' 2>&1); then
  echo "FAIL a task started with a secret its execution role may not read: $OUT"; exit 1
fi
case "$OUT" in
  *started*) echo "FAIL the program ran: $OUT"; exit 1;;
  *AccessDeniedException*my-batch-cluster-ExecutionRole*) echo "ok   a secret outside the execution role's pattern stops the task (AccessDeniedException)";;
  *) echo "FAIL want an AccessDeniedException naming the execution role, got: $OUT"; exit 1;;
esac

# Nothing readable at rest.
stop_iamd
if grep -rqa -e 'pg-pa55-e2e' -e 'tok-e2e' -e 'boto3-canary' "$DATA" --exclude=master.key; then echo "FAIL a secret value is readable in $DATA"; exit 1; fi
echo "ok   no secret value in the data directory"
echo "seed001: all checks passed"
