package policy

import (
	"strings"

	"github.com/iamd-dev/iamd/internal/arn"
)

// Request is one authorization question: may Principal do Action on Resource, given
// Context? Build it with NewRequest, which prepares it for evaluation; a prepared Request
// may be evaluated any number of times, concurrently.
type Request struct {
	Principal       Principal
	Action          string // service:Action, e.g. s3:GetObject
	Resource        string // an ARN, or "*" for actions without a resource
	ResourceAccount string // the account that owns the resource
	Context         Context

	lowerAction      string
	lowerService     string
	resourceParts    [6]int
	resourceIsARN    bool
	resourceWildcard bool // the resource is a pattern (simulations only)
}

// NewRequest prepares a request. resourceAccount may be empty when the ARN carries the
// account. The global condition keys AWS derives from the caller and the resource
// (aws:PrincipalArn, aws:PrincipalAccount, aws:PrincipalType, aws:username,
// aws:PrincipalIsAWSService, aws:PrincipalServiceName, aws:ResourceAccount) are added when
// ctx does not already carry them.
//
// The resource is the one the call acts on, matched literally: a "*" or "?" in it is a
// character of its name (an S3 key may hold them), and "*" is the resource of actions that
// take none, which only a statement's Resource "*" (or a pattern matching the string "*")
// applies to, as AWS evaluates it. Simulations ask about patterns: NewPatternRequest.
func NewRequest(principal Principal, action, resource, resourceAccount string, ctx Context) *Request {
	return newRequest(principal, action, resource, resourceAccount, ctx, false)
}

// NewPatternRequest is NewRequest for a simulation whose resource may be a pattern
// (SimulatePrincipalPolicy's default ResourceArns "*", "arn:aws:s3:::bucket/*"): a statement
// applies where it may overlap the pattern (an Allow) or covers it wholly (a Deny).
func NewPatternRequest(principal Principal, action, resource, resourceAccount string, ctx Context) *Request {
	return newRequest(principal, action, resource, resourceAccount, ctx, hasWildcard(resource))
}

func newRequest(principal Principal, action, resource, resourceAccount string, ctx Context, pattern bool) *Request {
	r := &Request{Principal: principal, Action: action, Resource: resource, ResourceAccount: resourceAccount, Context: ctx}
	r.lowerAction = strings.ToLower(action)
	r.lowerService, _, _ = strings.Cut(r.lowerAction, ":")
	r.resourceParts, r.resourceIsARN = arn.Split(resource)
	r.resourceWildcard = pattern
	if r.ResourceAccount == "" && r.resourceIsARN {
		r.ResourceAccount = arn.Part(resource, r.resourceParts, 4)
	}
	r.deriveGlobalKeys()
	return r
}

func (r *Request) deriveGlobalKeys() {
	p := &r.Principal
	setDefault := func(key string, values ...string) {
		if !r.Context.Has(key) {
			r.Context.Set(key, values...)
		}
	}
	switch p.Kind {
	case Service:
		setDefault("aws:PrincipalIsAWSService", "true")
		setDefault("aws:PrincipalServiceName", p.ID)
	case Anonymous:
		setDefault("aws:PrincipalType", "Anonymous")
	case Federated:
	default:
		setDefault("aws:PrincipalArn", p.ARN())
		setDefault("aws:PrincipalAccount", p.Account)
		setDefault("aws:PrincipalType", p.typeName())
		setDefault("aws:PrincipalIsAWSService", "false")
		if p.Kind == User {
			setDefault("aws:username", p.Name)
		}
	}
	if r.ResourceAccount != "" {
		setDefault("aws:ResourceAccount", r.ResourceAccount)
	}
}

// sameAccount reports whether caller and resource are in one account. A resource whose
// account is unknown is taken to be the caller's.
func (r *Request) sameAccount() bool {
	return r.ResourceAccount == "" || r.ResourceAccount == r.Principal.Account
}

// service returns the lower-cased service prefix of the action.
func (r *Request) service() string { return r.lowerService }
