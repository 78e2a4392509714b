package frontdoor

import (
	"strings"
	"testing"

	"github.com/iamd-dev/iamd/internal/opmodel"
)

func TestS3ControlActionOverrides(t *testing.T) {
	svc := opmodel.Default().Service("s3control")
	for op, action := range s3ControlActions {
		t.Run(op, func(t *testing.T) {
			o := svc.Operation(op)
			if o == nil {
				t.Fatalf("S3 Control has no operation %s", op)
			}
			p := plan(t, &Call{Service: svc, Operation: o, Region: "us-west-2", Params: map[string][]string{"Bucket": {"b"}}})
			if !strings.Contains(action, ":") {
				action = "s3:" + action
			}
			if got := p.Requests[0].Action; got != action {
				t.Errorf("action = %s, want %s", got, action)
			}
		})
	}
}

func TestS3ControlFlows(t *testing.T) {
	const host = "http://111122223333.s3-control.us-west-2.amazonaws.com"
	account := "x-amz-account-id: 111122223333"
	cases := []flowCase{
		{name: "an Outposts bucket, its Outpost in the header", signing: "s3", method: "GET", url: host + "/v20180820/bucket/ob1/policy",
			headers: []string{account, "x-amz-outpost-id: op-01ac5d28a6a232904"}, op: "GetBucketPolicy",
			want: []string{"s3-outposts:GetBucketPolicy arn:aws:s3-outposts:us-west-2:111122223333:outpost/op-01ac5d28a6a232904/bucket/ob1"}},
		{name: "an Outposts bucket without its Outpost", signing: "s3", method: "DELETE", url: host + "/v20180820/bucket/ob1/tagging",
			headers: []string{account}, op: "DeleteBucketTagging",
			want: []string{"s3-outposts:PutBucketTagging *"}, underived: []string{"s3-outposts:bucket"}},
		{name: "the account's public access block", signing: "s3", method: "GET", url: host + "/v20180820/configuration/publicAccessBlock",
			headers: []string{account}, op: "GetPublicAccessBlock", want: []string{"s3:GetAccountPublicAccessBlock *"}},
		{name: "an access point is S3's, named by Name", signing: "s3", method: "GET", url: host + "/v20180820/accesspoint/ap1/policy",
			headers: []string{account}, op: "GetAccessPointPolicy",
			want: []string{"s3:GetAccessPointPolicy arn:aws:s3:us-west-2:111122223333:accesspoint/ap1"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, tc.run)
	}
}
