package frontdoor

import (
	"mime"
	"net/http"
	"strings"

	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/opmodel"
)

// Call is a decoded request to a service: its operation and the parameters authorization
// is derived from.
type Call struct {
	Service   *opmodel.Service
	Operation *opmodel.Operation
	// Params are the input's values by model member name: URI labels, query string and
	// header members, top-level body scalars, lists of scalars, and the keys of maps.
	Params map[string][]string
	Region string // from the credential scope

	// Tags are the tags the request sets on a resource (aws:RequestTag/*, and S3's
	// s3:RequestObjectTag/* from x-amz-tagging), by key; TagKeys are the keys it sets or
	// removes (aws:TagKeys), sorted.
	Tags    map[string]string
	TagKeys []string

	// Path is the request's URL path, unescaped (API Gateway's resources are paths).
	Path string
	// Header is the request's headers, for the condition keys named after a header that no
	// input member carries (s3:x-amz-content-sha256).
	Header http.Header
	// Presigned reports that the signature was in the query string rather than in an
	// Authorization header (S3's s3:authType REST-QUERY-STRING).
	Presigned bool
	// Body is the request's body, for the rules that read what a top-level member does not
	// hold (the keys of S3's DeleteObjects, DynamoDB's transactions).
	Body []byte
}

// Param is the first value of an input member, "" when the call gives none.
func (c *Call) Param(member string) string {
	if v := c.Params[member]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// Decode reads a request to svc (the service the credential scope names) whose body was read.
// Where several services sign with svc's name, the request's target, path or Version picks
// among them (DynamoDB Streams signs as dynamodb, S3 Control as s3, ELBv2 as
// elasticloadbalancing). An operation the models do
// not know is an *awserr.Error in the protocol's words: InvalidAction (query, ec2),
// UnknownOperationException (json, rest-json), MethodNotAllowed (S3).
func Decode(m *opmodel.Models, svc *opmodel.Service, r *http.Request, body []byte) (*Call, error) {
	var c *Call
	var err *awserr.Error
	switch svc.Protocol {
	case "query", "ec2":
		c, err = decodeForm(m, svc, r, body)
	case "json":
		if svc.QueryCompatible && isForm(r) {
			// SQS took the query protocol before JSON, and older SDKs still send it.
			c, err = decodeForm(m, svc, r, body)
		} else {
			c, err = decodeJSON(m, svc, r, body)
		}
	case "rest-json", "rest-xml":
		c, err = decodeREST(m, svc, r, body)
	default:
		return nil, awserr.New("InternalFailure", "The protocol %q of %s is not one iamd reads.", svc.Protocol, svc.ID)
	}
	if err != nil {
		return nil, err
	}
	c.Region = credentialRegion(r)
	c.Path = r.URL.Path
	c.Header = r.Header
	c.Presigned = r.Header.Get("Authorization") == "" && r.URL.Query().Get("X-Amz-Credential") != ""
	c.Body = body
	if rule := rulesOf(c.Service); rule.decoded != nil {
		rule.decoded(c, r)
	}
	c.TagKeys = tagKeys(c.Tags, c.TagKeys)
	return c, nil
}

// newCall is a call of an operation with no parameters yet.
func newCall(svc *opmodel.Service, op *opmodel.Operation) *Call {
	return &Call{Service: svc, Operation: op, Params: map[string][]string{}}
}

// isForm reports whether the request's body is a URL-encoded form.
func isForm(r *http.Request) bool {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return mt == "application/x-www-form-urlencoded"
}

// credentialRegion is the region of the request's SigV4 credential scope
// (KEY/DATE/REGION/SERVICE/aws4_request), from the Authorization header or, for a presigned
// request, X-Amz-Credential; "" when it names none.
func credentialRegion(r *http.Request) string {
	scope := r.URL.Query().Get("X-Amz-Credential")
	if auth := r.Header.Get("Authorization"); auth != "" {
		_, after, ok := strings.Cut(auth, "Credential=")
		if !ok {
			return ""
		}
		scope, _, _ = strings.Cut(after, ",")
	}
	parts := strings.Split(strings.TrimSpace(scope), "/")
	if len(parts) != 5 {
		return ""
	}
	return parts[2]
}
