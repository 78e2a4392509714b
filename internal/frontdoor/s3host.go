package frontdoor

import (
	"net"
	"net/http"
	"net/url"
	"strings"
)

// s3Path is the path an S3 request is matched with: its own (path-style,
// http://HOST/bucket/key), or, virtual-hosted-style, the bucket its host names before it
// (http://bucket.s3.amazonaws.com/key is /bucket/key). A request to S3 Control (its host,
// or the x-amz-account-id header every S3 Control call sends) is not S3's.
func s3Path(r *http.Request) (string, bool) {
	if r.Header.Get("x-amz-account-id") != "" || strings.Contains(strings.ToLower(r.Host), ".s3-control.") {
		return "", false
	}
	path := r.URL.EscapedPath()
	bucket := hostBucket(r.Host)
	if bucket == "" {
		return path, true
	}
	if path == "" {
		path = "/"
	}
	return "/" + url.PathEscape(bucket) + path, true
}

// hostBucket is the bucket a virtual-hosted-style host names, "" for a path-style host: the
// labels before the first that names S3 (s3, s3-REGION, s3-fips, s3express-..., or
// localhost, as LocalStack's BUCKET.localhost and BUCKET.s3.localhost.localstack.cloud):
// "my.bucket.s3.us-east-1.amazonaws.com" names my.bucket, "s3.amazonaws.com" none. Hosts of
// S3 Control, access points and Outposts name no bucket.
func hostBucket(host string) string {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	if host == "" || net.ParseIP(host) != nil {
		return ""
	}
	labels := strings.Split(host, ".")
	for i, l := range labels {
		if !namesS3(l) {
			continue
		}
		return strings.Join(labels[:i], ".")
	}
	return ""
}

// namesS3 reports whether a host label is S3's own, after which a virtual-hosted bucket ends.
func namesS3(label string) bool {
	switch label {
	case "s3", "localhost":
		return true
	case "s3-control", "s3-accesspoint", "s3-object-lambda", "s3-outposts":
		return false
	}
	return strings.HasPrefix(label, "s3-") || strings.HasPrefix(label, "s3express-")
}
