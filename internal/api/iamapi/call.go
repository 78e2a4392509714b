package iamapi

import (
	"context"
	"strconv"
	"strings"

	"github.com/iamd-dev/iamd/internal/api/awsquery"
	apiroute "github.com/iamd-dev/iamd/internal/api/route"
	"github.com/iamd-dev/iamd/internal/arn"
	"github.com/iamd-dev/iamd/internal/authz"
	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/iam"
	"github.com/iamd-dev/iamd/internal/policy"
)

// call is one IAM call in progress.
type call struct {
	ctx     context.Context
	q       *awsquery.Request
	caller  *authz.Caller
	account string // the caller's account: IAM calls act on it
	api     *API
}

// partition is the partition of the caller's account, which every ARN the call names is in.
func (c *call) partition() string { return c.caller.Principal.Partition() }

// wrap makes the API's call from the contract's.
func (a *API) wrap(c *apiroute.Call[*awsquery.Request]) *call {
	return &call{ctx: c.Ctx, q: c.In, caller: c.Caller, account: c.Caller.Account, api: a}
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
// request's PathPrefix ("arn:PARTITION:iam::ACCOUNT:user/" for all users).
func (c *call) listARN(kind string) string {
	prefix := c.q.Get("PathPrefix")
	if prefix == "" {
		prefix = "/"
	}
	return arn.IAM(c.partition(), c.account, kind+prefix)
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
