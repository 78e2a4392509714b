package frontdoor

import (
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/opmodel"
)

// decodeForm reads a query or ec2 protocol request: the operation is the Action parameter,
// the input the form's parameters (the body's, and the URL's query).
func decodeForm(m *opmodel.Models, svc *opmodel.Service, r *http.Request, body []byte) (*Call, *awserr.Error) {
	form := r.URL.Query()
	if isForm(r) {
		posted, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, awserr.New("MalformedQueryString", "The request body is not a valid URL-encoded form.")
		}
		for k, v := range posted {
			form[k] = append(form[k], v...)
		}
	}
	action := form.Get("Action")
	s, op := formOperation(m, svc, action, form.Get("Version"))
	if op == nil {
		return nil, unknownAction(svc, action)
	}
	c := newCall(s, op)
	for _, m := range op.Input {
		w := m.WireName()
		switch m.Type {
		case "list":
			if v := formList(form, w); len(v) > 0 {
				c.Params[m.Name] = v
			}
		case "map":
			if v := formMapKeys(form, w); len(v) > 0 {
				c.Params[m.Name] = v
			}
		case "structure":
		default:
			if v, ok := form[w]; ok {
				c.Params[m.Name] = v
			}
		}
		switch {
		case isTagMember(m):
			c.Tags = mergeTags(c.Tags, formTags(form, w))
		case isTagKeysMember(m):
			c.TagKeys = append(c.TagKeys, c.Params[m.Name]...)
		}
	}
	return c, nil
}

// formOperation is the service and operation a form's Action names: of svc or of another
// service of its protocol signing as it does (Classic Load Balancing and ELBv2 both sign as
// elasticloadbalancing), the one whose API version the form's Version names first, else the
// first that has the action; nil when none has it.
func formOperation(m *opmodel.Models, svc *opmodel.Service, action, version string) (*opmodel.Service, *opmodel.Operation) {
	var first *opmodel.Service
	var firstOp *opmodel.Operation
	for _, s := range candidates(m, svc) {
		op := s.Operation(action)
		if op == nil || s.Protocol != svc.Protocol {
			continue
		}
		if s.APIVersion == version {
			return s, op
		}
		if firstOp == nil {
			first, firstOp = s, op
		}
	}
	return first, firstOp
}

// unknownAction is the answer for an Action the service's model does not have.
func unknownAction(svc *opmodel.Service, action string) *awserr.Error {
	switch {
	case action == "" && svc.Protocol == "ec2":
		return awserr.New("MissingAction", "The request must contain the parameter Action")
	case action == "":
		return awserr.New("MissingAction", "Missing Action")
	case svc.Protocol == "ec2":
		return awserr.New("InvalidAction", "The action %s is not valid for this web service.", action)
	}
	return awserr.New("InvalidAction", "Could not find operation %s for version %s.", action, svc.APIVersion)
}

// formList is a list member's values in index order: Name.member.N (query) or Name.N
// (ec2, and the query protocol's flattened lists).
func formList(form url.Values, name string) []string {
	type item struct {
		n int
		v string
	}
	var items []item
	for k, v := range form {
		rest, ok := strings.CutPrefix(k, name+".")
		if !ok || len(v) == 0 {
			continue
		}
		rest = strings.TrimPrefix(rest, "member.")
		if n, err := strconv.Atoi(rest); err == nil {
			items = append(items, item{n, v[0]})
		}
	}
	sort.Slice(items, func(i, j int) bool { return items[i].n < items[j].n })
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.v
	}
	return out
}

// formMapKeys is a map member's keys: Name.entry.N.key, or Name.N.key when flattened (the key
// may be spelled Key or Name).
func formMapKeys(form url.Values, name string) []string {
	var keys []string
	for _, g := range formGroups(form, name) {
		for field, v := range g {
			if strings.EqualFold(field, "key") || strings.EqualFold(field, "name") {
				keys = append(keys, v)
			}
		}
	}
	sort.Strings(keys)
	return keys
}

// formGroups gathers the parameters below a member by their index path: Tags.member.1.Key
// and Tags.member.1.Value are the group "member.1" with the fields Key and Value.
func formGroups(form url.Values, name string) map[string]map[string]string {
	groups := map[string]map[string]string{}
	for k, v := range form {
		if len(v) == 0 || len(k) <= len(name)+1 || !strings.EqualFold(k[:len(name)+1], name+".") {
			continue
		}
		rest := k[len(name)+1:]
		i := strings.LastIndexByte(rest, '.')
		if i < 0 {
			continue
		}
		group, field := rest[:i], rest[i+1:]
		if groups[group] == nil {
			groups[group] = map[string]string{}
		}
		groups[group][field] = v[0]
	}
	return groups
}
