package upstreamtest

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/iamd-dev/iamd/internal/arn"
)

// PolicyReadAgent is the User-Agent of the door's own reads of resource policies
// (upstream.PolicyReadAgent, which this package cannot name: upstream's tests import it).
const PolicyReadAgent = "iamd/resource-policy"

// HoldPolicy makes the upstream hold the policy document for the resource (a bucket's,
// queue's, topic's, key's or function's ARN); "" removes it. The door's reads answer it.
func (rec *Recorder) HoldPolicy(resourceARN, doc string) {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if rec.held == nil {
		rec.held = map[string]string{}
	}
	if doc == "" {
		delete(rec.held, resourceARN)
		return
	}
	rec.held[resourceARN] = doc
}

// BreakPolicyReads makes every later read of a resource policy fail: 500 InternalError.
func (rec *Recorder) BreakPolicyReads() {
	rec.mu.Lock()
	rec.readsBreak = true
	rec.mu.Unlock()
}

// PolicyReads are the door's own reads of resource policies so far, in order.
func (rec *Recorder) PolicyReads() []Request {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]Request(nil), rec.reads...)
}

// answerPolicyRead records a read of a resource policy and answers it in its service's
// protocol, as AWS does: the policy held, or the service's answer for none.
func (rec *Recorder) answerPolicyRead(w http.ResponseWriter, r Request) {
	rec.mu.Lock()
	rec.reads = append(rec.reads, r)
	broken := rec.readsBreak
	rec.mu.Unlock()
	if broken {
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte(`<Error><Code>InternalError</Code><Message>We encountered an internal error.</Message></Error>`))
		return
	}
	u, _ := url.Parse(r.URI)
	switch target := r.Header.Get("X-Amz-Target"); {
	case target == "AmazonSQS.GetQueueAttributes":
		var in struct {
			QueueURL string `json:"QueueUrl"`
		}
		_ = json.Unmarshal([]byte(r.Body), &in)
		q, _ := url.Parse(in.QueueURL)
		account, name, _ := strings.Cut(strings.TrimPrefix(q.Path, "/"), "/")
		doc, ok := rec.policy(arn.InRegion("sqs", r.Signed.Region, account, name))
		attributes := map[string]string{}
		if ok {
			attributes["Policy"] = doc
		}
		writeJSON(w, 200, "", map[string]any{"Attributes": attributes})
	case target == "TrentService.GetKeyPolicy":
		var in struct {
			KeyID string `json:"KeyId"`
		}
		_ = json.Unmarshal([]byte(r.Body), &in)
		if doc, ok := rec.policy(in.KeyID); ok {
			writeJSON(w, 200, "", map[string]any{"Policy": doc, "PolicyName": "default"})
			return
		}
		writeJSON(w, 400, "NotFoundException", map[string]any{"__type": "NotFoundException", "message": "Key '" + in.KeyID + "' does not exist"})
	case strings.Contains(r.Body, "Action=GetTopicAttributes"):
		form, _ := url.ParseQuery(r.Body)
		doc, ok := rec.policy(form.Get("TopicArn"))
		if !ok {
			w.WriteHeader(404)
			_, _ = w.Write([]byte(`<ErrorResponse><Error><Type>Sender</Type><Code>NotFound</Code><Message>Topic does not exist</Message></Error></ErrorResponse>`))
			return
		}
		var out strings.Builder
		_ = xml.EscapeText(&out, []byte(doc))
		_, _ = fmt.Fprintf(w, `<GetTopicAttributesResponse><GetTopicAttributesResult><Attributes><entry><key>Policy</key><value>%s</value></entry></Attributes></GetTopicAttributesResult></GetTopicAttributesResponse>`, out.String())
	case strings.HasPrefix(u.Path, "/2015-03-31/functions/") && strings.HasSuffix(u.Path, "/policy"):
		name := strings.TrimSuffix(strings.TrimPrefix(u.Path, "/2015-03-31/functions/"), "/policy")
		if q := u.Query().Get("Qualifier"); q != "" {
			name += ":" + q
		}
		if doc, ok := rec.functionPolicy(name); ok {
			writeJSON(w, 200, "", map[string]any{"Policy": doc, "RevisionId": "1"})
			return
		}
		writeJSON(w, 404, "ResourceNotFoundException", map[string]any{"Type": "User", "Message": "The resource you requested does not exist."})
	case u.RawQuery == "policy":
		if doc, ok := rec.policy(arn.New(arn.PartitionOf(r.Signed.Region), "s3", "", "", strings.TrimPrefix(u.Path, "/"))); ok {
			_, _ = w.Write([]byte(doc))
			return
		}
		w.WriteHeader(404)
		_, _ = w.Write([]byte(`<Error><Code>NoSuchBucketPolicy</Code><Message>The bucket policy does not exist</Message></Error>`))
	default:
		rec.t.Errorf("the door read a resource policy the upstream does not know how to answer: %s %s", r.Method, r.URI)
		w.WriteHeader(400)
	}
}

func (rec *Recorder) policy(resourceARN string) (string, bool) {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	doc, ok := rec.held[resourceARN]
	return doc, ok
}

// functionPolicy is the policy held for the function of the name (and qualifier), in any
// account and region.
func (rec *Recorder) functionPolicy(name string) (string, bool) {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	for held, doc := range rec.held {
		if a, err := arn.Parse(held); err == nil && a.Service == "lambda" && strings.HasSuffix(held, ":function:"+name) {
			return doc, true
		}
	}
	return "", false
}

func writeJSON(w http.ResponseWriter, status int, errorType string, body any) {
	w.Header().Set("Content-Type", "application/json")
	if errorType != "" {
		w.Header().Set("X-Amzn-ErrorType", errorType)
	}
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}
