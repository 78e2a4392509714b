#!/usr/bin/env bash
# Virtual MFA with the stock aws CLI against a real iamd: a user's virtual device (the seed
# written to a file by --bootstrap-method Base32StringSeed), enabled with two consecutive
# codes computed here (RFC 6238 in python3's hmac); a policy denying all but MFA set-up
# without MFA (the IAM User Guide's BlockMostAccessUnlessSignedInWithMFA); a call refused with
# the user's long-term keys and allowed with a get-session-token session made with a code.
source "$(dirname "$0")/lib.sh"
start_iamd

# totp SEED_FILE OFFSET: the code of the current 30-second step plus OFFSET steps.
totp() {
  python3 - "$1" "$2" <<'EOF'
import base64, hashlib, hmac, struct, sys, time
seed = open(sys.argv[1]).read().strip()
key = base64.b32decode(seed + "=" * (-len(seed) % 8))
step = int(time.time()) // 30 + int(sys.argv[2])
digest = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
offset = digest[-1] & 0x0F
print("%06d" % ((struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1000000))
EOF
}

aws iam create-user --user-name mallory >/dev/null
read -r U_KEY U_SECRET < <(aws iam create-access-key --user-name mallory --query 'AccessKey.[AccessKeyId,SecretAccessKey]' --output text)
as_user() { AWS_ACCESS_KEY_ID=$U_KEY AWS_SECRET_ACCESS_KEY=$U_SECRET "$@"; }

SEED="$E2E_TMP/seed.txt"
SERIAL=$(aws iam create-virtual-mfa-device --virtual-mfa-device-name mallory --outfile "$SEED" \
  --bootstrap-method Base32StringSeed --query VirtualMFADevice.SerialNumber --output text)
expect_eq "serial number" "$SERIAL" "arn:aws:iam::123456789012:mfa/mallory"
expect_eq "the seed file holds 64 Base32 characters" "$(python3 -c 'import re,sys; print(bool(re.fullmatch("[A-Z2-7]{64}", open(sys.argv[1]).read().strip())))' "$SEED")" "True"
aws iam create-virtual-mfa-device --virtual-mfa-device-name spare --outfile "$E2E_TMP/qr.png" --bootstrap-method QRCodePNG >/dev/null
expect_eq "the QR code is a PNG" "$(python3 -c 'import sys; print(open(sys.argv[1],"rb").read(8) == b"\x89PNG\r\n\x1a\n")' "$E2E_TMP/qr.png")" "True"
expect_error "the same device again" EntityAlreadyExists aws iam create-virtual-mfa-device --virtual-mfa-device-name mallory --outfile "$E2E_TMP/x" --bootstrap-method Base32StringSeed
expect_eq "unassigned devices" "$(aws iam list-virtual-mfa-devices --assignment-status Unassigned --query 'length(VirtualMFADevices)' --output text)" "2"

# Enable with two consecutive codes (the previous step's two: the current one then
# authenticates once, whenever the next step starts).
expect_error "wrong codes" InvalidAuthenticationCode aws iam enable-mfa-device --user-name mallory --serial-number "$SERIAL" \
  --authentication-code1 000000 --authentication-code2 000000
aws iam enable-mfa-device --user-name mallory --serial-number "$SERIAL" \
  --authentication-code1 "$(totp "$SEED" -2)" --authentication-code2 "$(totp "$SEED" -1)"
expect_eq "the user's devices" "$(aws iam list-mfa-devices --user-name mallory --query 'MFADevices[0].SerialNumber' --output text)" "$SERIAL"
expect_error "the enabled device cannot be deleted" DeleteConflict aws iam delete-virtual-mfa-device --serial-number "$SERIAL"

# Everything, but only with MFA.
aws iam put-user-policy --user-name mallory --policy-name mfa-required --policy-document '{"Version":"2012-10-17","Statement":[
 {"Sid":"AllowEverything","Effect":"Allow","Action":"*","Resource":"*"},
 {"Sid":"BlockMostAccessUnlessSignedInWithMFA","Effect":"Deny",
  "NotAction":["iam:CreateVirtualMFADevice","iam:EnableMFADevice","iam:ListMFADevices","iam:ListVirtualMFADevices","iam:ResyncMFADevice","sts:GetSessionToken"],
  "Resource":"*","Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}}]}'
expect_error "list-roles with the user's keys" AccessDenied as_user aws iam list-roles
as_user aws iam list-mfa-devices >/dev/null && echo "ok   list-mfa-devices with the user's keys (not blocked)"
expect_error "a wrong code" AccessDenied as_user aws sts get-session-token --serial-number "$SERIAL" --token-code 000000
expect_error "another serial number" AccessDenied as_user aws sts get-session-token --serial-number arn:aws:iam::123456789012:mfa/spare --token-code "$(totp "$SEED" 0)"

CODE=$(totp "$SEED" 0)
read -r S_KEY S_SECRET S_TOKEN < <(as_user aws sts get-session-token --serial-number "$SERIAL" --token-code "$CODE" \
  --query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]' --output text)
as_session() { AWS_ACCESS_KEY_ID=$S_KEY AWS_SECRET_ACCESS_KEY=$S_SECRET AWS_SESSION_TOKEN=$S_TOKEN "$@"; }
expect_eq "list-roles with the MFA session" "$(as_session aws iam list-roles --query 'length(Roles)' --output text)" "0"
expect_error "the same code again" AccessDenied as_user aws sts get-session-token --serial-number "$SERIAL" --token-code "$CODE"

# Deactivate, and the device is gone from the user and deletable.
aws iam deactivate-mfa-device --user-name mallory --serial-number "$SERIAL"
aws iam delete-virtual-mfa-device --serial-number "$SERIAL"
expect_eq "devices left" "$(aws iam list-virtual-mfa-devices --query 'length(VirtualMFADevices)' --output text)" "1"
echo "PASS mfa.sh"
