package upstream

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/iamd-dev/iamd/internal/resourcepolicy"
	"github.com/iamd-dev/iamd/internal/sigv4"
)

// PolicyReader reads the policies that resources hold in their upstreams (bucket, queue,
// topic, key and function policies), each call its service's own, signed with the
// upstream's keys. It is a resourcepolicy.Reader.
type PolicyReader struct {
	client    *Client
	upstreams Set
}

var _ resourcepolicy.Reader = (*PolicyReader)(nil)

// NewPolicyReader reads policies from the upstreams with the client.
func NewPolicyReader(c *Client, upstreams Set) *PolicyReader {
	return &PolicyReader{client: c, upstreams: upstreams}
}

// PolicyReadAgent is the User-Agent of iamd's own reads of resource policies: it tells
// them, in an upstream's logs, from the callers' calls forwarded.
const PolicyReadAgent = "iamd/resource-policy"

// maxPolicyAnswer bounds an answer read for a policy (AWS's largest, a key policy, is
// 32 KB).
const maxPolicyAnswer = 1 << 20

// policyCall is how one kind of holder's policy is read: the call that reads it, where its
// answer has the document, and the error codes that mean it has none.
type policyCall struct {
	request  func(h resourcepolicy.Holder, base string) outgoing
	document func(answer []byte) (string, error)
	none     []string
}

// outgoing is a request of iamd's own to an upstream.
type outgoing struct {
	method, path, query string
	header              http.Header
	body                []byte
}

var policyCalls = map[resourcepolicy.Kind]policyCall{
	resourcepolicy.Bucket: {
		request: func(h resourcepolicy.Holder, _ string) outgoing {
			return outgoing{method: http.MethodGet, path: "/" + url.PathEscape(h.Name), query: "policy"}
		},
		document: func(answer []byte) (string, error) { return string(answer), nil },
		none:     []string{"NoSuchBucketPolicy", "NoSuchBucket"},
	},
	resourcepolicy.Queue: {
		request: func(h resourcepolicy.Holder, base string) outgoing {
			return jsonCall("1.0", "AmazonSQS.GetQueueAttributes", map[string]any{
				"QueueUrl": base + "/" + h.Account + "/" + h.Name, "AttributeNames": []string{"Policy"}})
		},
		document: func(answer []byte) (string, error) {
			var out struct{ Attributes map[string]string }
			err := json.Unmarshal(answer, &out)
			return out.Attributes["Policy"], err
		},
		none: []string{"QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue"},
	},
	resourcepolicy.Topic: {
		request: func(h resourcepolicy.Holder, _ string) outgoing {
			form := url.Values{"Action": {"GetTopicAttributes"}, "Version": {"2010-03-31"}, "TopicArn": {h.ARN}}
			return outgoing{method: http.MethodPost, path: "/", body: []byte(form.Encode()),
				header: http.Header{"Content-Type": {"application/x-www-form-urlencoded; charset=utf-8"}}}
		},
		document: func(answer []byte) (string, error) {
			var out struct {
				Entries []struct {
					Key   string `xml:"key"`
					Value string `xml:"value"`
				} `xml:"GetTopicAttributesResult>Attributes>entry"`
			}
			if err := xml.Unmarshal(answer, &out); err != nil {
				return "", err
			}
			for _, e := range out.Entries {
				if e.Key == "Policy" {
					return e.Value, nil
				}
			}
			return "", nil
		},
		none: []string{"NotFound", "NotFoundException"},
	},
	resourcepolicy.Key: {
		request: func(h resourcepolicy.Holder, _ string) outgoing {
			return jsonCall("1.1", "TrentService.GetKeyPolicy", map[string]any{"KeyId": h.ARN, "PolicyName": "default"})
		},
		document: policyMember,
		none:     []string{"NotFoundException"},
	},
	resourcepolicy.Function: {
		request: func(h resourcepolicy.Holder, _ string) outgoing {
			o := outgoing{method: http.MethodGet, path: "/2015-03-31/functions/" + url.PathEscape(h.Name) + "/policy"}
			if h.Qualifier != "" {
				o.query = url.Values{"Qualifier": {h.Qualifier}}.Encode()
			}
			return o
		},
		document: policyMember,
		none:     []string{"ResourceNotFoundException"},
	},
}

// jsonCall is a call of the JSON protocol.
func jsonCall(version, target string, input map[string]any) outgoing {
	body, _ := json.Marshal(input)
	return outgoing{method: http.MethodPost, path: "/", body: body, header: http.Header{
		"Content-Type": {"application/x-amz-json-" + version}, "X-Amz-Target": {target}}}
}

// policyMember is the document of an answer {"Policy": "..."} (KMS's, Lambda's).
func policyMember(answer []byte) (string, error) {
	var out struct{ Policy string }
	err := json.Unmarshal(answer, &out)
	return out.Policy, err
}

// ReadPolicy reads the holder's policy from the upstream of its service: "" when it has
// none, or does not exist.
func (p *PolicyReader) ReadPolicy(ctx context.Context, h resourcepolicy.Holder) (string, error) {
	pc, ok := policyCalls[h.Kind]
	if !ok {
		return "", fmt.Errorf("upstream: no call reads a %s", h.Kind)
	}
	t, ok := p.upstreams.For(h.Service)
	if !ok {
		return "", fmt.Errorf("upstream: no upstream serves %s", h.Service)
	}
	status, header, answer, err := p.client.send(ctx, pc.request(h, t.URL.Scheme+"://"+t.URL.Host), t, h.Region, h.Service)
	if err != nil {
		return "", err
	}
	if status/100 == 2 {
		doc, err := pc.document(answer)
		if err != nil {
			return "", fmt.Errorf("upstream: reading the %s of %s: %w", h.Kind, h.ARN, err)
		}
		return doc, nil
	}
	codes := errorCodes(header, answer)
	for _, c := range codes {
		if slices.Contains(pc.none, c) {
			return "", nil
		}
	}
	return "", fmt.Errorf("upstream: reading the %s of %s: the upstream answered %d %s", h.Kind, h.ARN, status, strings.Join(codes, " "))
}

// send sends a request of iamd's own to the target, signed with its keys for the region
// and service, and returns the answer's status, headers and body.
func (c *Client) send(ctx context.Context, o outgoing, t Target, region, service string) (int, http.Header, []byte, error) {
	target := t.URL.Scheme + "://" + t.URL.Host + o.path
	if o.query != "" {
		target += "?" + o.query
	}
	req, err := http.NewRequestWithContext(ctx, o.method, target, bytes.NewReader(o.body))
	if err != nil {
		return 0, nil, nil, err
	}
	for k, vs := range o.header {
		req.Header[k] = vs
	}
	req.Header.Set("User-Agent", PolicyReadAgent)
	if err := sigv4.Sign(req, o.body, t.Credentials, region, service, c.now()); err != nil {
		return 0, nil, nil, err
	}
	resp, err := c.transport.RoundTrip(req)
	if err != nil {
		return 0, nil, nil, fmt.Errorf("upstream: %s %s: %w", o.method, o.path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxPolicyAnswer+1))
	switch {
	case err != nil:
		return 0, nil, nil, fmt.Errorf("upstream: %s %s: reading the answer: %w", o.method, o.path, err)
	case len(body) > maxPolicyAnswer:
		return 0, nil, nil, fmt.Errorf("upstream: %s %s: the answer is over %d bytes", o.method, o.path, maxPolicyAnswer)
	}
	return resp.StatusCode, resp.Header, body, nil
}

// errorCodes are the codes an error answer gives, in each protocol's place: X-Amzn-ErrorType
// and __type (JSON, REST-JSON; "namespace#Code" or "Code:uri"), x-amzn-query-error (a JSON
// service's Query code), and <Code> (S3's and the Query protocol's XML).
func errorCodes(header http.Header, body []byte) []string {
	var codes []string
	add := func(c string) {
		if i := strings.LastIndexByte(c, '#'); i >= 0 {
			c = c[i+1:]
		}
		c, _, _ = strings.Cut(c, ":")
		if c = strings.TrimSpace(c); c != "" && !slices.Contains(codes, c) {
			codes = append(codes, c)
		}
	}
	add(header.Get("X-Amzn-ErrorType"))
	if q, _, ok := strings.Cut(header.Get("X-Amzn-Query-Error"), ";"); ok {
		add(q)
	}
	var asJSON struct {
		Type  string `json:"__type"`
		Code  string `json:"code"`
		Upper string `json:"Code"`
	}
	if json.Unmarshal(body, &asJSON) == nil {
		add(asJSON.Type)
		add(asJSON.Code)
		add(asJSON.Upper)
		return codes
	}
	dec := xml.NewDecoder(bytes.NewReader(body))
	for {
		tok, err := dec.Token()
		if err != nil {
			return codes
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "Code" {
			var code string
			if dec.DecodeElement(&code, &se) == nil {
				add(code)
			}
		}
	}
}
