package frontdoor

import (
	"strings"
	"testing"

	"github.com/iamd-dev/iamd/internal/catalog"
	"github.com/iamd-dev/iamd/internal/opmodel"
)

// s3Call is a call of an S3 operation on bucket b, key k, with more parameters.
func s3Call(t *testing.T, op string, params map[string][]string) *Call {
	t.Helper()
	svc := opmodel.Default().Service("s3")
	o := svc.Operation(op)
	if o == nil {
		t.Fatalf("S3 has no operation %s", op)
	}
	c := &Call{Service: svc, Operation: o, Region: "us-west-2", Params: map[string][]string{"Bucket": {"b"}, "Key": {"k"}}}
	for k, v := range params {
		c.Params[k] = v
	}
	return c
}

func TestS3ActionOverrides(t *testing.T) {
	for op, action := range s3Actions {
		t.Run(op, func(t *testing.T) {
			p := plan(t, s3Call(t, op, nil))
			if !strings.Contains(action, ":") {
				action = "s3:" + action
			}
			if got := p.Requests[0].Action; !strings.EqualFold(got, action) {
				t.Errorf("action = %s, want %s", got, action)
			}
		})
	}
}

func TestS3ActionOverridesResources(t *testing.T) {
	cases := map[string][]string{
		"HeadBucket":           {"s3:ListBucket arn:aws:s3:::b"},
		"ListObjects":          {"s3:ListBucket arn:aws:s3:::b"},
		"ListObjectVersions":   {"s3:ListBucketVersions arn:aws:s3:::b"},
		"ListMultipartUploads": {"s3:ListBucketMultipartUploads arn:aws:s3:::b"},
		"GetBucketLocation":    {"s3:GetBucketLocation arn:aws:s3:::b"},
		"ListBuckets":          {"s3:ListAllMyBuckets *"},
		"UploadPart":           {"s3:PutObject arn:aws:s3:::b/k"},
		"SelectObjectContent":  {"s3:GetObject arn:aws:s3:::b/k"},
		"DeleteBucketCors":     {"s3:PutBucketCORS arn:aws:s3:::b"},
		"CreateSession":        {"s3express:CreateSession arn:aws:s3express:us-west-2:111122223333:bucket/b"},
	}
	for op, want := range cases {
		if got := lines(plan(t, s3Call(t, op, nil))); !equal(got, want) {
			t.Errorf("%s: %q, want %q", op, got, want)
		}
	}
}

func TestS3VersionActions(t *testing.T) {
	ops := map[string]string{
		"GetObject":           "s3:GetObjectVersion",
		"HeadObject":          "s3:GetObjectVersion",
		"DeleteObject":        "s3:DeleteObjectVersion",
		"GetObjectAcl":        "s3:GetObjectVersionAcl",
		"PutObjectAcl":        "s3:PutObjectVersionAcl",
		"GetObjectTagging":    "s3:GetObjectVersionTagging",
		"PutObjectTagging":    "s3:PutObjectVersionTagging",
		"DeleteObjectTagging": "s3:DeleteObjectVersionTagging",
		"GetObjectAttributes": "s3:GetObjectVersionAttributes",
	}
	for op, action := range ops {
		t.Run(op, func(t *testing.T) {
			c := s3Call(t, op, map[string][]string{"VersionId": {"v1"}})
			if !hasMember(c, "VersionId") {
				t.Fatalf("%s has no VersionId member: a call cannot name a version", op)
			}
			p := plan(t, c)
			want := []string{action + " arn:aws:s3:::b/k"}
			if got := lines(p); !equal(got, want) {
				t.Fatalf("%q, want %q", got, want)
			}
			v, _ := p.Requests[0].Context.Get("s3:versionid")
			if lists := catalog.Default().KeyApplies(catalog.Default().Action(action), "s3:versionid"); lists != equal(v, []string{"v1"}) {
				t.Errorf("s3:versionid = %q (the catalog lists it for %s: %v)", v, action, lists)
			}
			unversioned := plan(t, s3Call(t, op, nil))
			if unversioned.Requests[0].Action == action {
				t.Errorf("without a versionId the action is still %s", action)
			}
		})
	}
	for from, to := range s3VersionActions {
		if catalog.Default().Action(from) == nil || catalog.Default().Action(to) == nil {
			t.Errorf("%s -> %s: not both in the catalog", from, to)
		}
	}
}

func TestS3ExtraRequests(t *testing.T) {
	const h = "http://localhost:4566"
	cases := []flowCase{
		{name: "PutObject with a canned ACL and tags", signing: "s3", method: "PUT", url: h + "/b/k",
			headers: []string{"x-amz-acl: public-read", "x-amz-tagging: team=a", "x-amz-storage-class: STANDARD_IA"},
			op:      "PutObject", want: []string{
				"s3:PutObject arn:aws:s3:::b/k", "s3:PutObjectAcl arn:aws:s3:::b/k", "s3:PutObjectTagging arn:aws:s3:::b/k"},
			keys: withS3Keys("s3:RequestObjectTag/team=a", "s3:RequestObjectTagKeys=team", "s3:x-amz-acl=public-read", "s3:x-amz-storage-class=STANDARD_IA")},
		{name: "PutObject with a grant", signing: "s3", method: "PUT", url: h + "/b/k",
			headers: []string{"x-amz-grant-read: id=abc"},
			op:      "PutObject", want: []string{"s3:PutObject arn:aws:s3:::b/k", "s3:PutObjectAcl arn:aws:s3:::b/k"},
			keys: withS3Keys("s3:x-amz-grant-read=id=abc")},
		{name: "CopyObject reads its source", signing: "s3", method: "PUT", url: h + "/dst/new",
			headers: []string{"x-amz-copy-source: /src/dir/a%20b.txt?versionId=v7", "x-amz-metadata-directive: REPLACE"},
			op:      "CopyObject", want: []string{"s3:PutObject arn:aws:s3:::dst/new", "s3:GetObjectVersion arn:aws:s3:::src/dir/a b.txt"},
			keys: withS3Keys("s3:x-amz-copy-source=/src/dir/a%20b.txt?versionId=v7", "s3:x-amz-metadata-directive=REPLACE")},
		{name: "UploadPartCopy reads its source", signing: "s3", method: "PUT", url: h + "/dst/new?partNumber=1&uploadId=u",
			headers: []string{"x-amz-copy-source: src/k"},
			op:      "UploadPartCopy", want: []string{"s3:PutObject arn:aws:s3:::dst/new", "s3:GetObject arn:aws:s3:::src/k"}},
		{name: "CopyObject from an access point: source underived", signing: "s3", method: "PUT", url: h + "/dst/new",
			headers: []string{"x-amz-copy-source: arn:aws:s3:us-west-2:111122223333:accesspoint/ap/object/k"},
			op:      "CopyObject", want: []string{"s3:PutObject arn:aws:s3:::dst/new", "s3:GetObject *"},
			underived: []string{"s3:accesspointobject", "s3:object"}},
		{name: "DeleteObjects deletes each object", signing: "s3", method: "POST", url: h + "/b?delete",
			body: `<Delete><Object><Key>a</Key></Object><Object><Key>b/c</Key><VersionId>v2</VersionId></Object><Quiet>true</Quiet></Delete>`,
			op:   "DeleteObjects", want: []string{"s3:DeleteObject arn:aws:s3:::b/a", "s3:DeleteObjectVersion arn:aws:s3:::b/b/c"}},
		{name: "DeleteObjects without a readable body", signing: "s3", method: "POST", url: h + "/b?delete", body: "nonsense",
			op: "DeleteObjects", want: []string{"s3:DeleteObject *"}, underived: []string{"s3:accesspointobject", "s3:object"}},
		{name: "CreateBucket with ACL, ownership, object lock and a location", signing: "s3", method: "PUT", url: h + "/newb",
			headers: []string{"x-amz-acl: private", "x-amz-object-ownership: BucketOwnerEnforced", "x-amz-bucket-object-lock-enabled: true"},
			body:    `<CreateBucketConfiguration><LocationConstraint>eu-west-1</LocationConstraint></CreateBucketConfiguration>`,
			op:      "CreateBucket", want: []string{
				"s3:CreateBucket arn:aws:s3:::newb", "s3:PutBucketAcl arn:aws:s3:::newb", "s3:PutBucketOwnershipControls arn:aws:s3:::newb",
				"s3:PutBucketObjectLockConfiguration arn:aws:s3:::newb", "s3:PutBucketVersioning arn:aws:s3:::newb"},
			keys: withS3Keys("s3:locationconstraint=eu-west-1", "s3:x-amz-acl=private", "s3:x-amz-object-ownership=BucketOwnerEnforced")},
		{name: "PutObjectTagging's body tags", signing: "s3", method: "PUT", url: h + "/b/k?tagging",
			body: `<Tagging><TagSet><Tag><Key>team</Key><Value>a</Value></Tag></TagSet></Tagging>`,
			op:   "PutObjectTagging", want: []string{"s3:PutObjectTagging arn:aws:s3:::b/k"},
			keys: withS3Keys("s3:RequestObjectTag/team=a", "s3:RequestObjectTagKeys=team")},
		{name: "a key that spells an ARN is a key", signing: "s3", method: "GET", url: h + "/b/arn:aws:s3:::other/secret",
			op: "GetObject", want: []string{"s3:GetObject arn:aws:s3:::b/arn:aws:s3:::other/secret"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, tc.run)
	}
}
