#!/usr/bin/env bash
# Console sign-in with the stock aws CLI against a real iamd: a user's login profile, the
# account password policy and its enforcement, the user changing its own password under
# AllowUsersToChangePassword, DeleteUser's conflict, and no password in the data directory
# or the logs.
source "$(dirname "$0")/lib.sh"
start_iamd

PW1='Console-Pass-1!'
PW2='Console-Pass-2!'
aws iam create-user --user-name nina --path /staff/ >/dev/null
expect_eq "create-login-profile" \
  "$(aws iam create-login-profile --user-name nina --password "$PW1" --password-reset-required \
      --query 'LoginProfile.[UserName,PasswordResetRequired]' --output text)" "nina	True"
expect_eq "get-login-profile" "$(aws iam get-login-profile --user-name nina --query LoginProfile.UserName --output text)" "nina"
expect_error "a second login profile" EntityAlreadyExists aws iam create-login-profile --user-name nina --password "$PW2"
expect_error "delete-user with a password" DeleteConflict aws iam delete-user --user-name nina

expect_error "no password policy yet" NoSuchEntity aws iam get-account-password-policy
aws iam update-account-password-policy --minimum-password-length 12 --require-numbers --require-symbols \
  --allow-users-to-change-password --password-reuse-prevention 3
expect_eq "get-account-password-policy" \
  "$(aws iam get-account-password-policy --query 'PasswordPolicy.[MinimumPasswordLength,RequireNumbers,PasswordReusePrevention,ExpirePasswords]' --output text)" \
  "12	True	3	False"
expect_error "a short password" PasswordPolicyViolation aws iam update-login-profile --user-name nina --password 'Short-1!'

# nina changes her own password with her own key: the account's grant, no policy of hers.
KEY=$(aws iam create-access-key --user-name nina --output json)
export NINA_ID=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["AccessKey"]["AccessKeyId"])' <<<"$KEY")
export NINA_SECRET=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["AccessKey"]["SecretAccessKey"])' <<<"$KEY")
as_nina() { AWS_ACCESS_KEY_ID=$NINA_ID AWS_SECRET_ACCESS_KEY=$NINA_SECRET "$@"; }
expect_error "change-password with a wrong old password" AccessDenied as_nina aws iam change-password --old-password "$PW2" --new-password "$PW2"
as_nina aws iam change-password --old-password "$PW1" --new-password "$PW2"
echo "ok   change-password"
expect_eq "the reset flag is cleared" "$(aws iam get-login-profile --user-name nina --query LoginProfile.PasswordResetRequired --output text)" "False"
expect_error "reusing a recent password" PasswordPolicyViolation as_nina aws iam change-password --old-password "$PW2" --new-password "$PW1"
grep -rqaF -- '$argon2id$' "$DATA" || { echo "FAIL no password hash in the data directory: the scan below would read nothing"; exit 1; }
echo "ok   the data directory holds argon2id hashes"
audit_has iam:ChangePassword arn:aws:iam::123456789012:user/staff/nina allowed

aws iam delete-login-profile --user-name nina
expect_error "the profile is gone" NoSuchEntity aws iam get-login-profile --user-name nina
aws iam delete-account-password-policy
expect_error "the policy is gone" NoSuchEntity aws iam get-account-password-policy

stop_iamd
for pw in "$PW1" "$PW2"; do
  if grep -rqaF -- "$pw" "$DATA" "$E2E_TMP/audit.log" "$E2E_TMP/iamd.log"; then echo "FAIL a password is stored or logged in plaintext"; exit 1; fi
done
echo "ok   no password in the data directory or the logs"
