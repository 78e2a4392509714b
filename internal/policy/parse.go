package policy

import (
	"errors"
	"fmt"
	"github.com/iamd-dev/iamd/internal/arn"
	"strings"
)

// Parse reads a policy document of the given kind, validates it as AWS does and compiles it
// for evaluation. A document AWS would refuse returns an *Error with AWS's
// MalformedPolicyDocument message and, where it can, the position of the fault.
func Parse(data []byte, kind Kind) (*Policy, error) { return parse(data, kind, false) }

// ParseManaged reads the document of a customer managed policy (CreatePolicy,
// CreatePolicyVersion): an identity policy that IAM requires to be of Version 2012-10-17.
func ParseManaged(data []byte) (*Policy, error) { return parse(data, Identity, true) }

// parse checks a document in the order IAM reports its faults: the grammar of the whole
// document, the Version a managed policy needs, the statement ids, the "legacy" checks
// (iam_checks.go), then each statement's rules.
func parse(data []byte, kind Kind, managed bool) (*Policy, error) {
	invalidJSON := msgSyntax
	if kind == Trust {
		invalidJSON = msgInvalidJSON
	}
	root, err := parseJSON(data)
	if err != nil {
		var se *syntaxError
		if errors.As(err, &se) {
			return nil, malformed(se.pos, invalidJSON, "%s", se.detail)
		}
		return nil, malformed(Pos{}, invalidJSON, "%v", err)
	}
	if root.kind != nodeObject {
		return nil, malformed(root.pos, msgSyntax, "a policy must be a JSON object, not %s", root.kind)
	}
	p := &Policy{Kind: kind}
	var statements *node
	for _, f := range root.fields {
		switch f.key {
		case "Version":
			if f.value.kind != nodeString || (f.value.text != Version2012 && f.value.text != Version2008) {
				return nil, malformed(f.value.pos, msgSyntax, "Version must be %q or %q", Version2012, Version2008)
			}
			p.Version = f.value.text
		case "Id":
			if f.value.kind != nodeString {
				return nil, malformed(f.value.pos, msgSyntax, "Id must be a string")
			}
			p.ID = f.value.text
		case "Statement":
			statements = f.value
		default:
			return nil, malformed(f.keyPos, msgSyntax, "unknown policy element %q", f.key)
		}
	}
	if statements == nil {
		if kind.iamParsed() {
			return nil, malformed(root.pos, msgSyntax, "a policy needs a Statement")
		}
		return nil, malformed(root.pos, msgMissingStatement, "")
	}
	var items []*node
	switch statements.kind {
	case nodeObject:
		items = []*node{statements}
	case nodeArray:
		items = statements.items
	default:
		return nil, malformed(statements.pos, msgSyntax, "Statement must be an object or an array of objects")
	}
	if len(items) == 0 && kind.iamParsed() {
		return nil, malformed(statements.pos, msgSyntax, "Statement is empty")
	}
	variables := p.Version == Version2012
	effects := make([]string, len(items)) // as written, for the legacy check
	for i, n := range items {
		st, effect, err := parseStatement(n, kind)
		if err != nil {
			return nil, err
		}
		st.Index = i
		effects[i] = effect
		p.Statements = append(p.Statements, st)
	}
	if managed && p.Version != Version2012 {
		return nil, malformed(root.pos, msgVersionRequired, "a managed policy needs \"Version\": %q", Version2012)
	}
	sids := map[string]bool{}
	for _, st := range p.Statements {
		if st.Sid == "" {
			continue
		}
		if sids[st.Sid] && kind != Resource {
			return nil, malformed(st.sidPos, msgDuplicateSid, "Sid %q is used twice", st.Sid)
		}
		if sidMustBeAlphanumeric(kind) && !isAlphanumeric(st.Sid) {
			return nil, malformed(st.sidPos, msgSidAlphanumeric, "Sid %q", st.Sid)
		}
		sids[st.Sid] = true
	}
	if kind.iamParsed() {
		if err := legacyCheck(p.Statements, effects, kind); err != nil {
			return nil, err
		}
	}
	for _, st := range p.Statements {
		if err := st.validate(kind, st.Pos); err != nil {
			return nil, err
		}
		st.compile(variables)
	}
	p.index = buildActionIndex(p.Statements)
	return p, nil
}

// parseStatement reads one statement's grammar: its elements and their types, an Effect
// that is Allow or Deny in any case (returned as written; the legacy check wants its exact
// case), and the pairs a statement may not hold both of.
func parseStatement(n *node, kind Kind) (*Statement, string, error) {
	if n.kind != nodeObject {
		return nil, "", malformed(n.pos, msgSyntax, "a statement must be an object, not %s", n.kind)
	}
	if len(n.fields) == 0 {
		return nil, "", malformed(n.pos, msgSyntax, "empty statement")
	}
	st := &Statement{Pos: n.pos, End: n.end}
	effect, hasEffect := "", false
	for _, f := range n.fields {
		v := f.value
		var err error
		switch f.key {
		case "Sid":
			if v.kind != nodeString {
				return nil, "", malformed(v.pos, msgSyntax, "Sid must be a string")
			}
			st.Sid, st.sidPos = v.text, v.pos
		case "Effect":
			exact := v.kind == nodeString && (v.text == "Allow" || v.text == "Deny")
			anyCase := v.kind == nodeString && (strings.EqualFold(v.text, "Allow") || strings.EqualFold(v.text, "Deny"))
			if !exact && !(anyCase && kind.iamParsed()) {
				return nil, "", malformed(v.pos, msgSyntax, "Effect must be \"Allow\" or \"Deny\"")
			}
			effect, hasEffect = v.text, true
			if strings.EqualFold(v.text, "Deny") {
				st.Effect = Deny
			}
		case "Action":
			st.Action, err = stringList(v, "Action")
		case "NotAction":
			st.NotAction, err = stringList(v, "NotAction")
		case "Resource":
			st.Resource, err = stringList(v, "Resource")
		case "NotResource":
			st.NotResource, err = stringList(v, "NotResource")
		case "Principal":
			st.Principal, err = parsePrincipals(v, "Principal")
		case "NotPrincipal":
			st.NotPrincipal, err = parsePrincipals(v, "NotPrincipal")
		case "Condition":
			st.Conditions, err = parseConditions(v, kind)
		default:
			return nil, "", malformed(f.keyPos, msgSyntax, "unknown statement element %q", f.key)
		}
		if err != nil {
			return nil, "", err
		}
	}
	switch {
	case !hasEffect && kind.iamParsed():
		return nil, "", malformed(n.pos, msgSyntax, "a statement needs Effect")
	case !hasEffect:
		return nil, "", malformed(n.pos, msgMissingEffect, "")
	case st.Principal != nil && st.NotPrincipal != nil:
		return nil, "", malformed(n.pos, msgSyntax, "a statement cannot have both Principal and NotPrincipal")
	case st.Action != nil && st.NotAction != nil:
		return nil, "", malformed(n.pos, msgSyntax, "a statement cannot have both Action and NotAction")
	case st.Resource != nil && st.NotResource != nil:
		return nil, "", malformed(n.pos, msgSyntax, "a statement cannot have both Resource and NotResource")
	}
	return st, effect, nil
}

// validate applies the rules of the statement's policy kind and of each element, in the
// order IAM reports them: the principal rules, actions present, each resource in ARN form,
func (st *Statement) compile(variables bool) {
	if st.NotAction != nil {
		st.actions = compileActions(st.NotAction, true)
	} else {
		st.actions = compileActions(st.Action, false)
	}
	for _, r := range concat(st.Resource, st.NotResource) {
		st.resources = append(st.resources, compileResource(r, variables))
	}
	if st.Principal != nil {
		st.who = compilePrincipals(st.Principal, false)
	} else if st.NotPrincipal != nil {
		st.who = compilePrincipals(st.NotPrincipal, true)
	}
	for _, c := range st.Conditions {
		c.compile(variables)
	}
}

// each action's form, resources present, then each resource's parts.
func (st *Statement) validate(kind Kind, pos Pos) error {
	hasPrincipal := st.Principal != nil || st.NotPrincipal != nil
	switch {
	case kind.hasPrincipal() && !hasPrincipal:
		return malformed(pos, msgMissingPrincipal, "%s policy names the principals it applies to", withArticle(kind))
	case !kind.hasPrincipal() && hasPrincipal:
		return malformed(pos, msgNoPrincipalAllowed, "%s policy applies to the identity it is attached to", withArticle(kind))
	case kind == Trust && (st.Resource != nil || st.NotResource != nil):
		return malformed(pos, msgProhibitedResource, "a trust policy's resource is the role itself")
	case st.NotPrincipal != nil && (kind == Trust || kind == RCP):
		return malformed(pos, msgSyntax, "NotPrincipal is not supported in a %s policy", kind)
	case len(st.Action) == 0 && len(st.NotAction) == 0:
		return malformed(pos, msgMissingActions, "")
	}
	resources := concat(st.Resource, st.NotResource)
	for _, r := range resources {
		if !resourceInARNForm(r) || (!kind.iamParsed() && !validResource(r)) {
			return malformed(pos, fmt.Sprintf(msgResourceFormatFormat, r), "")
		}
	}
	for _, a := range concat(st.Action, st.NotAction) {
		if kind.iamParsed() {
			if err := checkAction(pos, a); err != nil {
				return err
			}
		} else if !validAction(a) {
			return malformed(pos, msgVendorPrefix, "action %q", a)
		}
	}
	if kind != Trust && len(resources) == 0 {
		return malformed(pos, msgMissingResources, "")
	}
	if kind.checksResources() {
		for _, r := range resources {
			if err := checkResource(pos, r); err != nil {
				return err
			}
		}
	}
	for _, p := range []*Principals{st.Principal, st.NotPrincipal} {
		if err := p.validate(pos); err != nil {
			return err
		}
	}
	if !kind.iamParsed() {
		for _, c := range st.Conditions {
			if !strings.Contains(c.Key, ":") {
				return malformed(c.Pos, msgVendorPrefix, "condition key %q", c.Key)
			}
		}
	}
	return nil
}

func stringList(n *node, name string) ([]string, error) {
	switch n.kind {
	case nodeString:
		return []string{n.text}, nil
	case nodeArray:
		out := make([]string, 0, len(n.items))
		for _, it := range n.items {
			if it.kind != nodeString {
				return nil, malformed(it.pos, msgSyntax, "%s values must be strings, not %s", name, it.kind)
			}
			out = append(out, it.text)
		}
		return out, nil
	}
	return nil, malformed(n.pos, msgSyntax, "%s must be a string or an array of strings", name)
}

func parsePrincipals(n *node, name string) (*Principals, error) {
	p := &Principals{}
	if n.kind == nodeString {
		if n.text != "*" {
			return nil, malformed(n.pos, invalidPrincipal("", n.text), "%s as a string can only be \"*\"", name)
		}
		p.Wildcard = true
		return p, nil
	}
	if n.kind != nodeObject || len(n.fields) == 0 {
		return nil, malformed(n.pos, msgSyntax, "%s must be \"*\" or an object such as {\"AWS\": ...}", name)
	}
	for _, f := range n.fields {
		values, err := stringList(f.value, name)
		if err != nil {
			return nil, err
		}
		switch f.key {
		case "AWS":
			p.AWS = values
		case "Service":
			p.Service = values
		case "Federated":
			p.Federated = values
		case "CanonicalUser":
			p.CanonicalUser = values
		default:
			return nil, malformed(f.keyPos, invalidPrincipal(f.key, ""), "unknown principal type %q", f.key)
		}
	}
	return p, nil
}

func invalidPrincipal(typ, value string) string {
	if typ == "" {
		return fmt.Sprintf("Invalid principal in policy: %q", value)
	}
	return fmt.Sprintf("Invalid principal in policy: %q:%q", typ, value)
}

// validate checks each principal's form: "*", an account id, or an IAM or STS ARN for AWS;
// a service name for Service.
func (p *Principals) validate(pos Pos) error {
	if p == nil {
		return nil
	}
	for _, v := range p.AWS {
		if v == "*" || arn.IsAccountID(v) {
			continue
		}
		// A wildcard cannot stand for part of a principal's name or ARN.
		if _, err := ParsePrincipal(v); err != nil || !strings.HasPrefix(v, "arn:") || strings.ContainsAny(v, "*?") {
			return malformed(pos, invalidPrincipal("AWS", v), "")
		}
	}
	for _, v := range p.Service {
		if v != "*" && (!strings.Contains(v, ".") || strings.ContainsAny(v, " :/")) {
			return malformed(pos, invalidPrincipal("Service", v), "")
		}
	}
	return nil
}

// parseConditions reads a Condition block. IAM accepts an operator it does not know when
// its block is empty (it then tests nothing).
func parseConditions(n *node, kind Kind) ([]*Condition, error) {
	if n.kind != nodeObject {
		return nil, malformed(n.pos, msgSyntax, "Condition must be an object")
	}
	var out []*Condition
	for _, op := range n.fields {
		spec, set, ifExists, ok := parseOperator(op.key)
		if !ok && kind.iamParsed() && op.value.kind == nodeObject && len(op.value.fields) == 0 {
			continue
		}
		if !ok {
			return nil, malformed(op.keyPos, msgSyntax, "unknown condition operator %q", op.key)
		}
		if op.value.kind != nodeObject {
			return nil, malformed(op.value.pos, msgSyntax, "condition operator %q must map keys to values", op.key)
		}
		for _, kv := range op.value.fields {
			values, err := conditionValues(kv.value)
			if err != nil {
				return nil, err
			}
			out = append(out, &Condition{
				Operator: op.key, Key: kv.key, Values: values, Pos: kv.keyPos,
				spec: spec, set: set, ifExists: ifExists,
			})
		}
	}
	return out, nil
}

// conditionValues reads a condition's value: a string, number or boolean, or an array of
// them; numbers and booleans compare as their text.
func conditionValues(n *node) ([]string, error) {
	scalar := func(n *node) (string, bool) {
		switch n.kind {
		case nodeString, nodeNumber, nodeBool:
			return n.text, true
		}
		return "", false
	}
	if s, ok := scalar(n); ok {
		return []string{s}, nil
	}
	if n.kind != nodeArray {
		return nil, malformed(n.pos, msgSyntax, "condition values must be strings, numbers or booleans")
	}
	out := make([]string, 0, len(n.items))
	for _, it := range n.items {
		s, ok := scalar(it)
		if !ok {
			return nil, malformed(it.pos, msgSyntax, "condition values must be strings, numbers or booleans")
		}
		out = append(out, s)
	}
	return out, nil
}

// validAction checks the vendor prefix AWS requires: "*" or "service:action".
func validAction(a string) bool {
	if a == "*" {
		return true
	}
	i := strings.IndexByte(a, ':')
	if i <= 0 {
		return false
	}
	for _, c := range a[:i] {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '*' || c == '?') {
			return false
		}
	}
	return true
}

// validResource requires "*" or a value of ARN form (six colon-separated parts).
func validResource(r string) bool {
	return r == "*" || (strings.HasPrefix(r, "arn:") && strings.Count(r, ":") >= 5)
}

func sidMustBeAlphanumeric(k Kind) bool {
	return k == Identity || k == Boundary || k == Session || k == Trust
}

func isAlphanumeric(s string) bool {
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// concat joins two element lists without touching either's backing array.
func concat(a, b []string) []string {
	out := make([]string, 0, len(a)+len(b))
	return append(append(out, a...), b...)
}

// withArticle gives "an identity", "a trust", ... for error details.
func withArticle(k Kind) string {
	if strings.ContainsRune("aeiou", rune(k.String()[0])) {
		return "an " + k.String()
	}
	return "a " + k.String()
}
