package policygen

import (
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/iamd-dev/iamd/internal/catalog"
)

// Options say whose calls, since when, a policy is generated from.
type Options struct {
	Principal Principal
	Since     time.Time // calls before it are left out; zero for all
}

// Generated is a generated policy and what it could not grant.
type Generated struct {
	Policy Document
	Calls  int    // the allowed calls of the principal the policy grants
	Left   []Left // allowed calls it does not grant, by action
}

// Left is an action whose allowed calls the policy does not grant, and why.
type Left struct {
	Action string
	Calls  int
	Why    string
}

// ErrNoCalls is Generate's answer when the principal made no allowed call in the period.
var ErrNoCalls = errors.New("no allowed call of the principal in the audit log")

// Generate builds the identity policy that grants the principal's allowed calls since
// opts.Since: each action on exactly the resources it was authorized on, or on "*" when
// its catalog entry takes no resource. Statements group a service's actions that were used
// on the same set of resources, so no action is granted on a resource it was not used on.
// Actions AWS requires no permission for, and calls of actions that take resources audited
// without one, are left out (Generated.Left says so), as are denied and failed calls.
func Generate(audit io.Reader, opts Options) (*Generated, error) {
	cat := catalog.Default()
	used := map[string]map[string]bool{} // action -> resources
	spelled := map[string]string{}       // lower-case action -> as written
	left := map[string]leftCount{}
	g := &Generated{}
	err := each(audit, func(rec *Record) {
		if rec.Decision != Allowed || rec.Action == "" || rec.Time.Before(opts.Since) || !opts.Principal.Matches(rec.Caller) {
			return
		}
		action, resource := rec.Action, rec.Resource
		if a := cat.Action(action); a != nil {
			action = a.String()
			if len(a.Resources) == 0 {
				resource = "*"
			}
		}
		if why := leftOut(action, resource); why != "" {
			left[action] = leftCount{why: why, calls: left[action].calls + 1}
			return
		}
		key := strings.ToLower(action)
		if used[key] == nil {
			used[key], spelled[key] = map[string]bool{}, action
		}
		used[key][resource] = true
		g.Calls++
	})
	if err != nil {
		return nil, err
	}
	for action, l := range left {
		g.Left = append(g.Left, Left{Action: action, Calls: l.calls, Why: l.why})
	}
	sort.Slice(g.Left, func(i, j int) bool { return g.Left[i].Action < g.Left[j].Action })
	if len(used) == 0 {
		return g, ErrNoCalls
	}
	g.Policy = document(used, spelled)
	return g, nil
}

type leftCount struct {
	why   string
	calls int
}

// noPermission are the actions AWS requires no permission for ("No permissions are required
// to perform this operation" in the STS API Reference): no policy needs to grant them.
var noPermission = map[string]bool{"sts:GetCallerIdentity": true, "sts:GetSessionToken": true}

// leftOut says why an allowed call is not granted, or "" when it is.
func leftOut(action, resource string) string {
	switch {
	case noPermission[action]:
		return "AWS requires no permission for it"
	case resource == "":
		return "its audit lines name no resource it was authorized on (grant it by hand if it needs one)"
	}
	return ""
}

// document groups actions by service and by the set of resources they were used on.
func document(used map[string]map[string]bool, spelled map[string]string) Document {
	type group struct {
		service   string
		resources []string
		actions   []string
	}
	groups := map[string]*group{} // service and resource set -> group
	for key, set := range used {
		resources := make([]string, 0, len(set))
		for r := range set {
			resources = append(resources, escapeResource(r))
		}
		sort.Strings(resources)
		service := strings.SplitN(key, ":", 2)[0]
		id := service + "\x00" + strings.Join(resources, "\x00")
		if groups[id] == nil {
			groups[id] = &group{service: service, resources: resources}
		}
		groups[id].actions = append(groups[id].actions, spelled[key])
	}
	list := make([]*group, 0, len(groups))
	for _, g := range groups {
		sort.Slice(g.actions, func(i, j int) bool { return strings.ToLower(g.actions[i]) < strings.ToLower(g.actions[j]) })
		list = append(list, g)
	}
	sort.Slice(list, func(i, j int) bool {
		a, b := list[i], list[j]
		if a.service != b.service {
			return a.service < b.service
		}
		return strings.ToLower(a.actions[0]) < strings.ToLower(b.actions[0])
	})
	perService := map[string]int{}
	for _, g := range list {
		perService[g.service]++
	}
	doc := Document{Version: "2012-10-17"}
	nth := map[string]int{}
	for _, g := range list {
		sid := sidOf(g.service)
		if perService[g.service] > 1 {
			nth[g.service]++
			sid += fmt.Sprint(nth[g.service])
		}
		doc.Statement = append(doc.Statement, Statement{Sid: sid, Effect: "Allow", Action: g.actions, Resource: g.resources})
	}
	return doc
}

// sidOf is a statement id from a service prefix: its letters and digits, the first upper
// case (iam: Iam, execute-api: Executeapi), as IAM takes only those in a Sid.
func sidOf(service string) string {
	var b strings.Builder
	for _, c := range service {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
			b.WriteRune(c)
		}
	}
	s := b.String()
	if s == "" {
		return "Service"
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// escapeResource writes a resource ARN so that the policy matches it alone: the characters
// the policy language reads as wildcards or variables are written as its escapes ${*},
// ${?} and ${$}. "*" itself is the wildcard it means.
func escapeResource(r string) string {
	if r == "*" || !strings.ContainsAny(r, "*?$") {
		return r
	}
	var b strings.Builder
	for _, c := range r {
		switch c {
		case '*', '?', '$':
			b.WriteString("${" + string(c) + "}")
		default:
			b.WriteRune(c)
		}
	}
	return b.String()
}
