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
func NewRequest(principal Principal, action, resource, resourceAccount string, ctx Context) *Request {
	r := &Request{Principal: principal, Action: action, Resource: resource, ResourceAccount: resourceAccount, Context: ctx}
	r.lowerAction = strings.ToLower(action)
	r.lowerService, _, _ = strings.Cut(r.lowerAction, ":")
	r.resourceParts, r.resourceIsARN = arn.Split(resource)
	r.resourceWildcard = hasWildcard(resource)
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
