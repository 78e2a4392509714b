#!/usr/bin/env bash
# Server certificates, signing certificates, SSH public keys and service-specific credentials
# with the stock aws CLI and boto3 against a real iamd, the keys and certificates made by
# openssl and ssh-keygen as a user makes them.
source "$(dirname "$0")/lib.sh"
start_iamd
W="$E2E_TMP/keys"
mkdir -p "$W"

# A server certificate signed by a test CA, with its chain.
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$W/ca.key" -out "$W/ca.pem" -days 30 -subj "/CN=e2e CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -keyout "$W/www.key" -out "$W/www.csr" -subj "/CN=www.e2e.example" 2>/dev/null
openssl x509 -req -in "$W/www.csr" -CA "$W/ca.pem" -CAkey "$W/ca.key" -CAcreateserial -out "$W/www.pem" -days 10 2>/dev/null
ARN=$(aws iam upload-server-certificate --server-certificate-name www --path /cloudfront/ \
  --certificate-body "file://$W/www.pem" --private-key "file://$W/www.key" --certificate-chain "file://$W/ca.pem" \
  --query ServerCertificateMetadata.Arn --output text)
expect_eq "server certificate ARN" "$ARN" "arn:aws:iam::123456789012:server-certificate/cloudfront/www"
expect_eq "expiration is the certificate's" \
  "$(aws iam get-server-certificate --server-certificate-name www --query ServerCertificate.ServerCertificateMetadata.Expiration --output text | cut -c1-10)" \
  "$(date -u -d "$(openssl x509 -in "$W/www.pem" -noout -enddate | cut -d= -f2)" +%Y-%m-%d)"
expect_eq "listed under its path" "$(aws iam list-server-certificates --path-prefix /cloudfront/ --query 'ServerCertificateMetadataList[].ServerCertificateName' --output text)" "www"
openssl req -newkey rsa:2048 -nodes -keyout "$W/other.key" -out /dev/null -subj "/CN=other" 2>/dev/null
expect_error "another key" KeyPairMismatch aws iam upload-server-certificate --server-certificate-name www2 \
  --certificate-body "file://$W/www.pem" --private-key "file://$W/other.key"
aws iam update-server-certificate --server-certificate-name www --new-server-certificate-name www-2026
aws iam delete-server-certificate --server-certificate-name www-2026
expect_error "deleted" NoSuchEntity aws iam get-server-certificate --server-certificate-name www-2026

# A user's SSH public key: the fingerprint is ssh-keygen's MD5 one.
aws iam create-user --user-name git >/dev/null
ssh-keygen -q -t rsa -b 2048 -N "" -C e2e -f "$W/id_rsa"
KEY_ID=$(aws iam upload-ssh-public-key --user-name git --ssh-public-key-body "file://$W/id_rsa.pub" --query SSHPublicKey.SSHPublicKeyId --output text)
expect_eq "fingerprint" "$(aws iam get-ssh-public-key --user-name git --ssh-public-key-id "$KEY_ID" --encoding SSH --query SSHPublicKey.Fingerprint --output text)" \
  "$(ssh-keygen -l -E md5 -f "$W/id_rsa.pub" | awk '{print $2}' | sed 's/^MD5://')"
aws iam get-ssh-public-key --user-name git --ssh-public-key-id "$KEY_ID" --encoding PEM --query SSHPublicKey.SSHPublicKeyBody --output text >"$W/pub.pem"
expect_eq "PEM encoding is the same key" "$(ssh-keygen -i -m PKCS8 -f "$W/pub.pem" | cut -d' ' -f2)" "$(cut -d' ' -f2 "$W/id_rsa.pub")"
ssh-keygen -q -t ed25519 -N "" -f "$W/id_ed25519"
expect_error "an ed25519 key" UnrecognizedPublicKeyEncoding aws iam upload-ssh-public-key --user-name git --ssh-public-key-body "file://$W/id_ed25519.pub"
expect_error "DeleteUser with a key" DeleteConflict aws iam delete-user --user-name git

# A signing certificate of the user.
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$W/sign.key" -out "$W/sign.pem" -days 30 -subj "/CN=git" 2>/dev/null
CERT_ID=$(aws iam upload-signing-certificate --user-name git --certificate-body "file://$W/sign.pem" --query Certificate.CertificateId --output text)
aws iam update-signing-certificate --user-name git --certificate-id "$CERT_ID" --status Inactive
expect_eq "signing certificate status" "$(aws iam list-signing-certificates --user-name git --query 'Certificates[0].Status' --output text)" "Inactive"
expect_error "the same certificate again" DuplicateCertificate aws iam upload-signing-certificate --user-name git --certificate-body "file://$W/sign.pem"

python3 "$(dirname "$0")/user_credentials_boto3.py"

aws iam delete-signing-certificate --user-name git --certificate-id "$CERT_ID"
aws iam delete-ssh-public-key --user-name git --ssh-public-key-id "$KEY_ID"
aws iam delete-user --user-name git
expect_eq "the user is gone" "$(aws iam list-users --query 'length(Users)' --output text)" "0"
