package frontdoor

import "net/http"

// S3PathStyle is an S3 request's path in path-style (/bucket/key): the request's own, or,
// for a virtual-hosted-style request, with the bucket its host names put first. A request
// forwarded to another host keeps its bucket this way. A request to S3 Control keeps its
// own path.
func S3PathStyle(r *http.Request) string {
	if path, ok := s3Path(r); ok {
		return path
	}
	return r.URL.EscapedPath()
}
