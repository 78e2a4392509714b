package frontdoor

import "net/http"

// s3ControlActions are the S3 Control operations whose action is not their name. Its bucket
// operations are S3 on Outposts' (s3-outposts:, each a Delete* being the Put* of its
// configuration, as S3's are); its public access block is the account's.
var s3ControlActions = map[string]string{
	"CreateBucket":                       "s3-outposts:CreateBucket",
	"DeleteBucket":                       "s3-outposts:DeleteBucket",
	"GetBucket":                          "s3-outposts:GetBucket",
	"ListRegionalBuckets":                "s3-outposts:ListRegionalBuckets",
	"DeleteBucketPolicy":                 "s3-outposts:DeleteBucketPolicy",
	"GetBucketPolicy":                    "s3-outposts:GetBucketPolicy",
	"PutBucketPolicy":                    "s3-outposts:PutBucketPolicy",
	"DeleteBucketTagging":                "s3-outposts:PutBucketTagging",
	"GetBucketTagging":                   "s3-outposts:GetBucketTagging",
	"PutBucketTagging":                   "s3-outposts:PutBucketTagging",
	"GetBucketVersioning":                "s3-outposts:GetBucketVersioning",
	"PutBucketVersioning":                "s3-outposts:PutBucketVersioning",
	"DeleteBucketLifecycleConfiguration": "s3-outposts:PutLifecycleConfiguration",
	"GetBucketLifecycleConfiguration":    "s3-outposts:GetLifecycleConfiguration",
	"PutBucketLifecycleConfiguration":    "s3-outposts:PutLifecycleConfiguration",
	"DeleteBucketReplication":            "s3-outposts:PutReplicationConfiguration",
	"GetBucketReplication":               "s3-outposts:GetReplicationConfiguration",
	"PutBucketReplication":               "s3-outposts:PutReplicationConfiguration",
	"DeletePublicAccessBlock":            "PutAccountPublicAccessBlock",
	"GetPublicAccessBlock":               "GetAccountPublicAccessBlock",
	"PutPublicAccessBlock":               "PutAccountPublicAccessBlock",
}

func init() {
	rules["s3control"] = &rule{actions: s3ControlActions, decoded: outpostFromHeader}
}

// outpostFromHeader reads the Outpost an S3 on Outposts call names: the SDKs send a bucket's
// ARN as its name in the path and its Outpost in x-amz-outpost-id.
func outpostFromHeader(c *Call, r *http.Request) {
	if id := r.Header.Get("x-amz-outpost-id"); id != "" && c.Param("OutpostId") == "" {
		c.Params["OutpostId"] = []string{id}
	}
}
