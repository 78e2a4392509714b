package adminapi

import (
	"encoding/json"
	"errors"

	"github.com/iamd-dev/iamd/internal/access"
	"github.com/iamd-dev/iamd/internal/api/route"
	"github.com/iamd-dev/iamd/internal/authz"
	"github.com/iamd-dev/iamd/internal/awserr"
)

// accessAPI serves the access graph's queries (`iamd access ...`): ListAccessWhoCan,
// GetAccessCan, ListAccessEscalations and GetAccessGraph. Each answers in one Document element
// holding a JSON document (GetAccessGraph with Format=dot: Graphviz's text), as
// docs/ACCESS.md describes.
type accessAPI struct {
	builder        *access.Builder
	authz          *authz.Authorizer
	defaultAccount string
}

// EnableAccess adds the access graph's actions. Each is authorized as iamd:ACTION on "*" in
// the caller's account (an action without a resource type, as IAM's policy grammar takes no
// ARN for an account as a whole); the default account's root user sees every
// account the server holds, any other caller its own account's principals and resources.
func (a *API) EnableAccess(b *access.Builder, az *authz.Authorizer) {
	x := &accessAPI{builder: b, authz: az, defaultAccount: a.defaultAccount}
	routes := map[string]route.Route[call]{}
	for name, h := range map[string]func(call, *access.Graph) (any, error){
		"ListAccessWhoCan":      x.whoCan,
		"GetAccessCan":          x.can,
		"ListAccessEscalations": x.escalations,
		"GetAccessGraph":        x.graph,
	} {
		routes[name] = route.Route[call]{Auth: route.ByHandler, Handle: x.serve(name, h)}
	}
	a.addRoutes(routes)
}

// accessResource is what the access actions are authorized on, in the caller's account.
const accessResource = "*"

// serve authorizes the action, builds the caller's graph and answers with h.
func (x *accessAPI) serve(name string, h func(call, *access.Graph) (any, error)) func(call) (any, error) {
	return func(c call) (any, error) {
		c.Resource = accessResource // for the audit log
		if err := x.authz.Authorize(c.Ctx, c.Caller, authz.Request{Action: "iamd:" + name, Resource: accessResource, ResourceAccount: c.Caller.Account}); err != nil {
			return nil, err
		}
		scope := access.Scope{Accounts: []string{c.Caller.Account}}
		if c.Caller.IsRoot() && c.Caller.Account == x.defaultAccount {
			scope.Accounts = nil // every account
		}
		g, err := x.builder.Build(c.Ctx, scope)
		if errors.Is(err, access.ErrTooLarge) {
			return nil, awserr.LimitExceeded("%s", err.Error())
		}
		if err != nil {
			return nil, err
		}
		return h(c, g)
	}
}

// documentResult is every access action's answer.
type documentResult struct {
	Format    string `xml:"Format"`
	Document  string `xml:"Document"`
	Truncated bool   `xml:"Truncated"`
}

func jsonResult(g *access.Graph, v any) (any, error) {
	doc, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return documentResult{Format: "json", Document: string(doc), Truncated: g.Truncated}, nil
}

func required(c call, names ...string) error {
	for _, n := range names {
		if c.In.Get(n) == "" {
			return awserr.ValidationError("1 validation error detected: Value null at '%s' failed to satisfy constraint: Member must not be null", n)
		}
	}
	return nil
}

// whoCan serves ListAccessWhoCan (ActionName, ResourceArn).
func (x *accessAPI) whoCan(c call, g *access.Graph) (any, error) {
	if err := required(c, "ActionName", "ResourceArn"); err != nil {
		return nil, err
	}
	action, resource := c.In.Get("ActionName"), c.In.Get("ResourceArn")
	return jsonResult(g, struct {
		Action     string          `json:"action"`
		Resource   string          `json:"resource"`
		Principals []access.Answer `json:"principals"`
	}{action, resource, g.WhoCan(action, resource)})
}

// can serves GetAccessCan (PrincipalArn, ActionName, ResourceArn).
func (x *accessAPI) can(c call, g *access.Graph) (any, error) {
	if err := required(c, "PrincipalArn", "ActionName", "ResourceArn"); err != nil {
		return nil, err
	}
	ans, ok := g.Can(c.In.Get("PrincipalArn"), c.In.Get("ActionName"), c.In.Get("ResourceArn"))
	if !ok {
		return nil, awserr.NoSuchEntity("The principal %s is not in the access graph of account %s.", c.In.Get("PrincipalArn"), c.Caller.Account)
	}
	return jsonResult(g, ans)
}

// escalations serves ListAccessEscalations.
func (x *accessAPI) escalations(_ call, g *access.Graph) (any, error) {
	return jsonResult(g, struct {
		Escalations []access.Escalation `json:"escalations"`
	}{g.Escalations()})
}

// graph serves GetAccessGraph (Format json, the default, or dot).
func (x *accessAPI) graph(c call, g *access.Graph) (any, error) {
	switch c.In.Get("Format") {
	case "", "json":
		doc, err := g.JSON()
		if err != nil {
			return nil, err
		}
		return documentResult{Format: "json", Document: string(doc), Truncated: g.Truncated}, nil
	case "dot":
		return documentResult{Format: "dot", Document: g.DOT(), Truncated: g.Truncated}, nil
	}
	return nil, awserr.ValidationError("Format must be json or dot.")
}
