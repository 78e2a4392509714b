package iam

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/iamd-dev/iamd/internal/awserr"
)

func TestOIDCProviderURL(t *testing.T) {
	cases := []struct {
		url, want, code, msg string
	}{
		{url: "https://token.actions.githubusercontent.com", want: "token.actions.githubusercontent.com"},
		{url: "https://oidc.eks.us-east-1.amazonaws.com/id/ABC123", want: "oidc.eks.us-east-1.amazonaws.com/id/ABC123"},
		{url: "https://Example.com/", want: "Example.com/"},
		{url: "example.com", code: "ValidationError", msg: "Invalid Open ID Connect Provider URL"},
		{url: "https://", code: "ValidationError", msg: "Invalid Open ID Connect Provider URL"},
		{url: "http://example.com", code: "InvalidInput", msg: "Invalid Open ID Connect Provider URL. The URL must begin with https://."},
		{url: "https://example.com?x=1", code: "InvalidInput", msg: "Invalid Open ID Connect Provider URL."},
		{url: "https://example.com#f", code: "InvalidInput", msg: "Invalid Open ID Connect Provider URL."},
		{url: "https://example.com:8443", code: "InvalidInput", msg: "Invalid Open ID Connect Provider URL."},
		{url: "https://u:p@example.com", code: "InvalidInput", msg: "Invalid Open ID Connect Provider URL."},
		{url: "https://exa_mple.com", code: "InvalidInput", msg: "Invalid Open ID Connect Provider URL."},
		{url: "", code: "ValidationError", msg: "1 validation error detected: Value '' at 'url' failed to satisfy constraint: Member must have length greater than or equal to 1"},
		{url: "https://" + strings.Repeat("a", 248), code: "ValidationError"},
	}
	for _, tc := range cases {
		got, err := OIDCProviderURL(tc.url)
		if tc.code == "" {
			if err != nil || got != tc.want {
				t.Errorf("%q: %q %v, want %q", tc.url, got, err, tc.want)
			}
			continue
		}
		e, ok := awserr.As(err)
		if !ok || e.Code != tc.code || (tc.msg != "" && e.Message != tc.msg) {
			t.Errorf("%q: %v, want %s %q", tc.url, err, tc.code, tc.msg)
		}
	}
}

func TestOIDCProviderByARN(t *testing.T) {
	s := openInfoTestService(t)
	ctx := context.Background()
	p, err := s.CreateOIDCProvider(ctx, CreateOIDCProviderInput{
		Account: infoAccount, URL: "https://Token.Example.com/tenant", ClientIDs: []string{"sts.amazonaws.com", "sts.amazonaws.com"},
		Thumbprints: []string{strings.Repeat("AB", 20)},
	})
	if err != nil {
		t.Fatal(err)
	}
	arn := "arn:aws:iam::123456789012:oidc-provider/Token.Example.com/tenant"
	if p.ARN() != arn || p.Issuer() != "https://Token.Example.com/tenant" || len(p.ClientIDs) != 1 || p.Thumbprints[0] != strings.Repeat("ab", 20) {
		t.Fatalf("created %+v", p)
	}
	// Found by its ARN in any case, as its URL is unique in any case; not from another account.
	for _, a := range []string{arn, strings.ToLower(arn)} {
		got, err := s.OIDCProvider(ctx, infoAccount, a)
		if err != nil || got.ARN() != arn || s.OIDCProviderARNAsStored(ctx, infoAccount, a) != arn {
			t.Fatalf("OIDCProvider(%s): %+v %v", a, got, err)
		}
	}
	_, err = s.OIDCProvider(ctx, infoOther, arn)
	if e, ok := awserr.As(err); !ok || e.Code != "NoSuchEntity" || e.Message != "OpenIDConnect Provider not found for arn "+arn {
		t.Fatalf("from another account: %v", err)
	}
	_, err = s.OIDCProvider(ctx, infoAccount, "not-an-arn-but-long-enough")
	if e, ok := awserr.As(err); !ok || e.Code != "InvalidInput" || e.Message != "ARN not-an-arn-but-long-enough is not valid." {
		t.Fatalf("bad ARN: %v", err)
	}
	_, err = s.CreateOIDCProvider(ctx, CreateOIDCProviderInput{Account: infoAccount, URL: "https://token.example.com/tenant"})
	if e, ok := awserr.As(err); !ok || e.Code != "EntityAlreadyExists" || e.Message != "Provider with url https://token.example.com/tenant already exists." {
		t.Fatalf("same URL in another case: %v", err)
	}
	if _, err := s.CreateOIDCProvider(ctx, CreateOIDCProviderInput{Account: infoOther, URL: "https://token.example.com/tenant"}); err != nil {
		t.Fatalf("same URL in another account: %v", err)
	}
}

func TestOIDCProviderClientIDQuota(t *testing.T) {
	s := openInfoTestService(t)
	ctx := context.Background()
	ids := make([]string, maxOIDCClientIDs+1)
	for i := range ids {
		ids[i] = fmt.Sprintf("client-%03d", i)
	}
	_, err := s.CreateOIDCProvider(ctx, CreateOIDCProviderInput{Account: infoAccount, URL: "https://idp.example.com", ClientIDs: ids})
	if e, ok := awserr.As(err); !ok || e.Code != "LimitExceeded" || e.Message != "Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: 100" {
		t.Fatalf("101 client ids: %v", err)
	}
	p, err := s.CreateOIDCProvider(ctx, CreateOIDCProviderInput{Account: infoAccount, URL: "https://idp.example.com", ClientIDs: ids[:maxOIDCClientIDs]})
	if err != nil {
		t.Fatal(err)
	}
	// Adding one it has is fine at the quota; a new one is not.
	if err := s.AddOIDCProviderClientID(ctx, infoAccount, p.ARN(), ids[0]); err != nil {
		t.Fatal(err)
	}
	err = s.AddOIDCProviderClientID(ctx, infoAccount, p.ARN(), ids[maxOIDCClientIDs])
	if e, ok := awserr.As(err); !ok || e.Code != "LimitExceeded" {
		t.Fatalf("client id 101: %v", err)
	}
	got, err := s.OIDCProvider(ctx, infoAccount, p.ARN())
	if err != nil || len(got.ClientIDs) != maxOIDCClientIDs {
		t.Fatalf("after refused add: %d %v", len(got.ClientIDs), err)
	}
}
