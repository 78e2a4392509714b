#!/usr/bin/env bash
# The console in a real browser: Debian's chromium driven by playwright-core against a real
# iamd set up as seed 002 (a role in a management account that can assume roles in two
# others, one only with an ExternalId). It signs in with an access key, checks that nothing
# of the key is kept in the page, opens each view, and finds the cross-account can-assume
# edge in the access graph; the screenshot is kept at $CONSOLE_SCREENSHOT (printed).
# Also checks that the committed assets are a build of web/console, and runs the page's SigV4 signer against AWS's published example (node's test runner).
IAMD_ARGS="--account-id 999999999999"
source "$(dirname "$0")/lib.sh"
SEEDS="$E2E_ROOT/examples/seeds"
WEB="$E2E_ROOT/web/console"
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "SKIP console.sh: node and npm are needed for the browser test (apt-get install nodejs npm)"; exit 0
fi
if [ ! -x "$CHROMIUM" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing Debian's chromium for the browser test"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >"$E2E_TMP/apt.log" 2>&1 || tail -5 "$E2E_TMP/apt.log"
fi
if [ ! -x "$CHROMIUM" ]; then
  echo "SKIP console.sh: $CHROMIUM is missing and could not be installed (apt-get install chromium)"; exit 0
fi
# The committed assets are what the build makes from web/console (its npm ci also installs
# playwright-core, pinned by the lockfile).
bash "$E2E_ROOT/scripts/build-console.sh" --check

echo "-- the page's SigV4 signer"
node --test "$WEB/test/sigv4.test.mjs"

start_iamd
account() { "$IAMD_BIN" account create --id "$1" --name "$2" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["AccessKeyId"], d["SecretAccessKey"])'; }
read -r A_KEY A_SECRET < <(account 111111111111 production)
read -r B_KEY B_SECRET < <(account 222222222222 development)
as_a() { AWS_ACCESS_KEY_ID=$A_KEY AWS_SECRET_ACCESS_KEY=$A_SECRET "$@"; }
as_b() { AWS_ACCESS_KEY_ID=$B_KEY AWS_SECRET_ACCESS_KEY=$B_SECRET "$@"; }
# Seed 002's setup, as scripts/e2e/seed002.sh makes it.
aws iam create-role --role-name SeqeraPlatform-EC2-InstanceRole --assume-role-policy-document \
  '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999999999999:root"},"Action":"sts:AssumeRole"}]}' >/dev/null
aws iam put-role-policy --role-name SeqeraPlatform-EC2-InstanceRole --policy-name assume-targets \
  --policy-document "file://$SEEDS/002-instance-role-policy.json"
as_a aws iam create-role --role-name SeqeraPlatformRole-AccountA \
  --assume-role-policy-document "file://$SEEDS/002-target-role-external-id-trust-policy.json" >/dev/null
as_b aws iam create-role --role-name SeqeraPlatformRole-AccountB \
  --assume-role-policy-document "file://$SEEDS/002-target-role-trust-policy.json" >/dev/null
# A secret in account A that account A's role may read: what reaches it is a chain across
# accounts (999's root, the instance role with the ExternalId, role A).
SECRET_ARN=$(as_a aws secretsmanager create-secret --name tower/DB_PASSWORD --secret-string 'console-e2e-secret-value' --query ARN --output text)
as_a aws iam put-role-policy --role-name SeqeraPlatformRole-AccountA --policy-name read-db \
  --policy-document "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"ReadDB\",\"Effect\":\"Allow\",\"Action\":\"secretsmanager:GetSecretValue\",\"Resource\":\"$SECRET_ARN\"}]}"
# A customer managed policy with lint findings (iam:PassRole on every role), for the policies view.
aws iam create-policy --policy-name console-pass-any-role --policy-document \
  '{"Version":"2012-10-17","Statement":[{"Sid":"PassAny","Effect":"Allow","Action":"iam:PassRole","Resource":"*"}]}' >/dev/null
# A user who may rewrite its own policy: an escalation, for the graph's highlighting.
aws iam create-user --user-name ci-deployer >/dev/null
aws iam put-user-policy --user-name ci-deployer --policy-name self-service --policy-document \
  '{"Version":"2012-10-17","Statement":[{"Sid":"OwnPolicy","Effect":"Allow","Action":"iam:PutUserPolicy","Resource":"arn:aws:iam::999999999999:user/ci-deployer"}]}'
# The instance role's session: one call its policy allows, one the target's trust refuses
# (no ExternalId), for the audit view's decisions and the statements that decided them.
read -r I_KEY I_SECRET I_TOKEN < <(aws sts assume-role --role-arn arn:aws:iam::999999999999:role/SeqeraPlatform-EC2-InstanceRole \
  --role-session-name i-0abc123 --query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]' --output text)
as_instance() { AWS_ACCESS_KEY_ID=$I_KEY AWS_SECRET_ACCESS_KEY=$I_SECRET AWS_SESSION_TOKEN=$I_TOKEN "$@"; }
as_instance aws sts assume-role --role-arn arn:aws:iam::222222222222:role/SeqeraPlatformRole-AccountB --role-session-name tower >/dev/null
expect_error "account A's role without the ExternalId" AccessDenied as_instance aws sts assume-role \
  --role-arn arn:aws:iam::111111111111:role/SeqeraPlatformRole-AccountA --role-session-name tower

echo "-- the console in chromium"
export CONSOLE_SCREENSHOT=${CONSOLE_SCREENSHOT:-${TMPDIR:-/tmp}/iamd-console.png}
# A second session of the instance role, for signing in with temporary credentials.
read -r S_KEY S_SECRET S_TOKEN < <(aws sts assume-role --role-arn arn:aws:iam::999999999999:role/SeqeraPlatform-EC2-InstanceRole \
  --role-session-name console --query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]' --output text)
CONSOLE_SESSION_KEY_ID=$S_KEY CONSOLE_SESSION_SECRET=$S_SECRET CONSOLE_SESSION_TOKEN=$S_TOKEN \
CONSOLE_SECRET_ARN=$SECRET_ARN CONSOLE_URL="$AWS_ENDPOINT_URL/console" CONSOLE_KEY_ID=$AWS_ACCESS_KEY_ID CONSOLE_SECRET=$AWS_SECRET_ACCESS_KEY \
  CHROMIUM=$CHROMIUM node "$WEB/test/console_test.mjs"
echo "console: all checks passed (screenshot: $CONSOLE_SCREENSHOT)"
