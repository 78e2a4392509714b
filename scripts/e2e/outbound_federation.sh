#!/usr/bin/env bash
# Outbound web identity federation and the organization operations with the stock aws CLI and
# boto3 against a real iamd: the account enables the feature, a user gets a JWT, a relying
# party verifies it with the keys the issuer publishes; what needs an AWS Organization answers
# as for an account outside one.
source "$(dirname "$0")/lib.sh"
start_iamd

expect_error "info before enabling" FeatureDisabled aws iam get-outbound-web-identity-federation-info
ISSUER=$(aws iam enable-outbound-web-identity-federation --query IssuerIdentifier --output text)
expect_eq "issuer under iamd" "${ISSUER%/*}" "$AWS_ENDPOINT_URL/iamd/issuer"
expect_error "enabling twice" FeatureEnabled aws iam enable-outbound-web-identity-federation
expect_eq "vending enabled" "$(aws iam get-outbound-web-identity-federation-info --query JwtVendingEnabled --output text)" "True"

aws iam create-user --user-name builder >/dev/null
aws iam put-user-policy --user-name builder --policy-name jwt --policy-document \
  '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:GetWebIdentityToken","Resource":"*","Condition":{"StringEquals":{"sts:IdentityTokenAudience":"urn:example:ci"}}}]}'
read -r B_KEY B_SECRET < <(aws iam create-access-key --user-name builder --query 'AccessKey.[AccessKeyId,SecretAccessKey]' --output text)
as_builder() { AWS_ACCESS_KEY_ID=$B_KEY AWS_SECRET_ACCESS_KEY=$B_SECRET "$@"; }

for alg in RS256 ES384; do
  TOKEN=$(as_builder aws sts get-web-identity-token --audience urn:example:ci --signing-algorithm $alg \
    --duration-seconds 600 --tags Key=pipeline,Value=p-7 --query WebIdentityToken --output text)
  # The relying party: discovery, keys, signature, claims.
  python3 - "$TOKEN" "$ISSUER" "$alg" <<'PY'
import base64, json, sys, urllib.request
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils
token, issuer, alg = sys.argv[1:]
def b64(s): return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))
def get(url): return json.load(urllib.request.urlopen(url, timeout=5))
h, p, s = token.split(".")
header, claims, sig = json.loads(b64(h)), json.loads(b64(p)), b64(s)
disc = get(issuer + "/.well-known/openid-configuration")
assert disc["issuer"] == issuer, disc
key = next(k for k in get(disc["jwks_uri"])["keys"] if k["kid"] == header["kid"])
data = (h + "." + p).encode()
n = lambda v: int.from_bytes(b64(v), "big")
if alg == "RS256":
    rsa.RSAPublicNumbers(n(key["e"]), n(key["n"])).public_key().verify(sig, data, padding.PKCS1v15(), hashes.SHA256())
else:
    pub = ec.EllipticCurvePublicNumbers(n(key["x"]), n(key["y"]), ec.SECP384R1()).public_key()
    pub.verify(utils.encode_dss_signature(int.from_bytes(sig[:48], "big"), int.from_bytes(sig[48:], "big")), data, ec.ECDSA(hashes.SHA384()))
ns = claims["https://sts.amazonaws.com/"]
assert header["alg"] == alg and claims["iss"] == issuer and claims["aud"] == "urn:example:ci", claims
assert claims["sub"].endswith(":user/builder") and claims["exp"] - claims["iat"] == 600, claims
assert ns["request_tags"] == {"pipeline": "p-7"} and "org_id" not in ns, ns
print("ok   %s token verified with the issuer's keys" % alg)
PY
done
expect_error "another audience" AccessDenied as_builder aws sts get-web-identity-token --audience urn:example:other --signing-algorithm RS256
expect_error "unknown algorithm" ValidationError as_builder aws sts get-web-identity-token --audience urn:example:ci --signing-algorithm HS256

aws iam disable-outbound-web-identity-federation
expect_error "token while disabled" OutboundWebIdentityFederationDisabledException \
  as_builder aws sts get-web-identity-token --audience urn:example:ci --signing-algorithm RS256
expect_error "disabling twice" FeatureDisabled aws iam disable-outbound-web-identity-federation

# STS preferences, shown in the account summary.
aws iam set-security-token-service-preferences --global-endpoint-token-version v2Token
expect_eq "token version" "$(aws iam get-account-summary --query SummaryMap.GlobalEndpointTokenVersion --output text)" "2"

# What needs an organization, with boto3.
python3 - <<'PY'
import sys
sys.path.insert(0, "scripts/e2e")
import boto3
from checks import expect, expect_error
iam, sts = boto3.client("iam"), boto3.client("sts")
expect_error("organization features", "OrganizationNotFoundException", lambda: iam.list_organizations_features())
expect_error("root sessions", "OrganizationNotFoundException", lambda: iam.enable_organizations_root_sessions())
expect_error("access report", "AWSOrganizationsNotInUseException",
             lambda: iam.generate_organizations_access_report(EntityPath="o-a1b2c3d4e5/r-ab12/123456789012"))
expect_error("delegation request", "NoSuchEntity", lambda: iam.get_delegation_request(DelegationRequestId="dr-0123456789abcdef"))
expect("delegation requests", iam.list_delegation_requests()["DelegationRequests"], [])
expect_error("assume root", "AccessDenied", lambda: sts.assume_root(TargetPrincipal="111122223333",
             TaskPolicyArn={"arn": "arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials"}))
PY
audit_has iam:ListOrganizationsFeatures '*' failed
audit_has sts:GetWebIdentityToken '*' allowed
echo "outbound federation and organizations: all checks passed"
