package lint

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/iamd-dev/iamd/internal/policy"
)

func TestGuessKind(t *testing.T) {
	for _, tc := range []struct {
		doc  string
		want policy.Kind
	}{
		{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`, policy.Identity},
		{`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}}`, policy.Trust},
		{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"x"},"Action":["sts:AssumeRoleWithWebIdentity","sts:TagSession"]}]}`, policy.Trust},
		{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}`, policy.Resource},
		{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"*"}]}`, policy.Resource},
		{`not json`, policy.Identity},
	} {
		if got := GuessKind([]byte(tc.doc)); got != tc.want {
			t.Errorf("GuessKind(%s) = %v, want %v", tc.doc, got, tc.want)
		}
	}
	// Every seed document named *trust-policy* is a trust policy, every other an identity policy.
	files, _ := filepath.Glob("../../examples/seeds/*-policy.json")
	if len(files) == 0 {
		t.Fatal("no seed policies found")
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		want := policy.Identity
		if strings.Contains(f, "trust-policy") {
			want = policy.Trust
		}
		if got := GuessKind(data); got != want {
			t.Errorf("%s guessed %v, want %v", f, got, want)
		}
	}
}
