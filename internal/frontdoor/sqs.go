package frontdoor

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/iamd-dev/iamd/internal/arn"
)

func init() {
	rules["sqs"] = &rule{
		actions: map[string]string{
			"SendMessageBatch":             "SendMessage",
			"DeleteMessageBatch":           "DeleteMessage",
			"ChangeMessageVisibilityBatch": "ChangeMessageVisibility",
		},
		arns:    queueARNs,
		decoded: queueURLFromPath,
	}
}

// queueARNs are the ARNs of the queues QueueUrl names: https://sqs.REGION.amazonaws.com/
// ACCOUNT/NAME (LocalStack's and moto's http://localhost:4566/000000000000/NAME too) is
// arn:PARTITION:sqs:REGION:ACCOUNT:NAME, in the URL's account; the region is the host's when it
// names one, else the call's. GetQueueUrl names another account's queue by
// QueueOwnerAWSAccountId.
func queueARNs(c *Call, params map[string][]string) []string {
	var out []string
	if owner, name := params["QueueOwnerAWSAccountId"], params["QueueName"]; len(owner) > 0 && len(name) > 0 && isAccountID(owner[0]) {
		out = append(out, arn.InRegion("sqs", c.Region, owner[0], name[0]))
	}
	for _, raw := range params["QueueUrl"] {
		u, err := url.Parse(raw)
		if err != nil {
			continue
		}
		account, name, ok := strings.Cut(strings.Trim(u.Path, "/"), "/")
		if !ok || !isAccountID(account) || name == "" || strings.Contains(name, "/") {
			continue
		}
		r := c.Region
		if hr := queueHostRegion(u.Hostname()); hr != "" {
			r = hr
		}
		out = append(out, arn.InRegion("sqs", r, account, name))
	}
	return out
}

// queueHostRegion is the region a queue URL's host names: sqs.REGION.amazonaws.com (and
// LocalStack's sqs.REGION.localhost.localstack.cloud), the legacy REGION.queue.amazonaws.com.
func queueHostRegion(host string) string {
	labels := strings.Split(host, ".")
	switch {
	case len(labels) > 2 && labels[0] == "sqs" && isRegion(labels[1]):
		return labels[1]
	case len(labels) > 2 && labels[1] == "queue" && isRegion(labels[0]):
		return labels[0]
	}
	return ""
}

// isRegion reports whether a host label is spelled as a region is (us-east-1).
func isRegion(s string) bool {
	i := strings.LastIndexByte(s, '-')
	return i > 0 && strings.Contains(s[:i], "-") && isDigits(s[i+1:])
}

// isAccountID reports whether s is an account id: twelve digits.
func isAccountID(s string) bool { return len(s) == 12 && isDigits(s) }

func isDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

// queueURLFromPath reads QueueUrl from the request's URL when the call does not give it:
// the query protocol let clients send a queue's operations to the queue's URL
// (POST /ACCOUNT/NAME).
func queueURLFromPath(c *Call, r *http.Request) {
	if c.Param("QueueUrl") != "" || !hasMember(c, "QueueUrl") {
		return
	}
	account, name, ok := strings.Cut(strings.Trim(r.URL.Path, "/"), "/")
	if !ok || !isAccountID(account) || name == "" {
		return
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	c.Params["QueueUrl"] = []string{scheme + "://" + r.Host + "/" + account + "/" + name}
}

// hasMember reports whether the call's operation has the input member.
func hasMember(c *Call, name string) bool {
	for _, m := range c.Operation.Input {
		if m.Name == name {
			return true
		}
	}
	return false
}
