package frontdoor

import (
	"net/http"

	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/opmodel"
)

// decodeREST reads a rest-json or rest-xml request: the operation whose method and request
// URI match the request's, of svc or another service signing as it does (S3 Control signs as
// s3); its input is the URI's labels, the query string and header members and, for
// rest-json, the JSON body's top-level members.
func decodeREST(m *opmodel.Models, svc *opmodel.Service, r *http.Request, body []byte) (*Call, *awserr.Error) {
	query := r.URL.Query()
	for _, s := range candidates(m, svc) {
		if !s.IsREST() {
			continue
		}
		path := r.URL.EscapedPath()
		if rule := rulesOf(s); rule.path != nil {
			var ours bool
			if path, ours = rule.path(r); !ours {
				continue
			}
		}
		op, labels := s.MatchRESTRequest(r.Method, path, query, r.Header)
		if op == nil {
			continue
		}
		c := newCall(s, op)
		for _, mem := range op.Input {
			var values []string
			switch mem.Location {
			case "uri":
				if v, ok := labels[mem.WireName()]; ok {
					values = []string{v}
				}
			case "querystring":
				values = query[mem.WireName()]
			case "header":
				values = r.Header.Values(mem.WireName())
			}
			if len(values) > 0 {
				c.Params[mem.Name] = values
			}
			if mem.Location == "querystring" && isTagKeysMember(mem) {
				c.TagKeys = append(c.TagKeys, values...)
			}
		}
		if s.Protocol == "rest-json" {
			if obj, err := jsonObject(body); err == nil {
				c.bodyMembers(obj)
			} // a body that is not an object is a payload member (a blob, a document): no parameters
		}
		return c, nil
	}
	if svc.ID == "s3" {
		return nil, awserr.New("MethodNotAllowed", "The specified method is not allowed against this resource.")
	}
	return nil, unknownOperation(r.Method+" "+r.URL.EscapedPath(), svc)
}
