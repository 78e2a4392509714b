package simulate_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/iamd-dev/iamd/internal/simulate"
)

// A resource policy: across accounts both it and the caller's identity policies must
// allow, and Details says how each decided; within the caller's account it grants alone.
func TestCustomResourcePolicy(t *testing.T) {
	const ownStmt = `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::shared/*"}`
	identity := `{"Version":"2012-10-17","Statement":[` + ownStmt + `]}`
	const shareStmt = `{"Sid":"Share","Effect":"Allow","Principal":{"AWS":"%s"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::shared/*"}`
	bucket := func(principal string) (doc, stmt string) {
		stmt = strings.Replace(shareStmt, "%s", principal, 1)
		return `{"Version":"2012-10-17","Statement":[` + stmt + `]}`, stmt
	}
	analyst := arnOf("user", "analyst")
	sharedWithAnalyst, shareWithAnalyst := bucket(analyst)
	sharedWithOther, _ := bucket(arnOf("user", "other"))
	share := at(t, sharedWithAnalyst, shareWithAnalyst, "ResourcePolicy", simulate.ResourcePolicy)
	own := at(t, identity, ownStmt, "PolicyInputList.1", simulate.IdentityPolicy)
	const object = "arn:aws:s3:::shared/report.csv"
	cases := []struct {
		name             string
		identity, bucket string
		owner            *string
		want             simulate.Evaluation
	}{
		{name: "another account's bucket shared with the caller", identity: identity, bucket: sharedWithAnalyst, owner: str("arn:aws:iam::111122223333:root"),
			want: simulate.Evaluation{Decision: "allowed", Matched: []simulate.Statement{share, own},
				Details: map[string]string{simulate.IdentityPolicy: "allowed", simulate.ResourcePolicy: "allowed"}}},
		{name: "another account's bucket shared with someone else", identity: identity, bucket: sharedWithOther, owner: str("111122223333"),
			want: simulate.Evaluation{Decision: "implicitDeny",
				Details: map[string]string{simulate.IdentityPolicy: "allowed", simulate.ResourcePolicy: "implicitDeny"}}},
		{name: "the caller's account's bucket grants alone", identity: queues, bucket: sharedWithAnalyst,
			want: simulate.Evaluation{Decision: "allowed", Matched: []simulate.Statement{share}, Details: map[string]string{}}},
	}
	for _, c := range cases {
		res, err := simulate.Custom(simulate.Input{Account: acct, PolicyInputList: []string{c.identity}, ResourcePolicy: str(c.bucket),
			CallerArn: str(analyst), ResourceOwner: c.owner, ActionNames: []string{"s3:GetObject"}, ResourceArns: []string{object}})
		c.want.Action, c.want.Resource = "s3:GetObject", object
		checkEvaluations(t, c.name, res, err, c.want)
	}
}

// MaxItems and Marker page through actions × resources, actions first.
func TestPagination(t *testing.T) {
	in := simulate.Input{Account: acct, PolicyInputList: []string{aliceRead}, MaxItems: str("4"),
		ActionNames:  []string{"s3:GetObject", "s3:PutObject", "s3:DeleteObject"},
		ResourceArns: []string{"arn:aws:s3:::data/a", "arn:aws:s3:::elsewhere/a"}}
	var got []string
	for pages := 1; ; pages++ {
		res, err := simulate.Custom(in)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range res.Evaluations {
			got = append(got, e.Action+" "+e.Resource+" "+e.Decision)
		}
		if res.Marker == "" {
			if pages != 2 {
				t.Errorf("%d pages, want 2", pages)
			}
			break
		}
		if pages == 3 {
			t.Fatal("pagination does not end")
		}
		in.Marker = str(res.Marker)
	}
	want := []string{
		"s3:GetObject arn:aws:s3:::data/a allowed",
		"s3:GetObject arn:aws:s3:::elsewhere/a implicitDeny",
		"s3:PutObject arn:aws:s3:::data/a implicitDeny",
		"s3:PutObject arn:aws:s3:::elsewhere/a implicitDeny",
		"s3:DeleteObject arn:aws:s3:::data/a implicitDeny",
		"s3:DeleteObject arn:aws:s3:::elsewhere/a implicitDeny",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %v\nwant %v", got, want)
	}
}
