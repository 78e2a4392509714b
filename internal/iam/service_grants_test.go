package iam

import (
	"strings"
	"testing"

	"github.com/iamd-dev/iamd/internal/catalog"
)

func TestGrantsReadAllowStatementsOnly(t *testing.T) {
	cat := catalog.Default()
	for _, tt := range []struct {
		doc  string
		want string // the services allowed, when fewer than 5
		n    int    // else how many at least
	}{
		{doc: `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}`, want: "s3"},
		{doc: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:Get*","ec2:DescribeInstances"],"Resource":"*"},{"Effect":"Deny","Action":"*","Resource":"*"}]}`, want: "ec2 iam"},
		{doc: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"nosuchservice:*","Resource":"*"}]}`, want: ""},
		{doc: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`, n: len(cat.Services)},
		{doc: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}]}`, n: len(cat.Services) - 1},
	} {
		var names []string
		for _, s := range grantsOf(tt.doc).services() {
			names = append(names, s.Prefix)
		}
		if tt.n > 0 {
			if len(names) != tt.n {
				t.Errorf("%s: %d services, want %d", tt.doc, len(names), tt.n)
			}
			continue
		}
		if got := strings.Join(names, " "); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.doc, got, tt.want)
		}
	}
	g := grantsOf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:List*","iam:FutureAction"],"Resource":"*"}]}`)
	iamSvc := cat.Service("iam")
	if !g.allowsActionName(iamSvc, "ListRoles") || g.allowsActionName(iamSvc, "GetRole") || !g.allowsActionName(iamSvc, "FutureAction") {
		t.Error("allowsActionName")
	}
}
