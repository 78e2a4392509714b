package iam_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"testing"
	"time"

	"github.com/iamd-dev/iamd/internal/iam"
)

func selfSignedPEM(t *testing.T, cn string) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}

// TestSigningCertificateStatuses: the credential report's view of a user's (or the root
// user's) signing certificates, oldest first.
func TestSigningCertificateStatuses(t *testing.T) {
	ctx := context.Background()
	svc := newService(t)
	if _, err := svc.CreateUser(ctx, iam.CreateUserInput{Account: acct, Name: "rep"}); err != nil {
		t.Fatal(err)
	}
	if st, err := svc.SigningCertificateStatuses(ctx, acct, "rep"); err != nil || len(st) != 0 {
		t.Fatalf("no certificates: %+v %v", st, err)
	}
	first, err := svc.UploadSigningCertificate(ctx, acct, "rep", selfSignedPEM(t, "one"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.UploadSigningCertificate(ctx, acct, "rep", selfSignedPEM(t, "two")); err != nil {
		t.Fatal(err)
	}
	if err := svc.UpdateSigningCertificate(ctx, acct, "rep", first.ID, "Inactive"); err != nil {
		t.Fatal(err)
	}
	st, err := svc.SigningCertificateStatuses(ctx, acct, "rep")
	if err != nil || len(st) != 2 || st[0].Active || !st[1].Active || !st[0].UploadDate.Equal(first.UploadDate) {
		t.Fatalf("statuses %+v %v", st, err)
	}
	if st, err := svc.SigningCertificateStatuses(ctx, acct, ""); err != nil || len(st) != 0 {
		t.Fatalf("the root user's: %+v %v", st, err)
	}
	_, err = svc.SigningCertificateStatuses(ctx, acct, "nobody")
	wantCode(t, err, "NoSuchEntity", "The user with name nobody cannot be found.")
}
