#!/usr/bin/env bash
# SAML 2.0 federation with the stock aws CLI against a real iamd: a test identity provider
# (internal/saml/samltest/cmd/testidp) makes its metadata and signed (and encrypted) responses;
# aws iam create-saml-provider registers it, a role trusts it, aws sts assume-role-with-saml
# trades a response for a session, and the session calls IAM as the role.
source "$(dirname "$0")/lib.sh"
start_iamd
TESTIDP="$E2E_TMP/testidp"
(cd "$E2E_ROOT" && go build -o "$TESTIDP" ./internal/saml/samltest/cmd/testidp)
KEY="$E2E_TMP/idp.pem"
ACCOUNT=123456789012

"$TESTIDP" init -key "$KEY" -entity-id https://idp.example.com/saml
"$TESTIDP" metadata -key "$KEY" > "$E2E_TMP/metadata.xml"
PROVIDER=$(aws iam create-saml-provider --name CorpIdP --saml-metadata-document "file://$E2E_TMP/metadata.xml" \
  --tags Key=team,Value=identity --query SAMLProviderArn --output text)
expect_eq "create-saml-provider ARN" "$PROVIDER" "arn:aws:iam::$ACCOUNT:saml-provider/CorpIdP"
expect_eq "get-saml-provider returns the document" \
  "$(aws iam get-saml-provider --saml-provider-arn "$PROVIDER" --query SAMLMetadataDocument --output text | tr -d '\n')" \
  "$(tr -d '\n' < "$E2E_TMP/metadata.xml")"
expect_eq "list-saml-providers" "$(aws iam list-saml-providers --query 'SAMLProviderList[].Arn' --output text)" "$PROVIDER"
expect_error "metadata that does not parse" InvalidInput \
  aws iam create-saml-provider --name Bad --saml-metadata-document "<x>$(printf 'a%.0s' $(seq 1 1100))</x>"

cat > "$E2E_TMP/trust.json" <<JSON
{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"$PROVIDER"},
 "Action":"sts:AssumeRoleWithSAML","Condition":{"StringEquals":{"SAML:aud":"https://signin.aws.amazon.com/saml","saml:sub":"alice"}}}]}
JSON
ROLE=$(aws iam create-role --role-name saml-readers --assume-role-policy-document "file://$E2E_TMP/trust.json" --query Role.Arn --output text)
aws iam put-role-policy --role-name saml-readers --policy-name read \
  --policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListRoles","Resource":"*"}]}'

# A response for alice: assume-role-with-saml is unsigned, the response is the credential.
"$TESTIDP" assert -key "$KEY" -role "$ROLE" -provider "$PROVIDER" -subject alice -session alice@example.com > "$E2E_TMP/alice.b64"
aws sts assume-role-with-saml --role-arn "$ROLE" --principal-arn "$PROVIDER" \
  --saml-assertion "file://$E2E_TMP/alice.b64" --no-sign-request > "$E2E_TMP/creds.json"
field() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); [d := d[k] for k in sys.argv[2:]]; print(d)' "$E2E_TMP/creds.json" "$@"; }
expect_eq "assumed role" "$(field AssumedRoleUser Arn)" "arn:aws:sts::$ACCOUNT:assumed-role/saml-readers/alice@example.com"
expect_eq "subject and type" "$(field Subject) $(field SubjectType)" "alice persistent"
expect_eq "issuer" "$(field Issuer)" "https://idp.example.com/saml"
expect_eq "name qualifier" "$(field NameQualifier)" \
  "$(python3 -c 'import base64,hashlib; print(base64.b64encode(hashlib.sha1(b"https://idp.example.com/saml123456789012/CorpIdP").digest()).decode())')"

# The session calls IAM as the role.
SESSION_ID=$(field Credentials AccessKeyId) SESSION_SECRET=$(field Credentials SecretAccessKey) SESSION_TOKEN=$(field Credentials SessionToken)
as_session() { AWS_ACCESS_KEY_ID=$SESSION_ID AWS_SECRET_ACCESS_KEY=$SESSION_SECRET AWS_SESSION_TOKEN=$SESSION_TOKEN "$@"; }
expect_eq "the session is the assumed role" "$(as_session aws sts get-caller-identity --query Arn --output text)" \
  "arn:aws:sts::$ACCOUNT:assumed-role/saml-readers/alice@example.com"
expect_eq "the session lists roles" "$(as_session aws iam list-roles --query 'Roles[].RoleName' --output text)" "saml-readers"
expect_error "the session may not list users" AccessDenied as_session aws iam list-users

# Encrypted assertions: the provider gets a private key and requires encryption; a plain
# response is then refused, one encrypted to the key's certificate accepted.
"$TESTIDP" sp-key -key-out "$E2E_TMP/sp.key" -cert-out "$E2E_TMP/sp.crt"
aws iam update-saml-provider --saml-provider-arn "$PROVIDER" --add-private-key "file://$E2E_TMP/sp.key" \
  --assertion-encryption-mode Required >/dev/null
expect_eq "the provider holds one private key" \
  "$(aws iam get-saml-provider --saml-provider-arn "$PROVIDER" --query 'length(PrivateKeyList)' --output text) $(aws iam get-saml-provider --saml-provider-arn "$PROVIDER" --query AssertionEncryptionMode --output text)" \
  "1 Required"
"$TESTIDP" assert -key "$KEY" -role "$ROLE" -provider "$PROVIDER" -subject alice > "$E2E_TMP/plain.b64"
expect_error "a plain response once encryption is required" InvalidIdentityToken \
  aws sts assume-role-with-saml --role-arn "$ROLE" --principal-arn "$PROVIDER" --saml-assertion "file://$E2E_TMP/plain.b64" --no-sign-request
"$TESTIDP" assert -key "$KEY" -role "$ROLE" -provider "$PROVIDER" -subject alice -session enc -encrypt-to "$E2E_TMP/sp.crt" > "$E2E_TMP/enc.b64"
expect_eq "an encrypted response" "$(aws sts assume-role-with-saml --role-arn "$ROLE" --principal-arn "$PROVIDER" \
  --saml-assertion "file://$E2E_TMP/enc.b64" --no-sign-request --query AssumedRoleUser.Arn --output text)" \
  "arn:aws:sts::$ACCOUNT:assumed-role/saml-readers/enc"
aws iam update-saml-provider --saml-provider-arn "$PROVIDER" --assertion-encryption-mode Allowed >/dev/null

# Refusals: bob is not allowed by the trust policy; a response tampered with after signing;
# and any response once the provider is deleted.
"$TESTIDP" assert -key "$KEY" -role "$ROLE" -provider "$PROVIDER" -subject bob > "$E2E_TMP/bob.b64"
expect_error "bob is refused by the trust policy" AccessDenied \
  aws sts assume-role-with-saml --role-arn "$ROLE" --principal-arn "$PROVIDER" --saml-assertion "file://$E2E_TMP/bob.b64" --no-sign-request
python3 -c '
import base64, sys
raw = base64.b64decode(open(sys.argv[1]).read()).replace(b">bob<", b">alice<")
open(sys.argv[2], "w").write(base64.b64encode(raw).decode())' "$E2E_TMP/bob.b64" "$E2E_TMP/forged.b64"
expect_error "a response changed after signing" InvalidIdentityToken \
  aws sts assume-role-with-saml --role-arn "$ROLE" --principal-arn "$PROVIDER" --saml-assertion "file://$E2E_TMP/forged.b64" --no-sign-request
aws iam delete-saml-provider --saml-provider-arn "$PROVIDER"
expect_error "after delete-saml-provider" InvalidIdentityToken \
  aws sts assume-role-with-saml --role-arn "$ROLE" --principal-arn "$PROVIDER" --saml-assertion "file://$E2E_TMP/alice.b64" --no-sign-request
echo "PASS saml.sh"
