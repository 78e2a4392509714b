package iam

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/saml/samltest"
)

func TestSAMLProvidersPerAccountQuota(t *testing.T) {
	s := openInfoTestService(t)
	ctx := context.Background()
	idp, err := samltest.New("https://idp.example.com/saml")
	if err != nil {
		t.Fatal(err)
	}
	doc := idp.Metadata("")
	for i := 0; i < maxSAMLProviders; i++ {
		if _, err := s.CreateSAMLProvider(ctx, SAMLProviderInput{Account: infoAccount, Name: fmt.Sprintf("p%03d", i), Metadata: doc}); err != nil {
			t.Fatal(err)
		}
	}
	_, err = s.CreateSAMLProvider(ctx, SAMLProviderInput{Account: infoAccount, Name: "one-more", Metadata: doc})
	if e, ok := awserr.As(err); !ok || e.Code != "LimitExceeded" || e.Message != "Cannot exceed quota for SAMLProvidersPerAccount: 100" {
		t.Fatalf("the 101st provider: %v", err)
	}
	list, err := s.ListSAMLProviders(ctx, infoAccount)
	if err != nil || len(list) != maxSAMLProviders {
		t.Fatalf("%d providers, %v", len(list), err)
	}
	// The other account has its own quota, and does not see these.
	if _, err := s.CreateSAMLProvider(ctx, SAMLProviderInput{Account: infoOther, Name: "p000", Metadata: doc}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SAMLProvider(ctx, infoOther, SAMLProviderARN("aws", infoAccount, "p001")); !isNoSuchEntity(err) {
		t.Fatalf("another account's provider: %v", err)
	}
}

func TestSAMLProviderByARN(t *testing.T) {
	s := openInfoTestService(t)
	ctx := context.Background()
	idp, err := samltest.New("https://idp.example.com/saml")
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.CreateSAMLProvider(ctx, SAMLProviderInput{Account: infoAccount, Name: "Corp", Metadata: idp.Metadata("")})
	if err != nil {
		t.Fatal(err)
	}
	if p.EntityID != idp.EntityID || len(p.Certificates) != 1 || string(p.Certificates[0]) != string(idp.Cert) {
		t.Fatalf("created %+v", p)
	}
	// Found by its name in any case, and authorized on the ARN as created.
	lower := strings.ToLower(p.ARN())
	if got, err := s.SAMLProvider(ctx, infoAccount, lower); err != nil || got.ARN() != p.ARN() {
		t.Fatalf("by %s: %v", lower, err)
	}
	if got := s.SAMLProviderARNAsStored(ctx, infoAccount, lower); got != p.ARN() {
		t.Fatalf("stored ARN %s", got)
	}
	for arn, code := range map[string]string{
		"arn:aws:iam::" + infoAccount + ":role/Corp":        "NoSuchEntity",
		"arn:aws:iam::" + infoOther + ":saml-provider/Corp": "NoSuchEntity",
		"not-an-arn-but-long-enough":                        "InvalidInput",
		"short":                                             "ValidationError",
	} {
		_, err := s.SAMLProvider(ctx, infoAccount, arn)
		if e, ok := awserr.As(err); !ok || e.Code != code {
			t.Errorf("%s: %v, want %s", arn, err, code)
		}
	}
}
