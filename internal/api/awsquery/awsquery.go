// Package awsquery is the AWS Query protocol that IAM, STS and EC2 speak: form-encoded
// parameters in (Action, Version, Name.member.N lists, Name.entry.N maps), XML out, and
// <ErrorResponse> for errors. It knows nothing of any one service.
package awsquery

import (
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// Request is a decoded Query call.
type Request struct {
	Action  string
	Version string
	Params  url.Values
}

// Parse reads the parameters from a form body (POST) and the URL's query string.
func Parse(r *http.Request, body []byte) (*Request, error) {
	params := url.Values{}
	if r.URL.RawQuery != "" {
		q, err := url.ParseQuery(r.URL.RawQuery)
		if err != nil {
			return nil, err
		}
		for k, v := range q {
			params[k] = append(params[k], v...)
		}
	}
	if len(body) > 0 {
		form, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, err
		}
		for k, v := range form {
			params[k] = append(params[k], v...)
		}
	}
	return &Request{Action: params.Get("Action"), Version: params.Get("Version"), Params: params}, nil
}

// Get returns a parameter's value ("" when absent).
func (q *Request) Get(name string) string { return q.Params.Get(name) }

// Has reports whether a parameter was sent (even empty).
func (q *Request) Has(name string) bool { _, ok := q.Params[name]; return ok }

// Int returns an integer parameter; ok is false when absent, err set when not a number.
func (q *Request) Int(name string) (n int, ok bool, err error) {
	if !q.Has(name) {
		return 0, false, nil
	}
	n, err = strconv.Atoi(q.Get(name))
	return n, true, err
}

// List returns the members of a list parameter (Name.member.1, Name.member.2, ...) in order.
func (q *Request) List(name string) []string {
	prefix := name + ".member."
	type item struct {
		n int
		v string
	}
	var items []item
	for k, v := range q.Params {
		if !strings.HasPrefix(k, prefix) || len(v) == 0 {
			continue
		}
		n, err := strconv.Atoi(k[len(prefix):])
		if err != nil {
			continue
		}
		items = append(items, item{n, v[0]})
	}
	sort.Slice(items, func(i, j int) bool { return items[i].n < items[j].n })
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.v
	}
	return out
}

// Structs returns the members of a list of structures (Name.member.N.Field) in order, each
// as a map from field name to value.
func (q *Request) Structs(name string) []map[string]string {
	prefix := name + ".member."
	byN := map[int]map[string]string{}
	for k, v := range q.Params {
		if !strings.HasPrefix(k, prefix) || len(v) == 0 {
			continue
		}
		rest := k[len(prefix):]
		dot := strings.IndexByte(rest, '.')
		if dot < 0 {
			continue
		}
		n, err := strconv.Atoi(rest[:dot])
		if err != nil {
			continue
		}
		if byN[n] == nil {
			byN[n] = map[string]string{}
		}
		byN[n][rest[dot+1:]] = v[0]
	}
	ns := make([]int, 0, len(byN))
	for n := range byN {
		ns = append(ns, n)
	}
	sort.Ints(ns)
	out := make([]map[string]string, len(ns))
	for i, n := range ns {
		out[i] = byN[n]
	}
	return out
}
