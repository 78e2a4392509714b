package iam

import (
	"context"
	"fmt"
	"testing"

	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/docstore"
)

func TestInstanceProfilesPerAccountQuota(t *testing.T) {
	s := openInfoTestService(t)
	ctx := context.Background()
	docs := map[docstore.Key]any{}
	for i := range maxInstanceProfilesPerAccount {
		name := fmt.Sprintf("p%04d", i)
		docs[key(colInstanceProfile, infoAccount, name)] = &InstanceProfile{Account: infoAccount, Name: name, ID: newID(prefixInstanceProfile), Path: "/"}
	}
	putDocs(t, s, docs)
	_, err := s.CreateInstanceProfile(ctx, CreateInstanceProfileInput{Account: infoAccount, Name: "one-more"})
	if e, ok := awserr.As(err); !ok || e.Code != "LimitExceeded" || e.Message != "Cannot exceed quota for InstanceProfilesPerAccount: 1000" {
		t.Fatalf("profile 1001: %v", err)
	}
	// The quota is per account.
	if _, err := s.CreateInstanceProfile(ctx, CreateInstanceProfileInput{Account: infoOther, Name: "one-more"}); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteInstanceProfile(ctx, infoAccount, "p0000"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateInstanceProfile(ctx, CreateInstanceProfileInput{Account: infoAccount, Name: "one-more"}); err != nil {
		t.Fatal(err)
	}
}
