package frontdoor

import (
	"bytes"
	"encoding/json"
	"net/http"
	"sort"

	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/opmodel"
)

// decodeJSON reads a JSON protocol request: the operation is X-Amz-Target's
// "TargetPrefix.Operation", of whichever service signing as svc does has that prefix; the
// input is the JSON body.
func decodeJSON(m *opmodel.Models, svc *opmodel.Service, r *http.Request, body []byte) (*Call, *awserr.Error) {
	target := r.Header.Get("X-Amz-Target")
	var op *opmodel.Operation
	for _, s := range candidates(m, svc) {
		if s.Protocol == "json" {
			if op = s.OperationByTarget(target); op != nil {
				svc = s
				break
			}
		}
	}
	if op == nil {
		return nil, unknownOperation(target, svc)
	}
	obj, err := jsonObject(body)
	if err != nil {
		return nil, err
	}
	c := newCall(svc, op)
	c.bodyMembers(obj)
	return c, nil
}

// candidates is svc and the other services that sign with its name.
func candidates(m *opmodel.Models, svc *opmodel.Service) []*opmodel.Service {
	out := []*opmodel.Service{svc}
	if m == nil {
		return out
	}
	for _, s := range m.AllBySigningName(svc.SigningName) {
		if s != svc {
			out = append(out, s)
		}
	}
	return out
}

// unknownOperation is the JSON protocols' answer for an operation the model does not have.
func unknownOperation(what string, svc *opmodel.Service) *awserr.Error {
	return awserr.New("UnknownOperationException", "%s is not an operation of %s.", what, svc.ID)
}

// jsonObject parses a JSON body as an object (an empty body is an empty input), numbers kept
// as written.
func jsonObject(body []byte) (map[string]any, *awserr.Error) {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var obj map[string]any
	if err := dec.Decode(&obj); err != nil {
		return nil, awserr.New("SerializationException", "The request body is not a JSON object.")
	}
	return obj, nil
}

// bodyMembers sets the parameters the body members of a JSON object hold: scalars, lists of
// scalars, the keys of maps; and the tags a tag member sets.
func (c *Call) bodyMembers(obj map[string]any) {
	for _, m := range c.Operation.Input {
		if m.Location != "" {
			continue
		}
		v, ok := obj[m.WireName()]
		if !ok {
			continue
		}
		if values := jsonValues(v); len(values) > 0 {
			c.Params[m.Name] = values
		}
		switch {
		case isTagMember(m):
			c.Tags = mergeTags(c.Tags, jsonTags(v))
		case isTagKeysMember(m):
			c.TagKeys = append(c.TagKeys, c.Params[m.Name]...)
		}
	}
}

// jsonValues is a JSON value as parameter values: a scalar's text, a list's scalars, an
// object's keys; nothing for null or a list of objects.
func jsonValues(v any) []string {
	switch v := v.(type) {
	case []any:
		var out []string
		for _, x := range v {
			if s, ok := scalarText(x); ok {
				out = append(out, s)
			}
		}
		return out
	case map[string]any:
		out := make([]string, 0, len(v))
		for k := range v {
			out = append(out, k)
		}
		sort.Strings(out)
		return out
	}
	if s, ok := scalarText(v); ok {
		return []string{s}
	}
	return nil
}

// scalarText is a JSON scalar as text: a string, a number as written, true or false.
func scalarText(v any) (string, bool) {
	switch v := v.(type) {
	case string:
		return v, true
	case json.Number:
		return v.String(), true
	case bool:
		if v {
			return "true", true
		}
		return "false", true
	}
	return "", false
}
