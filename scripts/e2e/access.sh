#!/usr/bin/env bash
# The access graph with `iamd access` against a running iamd: seed 002's three accounts (the
# instance role reaching account B plainly and account A only with its ExternalId), seed 000's
# Tower-Role (iam:PassRole on "*") found as an escalation to an administrator role, seed
# 003's director launching with the deployed-vm profile only, who-can through two assumes,
# `can` with its exit code, and the graph as JSON and DOT.
IAMD_ARGS="--account-id 999999999999"
source "$(dirname "$0")/lib.sh"
SEEDS="$E2E_ROOT/examples/seeds"
start_iamd

account() { "$IAMD_BIN" account create --id "$1" --name "$2" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["AccessKeyId"], d["SecretAccessKey"])'; }
read -r A_KEY A_SECRET < <(account 111111111111 production)
read -r B_KEY B_SECRET < <(account 222222222222 development)
as_a() { AWS_ACCESS_KEY_ID=$A_KEY AWS_SECRET_ACCESS_KEY=$A_SECRET "$@"; }
as_b() { AWS_ACCESS_KEY_ID=$B_KEY AWS_SECRET_ACCESS_KEY=$B_SECRET "$@"; }

# Seed 002.
ROOT_TRUST='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999999999999:root"},"Action":"sts:AssumeRole"}]}'
aws iam create-role --role-name SeqeraPlatform-EC2-InstanceRole --assume-role-policy-document "$ROOT_TRUST" >/dev/null
aws iam put-role-policy --role-name SeqeraPlatform-EC2-InstanceRole --policy-name assume-targets \
  --policy-document "file://$SEEDS/002-instance-role-policy.json"
as_a aws iam create-role --role-name SeqeraPlatformRole-AccountA \
  --assume-role-policy-document "file://$SEEDS/002-target-role-external-id-trust-policy.json" >/dev/null
as_b aws iam create-role --role-name SeqeraPlatformRole-AccountB \
  --assume-role-policy-document "file://$SEEDS/002-target-role-trust-policy.json" >/dev/null
as_b aws iam put-role-policy --role-name SeqeraPlatformRole-AccountB --policy-name read-roles \
  --policy-document '{"Version":"2012-10-17","Statement":[{"Sid":"Read","Effect":"Allow","Action":["iam:ListRoles","iam:GetRole"],"Resource":"*"}]}'
aws iam create-user --user-name operator >/dev/null
aws iam put-user-policy --user-name operator --policy-name to-instance-role --policy-document \
  '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::999999999999:role/SeqeraPlatform-EC2-InstanceRole"}]}'

INSTANCE=arn:aws:iam::999999999999:role/SeqeraPlatform-EC2-InstanceRole
A_ROLE=arn:aws:iam::111111111111:role/SeqeraPlatformRole-AccountA
B_ROLE=arn:aws:iam::222222222222:role/SeqeraPlatformRole-AccountB
"$IAMD_BIN" access graph --format json >"$E2E_TMP/graph.json"
edge() { python3 -c '
import json,sys
g=json.load(open(sys.argv[1]))
for e in g["edges"]:
    if e["from"]==sys.argv[2] and e["to"]==sys.argv[3] and e["kind"]==sys.argv[4]:
        print(";".join(c.get("key","")+"="+",".join(c.get("values",[])) for c in e["conditions"]) or "unconditional"); break
else: print("absent")' "$E2E_TMP/graph.json" "$@"; }
expect_eq "instance role -> account B" "$(edge $INSTANCE $B_ROLE can-assume)" "unconditional"
expect_eq "instance role -> account A needs the ExternalId" "$(edge $INSTANCE $A_ROLE can-assume)" "sts:ExternalId=workspace-a-7f3c9d"
expect_eq "account B's root cannot assume account A's role" "$(edge arn:aws:iam::222222222222:root $A_ROLE can-assume)" "absent"

# who-can through two assumes, and can with its exit code.
WHO=$("$IAMD_BIN" access who-can iam:GetRole $B_ROLE)
case "$WHO" in *"arn:aws:iam::999999999999:user/operator as $B_ROLE"*) echo "ok   who-can: the operator through two assumes";; *) echo "FAIL who-can: $WHO"; exit 1;; esac
CAN=$("$IAMD_BIN" access can arn:aws:iam::999999999999:user/operator iam:GetRole $B_ROLE)
case "$CAN" in "yes: "*"-[can-assume sts:AssumeRole]-> $INSTANCE"*"-[can-assume sts:AssumeRole]-> $B_ROLE"*"read-roles/Read"*) echo "ok   can: yes, with the path";;
  *) echo "FAIL can: $CAN"; exit 1;; esac
if "$IAMD_BIN" access can arn:aws:iam::999999999999:user/operator iam:CreateRole arn:aws:iam::222222222222:role/x >/dev/null; then
  echo "FAIL can: the operator may not create roles in account B"; exit 1
fi
echo "ok   can: no, exit 1"

# Seed 000: Tower-Role's iam:PassRole on "*" reaches an administrator role.
aws iam create-user --user-name tower-admin >/dev/null
TOWER_TRUST=$(sed 's/123456789012/999999999999/' "$SEEDS/000-tower-role-trust-policy.json")
aws iam create-role --role-name Tower-Role --assume-role-policy-document "$TOWER_TRUST" >/dev/null
aws iam put-role-policy --role-name Tower-Role --policy-name Tower-Role-Policy --policy-document "file://$SEEDS/000-tower-role-policy.json"
aws iam create-role --role-name Admin --assume-role-policy-document \
  '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}' >/dev/null
aws iam attach-role-policy --role-name Admin --policy-arn arn:aws:iam::aws:policy/AdministratorAccess
ESC=$("$IAMD_BIN" access escalations --json)
has_escalation() { python3 -c '
import json,sys
d=json.loads(sys.argv[1])
print(any(e["principal"]==sys.argv[2] and e["kind"]==sys.argv[3] and e["target"]==sys.argv[4] for e in d["escalations"]))' "$ESC" "$@"; }
expect_eq "Tower-Role reaches Admin (iam:PassRole on *)" \
  "$(has_escalation arn:aws:iam::999999999999:role/Tower-Role reaches-administrator arn:aws:iam::999999999999:role/Admin)" "True"
expect_eq "Tower-Role changes its own policies" \
  "$(has_escalation arn:aws:iam::999999999999:role/Tower-Role can-change-itself arn:aws:iam::999999999999:role/Tower-Role)" "True"
expect_eq "tower-admin reaches Admin through Tower-Role" \
  "$(has_escalation arn:aws:iam::999999999999:user/tower-admin reaches-administrator arn:aws:iam::999999999999:role/Admin)" "True"
case "$("$IAMD_BIN" access escalations)" in *"Tower-Role reaches-administrator arn:aws:iam::999999999999:role/Admin"*"can-pass-to-service iam:PassRole to ec2.amazonaws.com"*) echo "ok   escalations in words";;
  *) echo "FAIL escalations in words"; exit 1;; esac

# Seed 003: the director launches with deployed-vm, not with the other profiles.
EC2_TRUST='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}'
for role in deployed-vm director; do
  aws iam create-role --role-name $role --assume-role-policy-document "$EC2_TRUST" >/dev/null
  aws iam create-instance-profile --instance-profile-name $role >/dev/null
  aws iam add-role-to-instance-profile --instance-profile-name $role --role-name $role
done
aws iam put-role-policy --role-name director --policy-name cpi --policy-document \
  '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ec2:RunInstances","ec2:DescribeInstances"],"Resource":"*"}]}'
aws iam put-role-policy --role-name director --policy-name director \
  --policy-document "$(sed 's/123456789012/999999999999/' "$SEEDS/003-bosh-director-policy.json")"
"$IAMD_BIN" access graph --format json >"$E2E_TMP/graph.json"
DIRECTOR=arn:aws:iam::999999999999:role/director
expect_eq "director launches with deployed-vm" "$(edge $DIRECTOR arn:aws:iam::999999999999:instance-profile/deployed-vm can-launch-with-profile)" "unconditional"
expect_eq "director cannot launch with its own profile" "$(edge $DIRECTOR arn:aws:iam::999999999999:instance-profile/director can-launch-with-profile)" "absent"

DOT=$("$IAMD_BIN" access graph --format dot)
case "$DOT" in "digraph access {"*"\"$DIRECTOR\" -> \"arn:aws:iam::999999999999:instance-profile/deployed-vm\""*) echo "ok   graph as DOT";; *) echo "FAIL DOT: $DOT"; exit 1;; esac

# Account A's root sees its own account: the instance role as an external principal.
as_a "$IAMD_BIN" access graph >"$E2E_TMP/graph-a.json"
expect_eq "account A's view has no user of the management account" \
  "$(python3 -c 'import json,sys; print(sum(n["kind"]=="user" for n in json.load(open(sys.argv[1]))["nodes"]))' "$E2E_TMP/graph-a.json")" "0"
expect_eq "account A's view: the instance role is external" \
  "$(python3 -c 'import json,sys; print([n["kind"] for n in json.load(open(sys.argv[1]))["nodes"] if n["id"]==sys.argv[2]])' "$E2E_TMP/graph-a.json" $INSTANCE)" "['external']"
# A user without iamd:GetAccessGraph is refused, and the audit log has both decisions.
aws iam create-user --user-name nosy >/dev/null
read -r N_KEY N_SECRET < <(aws iam create-access-key --user-name nosy --query 'AccessKey.[AccessKeyId,SecretAccessKey]' --output text)
if out=$(AWS_ACCESS_KEY_ID=$N_KEY AWS_SECRET_ACCESS_KEY=$N_SECRET "$IAMD_BIN" access graph 2>&1); then echo "FAIL nosy got the graph"; exit 1; fi
case "$out" in *AccessDenied*"iamd:GetAccessGraph"*) echo "ok   refused without iamd:GetAccessGraph";; *) echo "FAIL nosy: $out"; exit 1;; esac
audit_has iamd:GetAccessGraph '*' allowed
audit_has iamd:GetAccessGraph '*' denied
echo "access: all checks passed"
