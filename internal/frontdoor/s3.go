package frontdoor

import (
	"net/http"
	"net/url"
	"strings"
)

// s3Actions are the S3 operations whose action is not their name, as the S3 API Reference's
// "Permissions" sections and the Service Authorization Reference name them.
var s3Actions = map[string]string{
	"CompleteMultipartUpload":                     "PutObject",
	"CopyObject":                                  "PutObject",
	"CreateMultipartUpload":                       "PutObject",
	"UploadPart":                                  "PutObject",
	"UploadPartCopy":                              "PutObject",
	"HeadObject":                                  "GetObject",
	"SelectObjectContent":                         "GetObject",
	"HeadBucket":                                  "ListBucket",
	"ListObjects":                                 "ListBucket",
	"ListObjectsV2":                               "ListBucket",
	"ListObjectVersions":                          "ListBucketVersions",
	"ListMultipartUploads":                        "ListBucketMultipartUploads",
	"ListParts":                                   "ListMultipartUploadParts",
	"ListBuckets":                                 "ListAllMyBuckets",
	"DeleteObjects":                               "DeleteObject", // on each object the body names
	"DeleteBucketAnalyticsConfiguration":          "PutAnalyticsConfiguration",
	"GetBucketAnalyticsConfiguration":             "GetAnalyticsConfiguration",
	"ListBucketAnalyticsConfigurations":           "GetAnalyticsConfiguration",
	"PutBucketAnalyticsConfiguration":             "PutAnalyticsConfiguration",
	"DeleteBucketCors":                            "PutBucketCORS",
	"DeleteBucketEncryption":                      "PutEncryptionConfiguration",
	"GetBucketEncryption":                         "GetEncryptionConfiguration",
	"PutBucketEncryption":                         "PutEncryptionConfiguration",
	"DeleteBucketIntelligentTieringConfiguration": "PutIntelligentTieringConfiguration",
	"GetBucketIntelligentTieringConfiguration":    "GetIntelligentTieringConfiguration",
	"ListBucketIntelligentTieringConfigurations":  "GetIntelligentTieringConfiguration",
	"PutBucketIntelligentTieringConfiguration":    "PutIntelligentTieringConfiguration",
	"DeleteBucketInventoryConfiguration":          "PutInventoryConfiguration",
	"GetBucketInventoryConfiguration":             "GetInventoryConfiguration",
	"ListBucketInventoryConfigurations":           "GetInventoryConfiguration",
	"PutBucketInventoryConfiguration":             "PutInventoryConfiguration",
	"DeleteBucketLifecycle":                       "PutLifecycleConfiguration",
	"GetBucketLifecycle":                          "GetLifecycleConfiguration",
	"GetBucketLifecycleConfiguration":             "GetLifecycleConfiguration",
	"PutBucketLifecycle":                          "PutLifecycleConfiguration",
	"PutBucketLifecycleConfiguration":             "PutLifecycleConfiguration",
	"DeleteBucketMetricsConfiguration":            "PutMetricsConfiguration",
	"GetBucketMetricsConfiguration":               "GetMetricsConfiguration",
	"ListBucketMetricsConfigurations":             "GetMetricsConfiguration",
	"PutBucketMetricsConfiguration":               "PutMetricsConfiguration",
	"DeleteBucketOwnershipControls":               "PutBucketOwnershipControls",
	"DeleteBucketReplication":                     "PutReplicationConfiguration",
	"GetBucketReplication":                        "GetReplicationConfiguration",
	"PutBucketReplication":                        "PutReplicationConfiguration",
	"DeleteBucketTagging":                         "PutBucketTagging",
	"DeletePublicAccessBlock":                     "PutBucketPublicAccessBlock",
	"GetPublicAccessBlock":                        "GetBucketPublicAccessBlock",
	"PutPublicAccessBlock":                        "PutBucketPublicAccessBlock",
	"GetBucketAccelerateConfiguration":            "GetAccelerateConfiguration",
	"PutBucketAccelerateConfiguration":            "PutAccelerateConfiguration",
	"GetBucketNotificationConfiguration":          "GetBucketNotification",
	"PutBucketNotificationConfiguration":          "PutBucketNotification",
	"GetObjectLockConfiguration":                  "GetBucketObjectLockConfiguration",
	"PutObjectLockConfiguration":                  "PutBucketObjectLockConfiguration",
	"CreateSession":                               "s3express:CreateSession",
	"ListDirectoryBuckets":                        "s3express:ListAllMyDirectoryBuckets",
	"WriteGetObjectResponse":                      "s3-object-lambda:WriteGetObjectResponse",
}

// s3VersionActions are the actions that become another when the call names an object's
// version (versionId): GetObject with a versionId is s3:GetObjectVersion.
var s3VersionActions = map[string]string{
	"s3:GetObject":           "s3:GetObjectVersion",
	"s3:DeleteObject":        "s3:DeleteObjectVersion",
	"s3:GetObjectAcl":        "s3:GetObjectVersionAcl",
	"s3:PutObjectAcl":        "s3:PutObjectVersionAcl",
	"s3:GetObjectTagging":    "s3:GetObjectVersionTagging",
	"s3:PutObjectTagging":    "s3:PutObjectVersionTagging",
	"s3:DeleteObjectTagging": "s3:DeleteObjectVersionTagging",
	"s3:GetObjectAttributes": "s3:GetObjectVersionAttributes",
}

func init() {
	rules["s3"] = &rule{
		actions: s3Actions,
		aliases: map[string][]string{"ObjectName": {"Key"}},
		literal: true,
		path:    s3Path,
		decoded: s3Decoded,
		needs:   s3Needs,
		keys:    s3Keys,
	}
}

// s3Decoded reads the tags an S3 request sets: the x-amz-tagging header of an object's
// upload ("k1=v1&k2=v2"), the <Tagging> body of PutObjectTagging and PutBucketTagging.
func s3Decoded(c *Call, _ *http.Request) {
	if t := c.Param("Tagging"); t != "" && c.Operation.Name != "PutObjectTagging" && c.Operation.Name != "PutBucketTagging" {
		if q, err := url.ParseQuery(t); err == nil {
			for k, v := range q {
				c.Tags = mergeTags(c.Tags, map[string]string{k: strings.Join(v, ",")})
			}
		}
	}
	switch c.Operation.Name {
	case "PutObjectTagging", "PutBucketTagging":
		for _, tag := range xmlRecords(c.Body, "Tag") {
			if key, value, ok := pairOf(tag); ok {
				c.Tags = mergeTags(c.Tags, map[string]string{key: value})
			}
		}
	}
}

// s3Needs are what an S3 call needs beyond its action: the action's version form when the
// call names a version; s3:PutObjectAcl and s3:PutObjectTagging when an object is written with
// an ACL or tags, the bucket's ACL, ownership and object lock actions when a bucket is
// created with them; s3:GetObject on a copy's source; s3:DeleteObject on each object
// DeleteObjects names.
func s3Needs(c *Call, first need) []need {
	if c.Operation.Name == "DeleteObjects" {
		return s3DeleteObjects(c, first)
	}
	needs := []need{s3Versioned(first)}
	also := func(action string) { needs = append(needs, need{action: action, params: first.params}) }
	switch c.Operation.Name {
	case "PutObject", "CopyObject", "CreateMultipartUpload":
		if s3GivesACL(c) {
			also("s3:PutObjectAcl")
		}
		if c.Param("Tagging") != "" {
			also("s3:PutObjectTagging")
		}
	case "CreateBucket":
		if s3GivesACL(c) {
			also("s3:PutBucketAcl")
		}
		if c.Param("ObjectOwnership") != "" {
			also("s3:PutBucketOwnershipControls")
		}
		if strings.EqualFold(c.Param("ObjectLockEnabledForBucket"), "true") {
			also("s3:PutBucketObjectLockConfiguration")
			also("s3:PutBucketVersioning")
		}
	}
	if source := c.Param("CopySource"); source != "" {
		needs = append(needs, s3Versioned(need{action: "s3:GetObject", params: copySource(source)}))
	}
	return needs
}

// s3Versioned is the need in its version form when its parameters name a version.
func s3Versioned(n need) need {
	if v := n.params["VersionId"]; len(v) > 0 && v[0] != "" {
		if action, ok := s3VersionActions[n.action]; ok {
			n.action = action
		}
	}
	return n
}

// s3GivesACL reports whether the call sets an ACL: a canned one (x-amz-acl) or grants.
func s3GivesACL(c *Call) bool {
	for _, m := range []string{"ACL", "GrantFullControl", "GrantRead", "GrantReadACP", "GrantWrite", "GrantWriteACP"} {
		if c.Param(m) != "" {
			return true
		}
	}
	return false
}

// copySource reads x-amz-copy-source ("/bucket/key?versionId=v", the key URL-encoded) as the
// parameters of the source object; an access point's ARN is no bucket and key.
func copySource(v string) map[string][]string {
	path, query, _ := strings.Cut(strings.TrimPrefix(v, "/"), "?")
	params := map[string][]string{}
	if strings.HasPrefix(path, "arn:") {
		return params
	}
	if p, err := url.PathUnescape(path); err == nil {
		path = p
	}
	if bucket, key, ok := strings.Cut(path, "/"); ok && bucket != "" && key != "" {
		params["Bucket"], params["Key"] = []string{bucket}, []string{key}
	}
	if q, err := url.ParseQuery(query); err == nil && q.Get("versionId") != "" {
		params["VersionId"] = []string{q.Get("versionId")}
	}
	return params
}

// s3DeleteObjects is s3:DeleteObject (s3:DeleteObjectVersion) on each object the body's
// <Delete> names; with none read, s3:DeleteObject on an object not derived.
func s3DeleteObjects(c *Call, first need) []need {
	var needs []need
	for _, o := range xmlRecords(c.Body, "Object") {
		params := map[string][]string{"Bucket": c.Params["Bucket"], "Key": {o["Key"]}}
		if o["VersionId"] != "" {
			params["VersionId"] = []string{o["VersionId"]}
		}
		needs = append(needs, s3Versioned(need{action: first.action, params: params}))
	}
	if len(needs) == 0 {
		needs = []need{{action: first.action, params: map[string][]string{"Bucket": c.Params["Bucket"]}}}
	}
	return needs
}

// s3Keys computes S3's keys of the request itself: s3:authType (REST-HEADER, or
// REST-QUERY-STRING for a presigned URL), s3:signatureversion (AWS4-HMAC-SHA256, or AWS for
// Signature Version 2), s3:locationconstraint (CreateBucket's body).
func s3Keys(c *Call, key string) []string {
	switch strings.ToLower(key) {
	case "s3:authtype":
		if c.Presigned {
			return []string{"REST-QUERY-STRING"}
		}
		return []string{"REST-HEADER"}
	case "s3:signatureversion":
		if strings.HasPrefix(c.Header.Get("Authorization"), "AWS ") {
			return []string{"AWS"}
		}
		return []string{"AWS4-HMAC-SHA256"}
	case "s3:locationconstraint":
		for _, r := range xmlRecords(c.Body, "CreateBucketConfiguration") {
			if r["LocationConstraint"] != "" {
				return []string{r["LocationConstraint"]}
			}
		}
	}
	return nil
}
