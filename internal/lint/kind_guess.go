package lint

import (
	"encoding/json"
	"strings"

	"github.com/iamd-dev/iamd/internal/policy"
)

// trustActions are the actions a role's trust policy grants.
var trustActions = map[string]bool{
	"sts:assumerole": true, "sts:assumerolewithwebidentity": true, "sts:assumerolewithsaml": true,
	"sts:tagsession": true, "sts:setsourceidentity": true, "sts:setcontext": true,
}

// GuessKind tells what kind of policy a document most likely is, for a linter given no
// --type: a document whose statements name no Principal is an identity policy; one whose
// statements with a Principal grant only the actions of role assumption is a trust policy;
// any other with a Principal is a resource policy. Documents that do not parse are identity
// policies (the linter then reports why they do not parse).
func GuessKind(doc []byte) policy.Kind {
	var d struct {
		Statement json.RawMessage
	}
	if json.Unmarshal(doc, &d) != nil {
		return policy.Identity
	}
	var statements []map[string]json.RawMessage
	if json.Unmarshal(d.Statement, &statements) != nil {
		var one map[string]json.RawMessage
		if json.Unmarshal(d.Statement, &one) != nil {
			return policy.Identity
		}
		statements = []map[string]json.RawMessage{one}
	}
	withPrincipal, trustOnly := false, true
	for _, st := range statements {
		_, p := st["Principal"]
		_, np := st["NotPrincipal"]
		if !p && !np {
			continue
		}
		withPrincipal = true
		actions := stringsOf(st["Action"])
		if len(actions) == 0 {
			trustOnly = false
		}
		for _, a := range actions {
			if !trustActions[strings.ToLower(a)] {
				trustOnly = false
			}
		}
	}
	switch {
	case !withPrincipal:
		return policy.Identity
	case trustOnly:
		return policy.Trust
	}
	return policy.Resource
}

// stringsOf reads a JSON string or list of strings (nil otherwise).
func stringsOf(raw json.RawMessage) []string {
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return []string{one}
	}
	var list []string
	if json.Unmarshal(raw, &list) == nil {
		return list
	}
	return nil
}
