// Package iamapi is the IAM API over the Query protocol: for each action it reads the
// parameters, authorizes the caller for the action on the resource AWS documents, calls the
// iam service, and writes AWS's XML.
package iamapi

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/iamd-dev/iamd/internal/api/awsquery"
	"github.com/iamd-dev/iamd/internal/authz"
	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/iam"
	"github.com/iamd-dev/iamd/internal/policy"
)

// Namespace is the XML namespace of IAM responses.
const Namespace = "https://iam.amazonaws.com/doc/2010-05-08/"

// API serves IAM actions.
type API struct {
	iam    *iam.Service
	authz  *authz.Authorizer
	routes map[string]route
}

// New makes the API.
func New(svc *iam.Service, az *authz.Authorizer) *API {
	return &API{iam: svc, authz: az, routes: routeTable()}
}

// routeTable is every action the API serves.
func routeTable() map[string]route {
	routes := map[string]route{}
	for _, group := range []map[string]route{
		roleRoutes(),
		userRoutes(),
		groupRoutes(),
		accessKeyRoutes(),
		managedPolicyRoutes(),
		instanceProfileRoutes(),
		oidcProviderRoutes(),
		accountRoutes(),
		simulationRoutes(),
	} {
		for action, r := range group {
			routes[action] = r
		}
	}
	return routes
}

// Actions lists every action the API serves with the kind of resource it is authorized on.
func Actions() map[string]ResourceKind {
	out := map[string]ResourceKind{}
	for action, r := range routeTable() {
		out[action] = r.on
	}
	return out
}

// call is one IAM call in progress.
type call struct {
	ctx     context.Context
	q       *awsquery.Request
	caller  *authz.Caller
	account string // the caller's account: IAM calls act on it
	api     *API
}

// route is how one action is served: what it is authorized on (the kind, and the ARN found
// for the request), and what it does (returning the Result element's content, or nil for
// actions that return nothing).
type route struct {
	on       ResourceKind
	resource func(c *call) (string, error)
	run      func(c *call) (any, error)
}

// Result is what Serve did, for the audit log.
type Result struct {
	Action   string
	Resource string
	Err      *awserr.Error
}

// Serve handles one IAM request from an authenticated caller.
func (a *API) Serve(ctx context.Context, w http.ResponseWriter, q *awsquery.Request, caller *authz.Caller, requestID string) Result {
	res := Result{Action: "iam:" + q.Action}
	fail := func(err error) Result {
		e, ok := awserr.As(err)
		if !ok {
			e = awserr.ServiceFailure()
		}
		res.Err = e
		awsquery.WriteError(w, Namespace, e, requestID)
		return res
	}
	rt, ok := a.routes[q.Action]
	if !ok {
		if q.Action == "" {
			return fail(awserr.New("MissingAction", "Missing Action"))
		}
		return fail(awserr.New("InvalidAction", "Could not find operation %s for version 2010-05-08 (iamd does not implement it).", q.Action))
	}
	c := &call{ctx: ctx, q: q, caller: caller, account: caller.Account, api: a}
	resource, err := rt.resource(c)
	if err != nil {
		return fail(err)
	}
	res.Resource = resource
	if err := a.authz.Authorize(ctx, caller, authz.Request{Action: res.Action, Resource: res.Resource, Context: c.conditionKeys()}); err != nil {
		return fail(err)
	}
	out, err := rt.run(c)
	if err != nil {
		return fail(err)
	}
	if err := awsquery.WriteResult(w, Namespace, q.Action, out, requestID); err != nil {
		res.Err = awserr.ServiceFailure()
	}
	return res
}

// conditionKeys are the request's own condition keys (IAM's entries in the Service
// Authorization Reference): aws:RequestTag/* and aws:TagKeys for calls that tag,
// iam:PermissionsBoundary for calls that set a boundary, iam:PolicyARN for calls that attach
// or detach a managed policy.
func (c *call) conditionKeys() policy.Context {
	var ctx policy.Context
	if tags := c.tags(); len(tags) > 0 {
		keys := make([]string, 0, len(tags))
		for _, t := range tags {
			ctx.Set("aws:RequestTag/"+t.Key, t.Value)
			keys = append(keys, t.Key)
		}
		ctx.Set("aws:TagKeys", keys...)
	}
	if keys := c.q.List("TagKeys"); len(keys) > 0 {
		ctx.Set("aws:TagKeys", keys...)
	}
	if b := c.q.Get("PermissionsBoundary"); b != "" {
		ctx.Set("iam:PermissionsBoundary", b)
	}
	switch a := c.q.Action; {
	case strings.HasPrefix(a, "Attach") || strings.HasPrefix(a, "Detach"):
		if arn := c.q.Get("PolicyArn"); arn != "" {
			ctx.Set("iam:PolicyARN", arn)
		}
	}
	return ctx
}

// listARN is what AWS authorizes a List call on: the ARN prefix of the kind and the
// request's PathPrefix ("arn:aws:iam::ACCOUNT:user/" for all users).
func (c *call) listARN(kind string) string {
	prefix := c.q.Get("PathPrefix")
	if prefix == "" {
		prefix = "/"
	}
	return "arn:aws:iam::" + c.account + ":" + kind + prefix
}

// page reads Marker and MaxItems.
func (c *call) page() (iam.Page, error) {
	p := iam.Page{Marker: c.q.Get("Marker")}
	if n, ok, err := c.q.Int("MaxItems"); ok {
		if err != nil {
			return p, awserr.ValidationError("1 validation error detected: Value '%s' at 'maxItems' failed to satisfy constraint: Member must have value between 1 and 1000", c.q.Get("MaxItems"))
		}
		p.MaxItems = n
	}
	return p, nil
}

// tags reads Tags.member.N.Key/Value.
func (c *call) tags() []iam.Tag {
	var out []iam.Tag
	for _, m := range c.q.Structs("Tags") {
		out = append(out, iam.Tag{Key: m["Key"], Value: m["Value"]})
	}
	return out
}

// intParam reads an optional integer parameter (0 when absent).
func (c *call) intParam(name, member string) (int, error) {
	n, ok, err := c.q.Int(name)
	if ok && err != nil {
		return 0, awserr.ValidationError("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must be a number", c.q.Get(name), member)
	}
	return n, nil
}

func itoa(n int) string { return strconv.Itoa(n) }
