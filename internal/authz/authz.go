// Package authz authorizes calls: it gathers the policies that bear on a caller (identity
// policies with its groups', permissions boundary), keeps them compiled in memory until a
// document they were read from changes, asks the policy engine, and words a denial as AWS
// does.
package authz

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/iamd-dev/iamd/internal/authz/denial"
	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/docstore"
	"github.com/iamd-dev/iamd/internal/iam"
	"github.com/iamd-dev/iamd/internal/managedpolicies"
	"github.com/iamd-dev/iamd/internal/policy"
)

// Caller is an authenticated principal and the circumstances of its request.
type Caller struct {
	Principal policy.Principal
	Account   string
	UserID    string // AIDA... for users, the account id for the root user
	UserName  string // for users
	// EntityID is the unique id of the user or role whose policies the caller has (AIDA...,
	// AROA...): the key's owner, the session's user or role. A session outlives nothing it
	// was issued for: when the entity of that name now has another id (deleted, created
	// anew), or none, nothing allows the caller's requests.
	EntityID string
	Tags     map[string]string

	// SessionKind is "" for long-term keys and role sessions, "user" for GetSessionToken and
	// "federated-user" for GetFederationToken credentials.
	SessionKind string
	// For sessions: the access key (sessions with the same name differ by their
	// policies), the session policies, and when the session was issued. AccessKeyID is ""
	// for long-term credentials.
	AccessKeyID     string
	SessionPolicies []string
	TokenIssueTime  time.Time
	// SessionExpiry is when the session's credentials expire (zero for long-term keys).
	SessionExpiry  time.Time
	SourceIdentity string
	// FederatedProvider is the IAM OIDC provider's ARN for a web identity session
	// (aws:FederatedProvider).
	FederatedProvider string
	// TransitiveTagKeys are the session tags that pass on to sessions this one assumes.
	TransitiveTagKeys []string
	// MFAAuthTime is when the session's user last authenticated with an MFA code (the
	// session's own GetSessionToken or AssumeRole call, or the one of the session it was
	// assumed with); zero for a session made without MFA, and for long-term keys.
	MFAAuthTime time.Time

	// The request's circumstances, for the global condition keys.
	SourceIP        string
	SecureTransport bool
	Time            time.Time
	Region          string
}

// globalKeys adds the condition keys AWS sets on every request (reference_policies_
// condition-keys) unless the request already set them.
func (c *Caller) globalKeys(ctx *policy.Context) {
	set := func(k string, v ...string) {
		if !ctx.Has(k) {
			ctx.Set(k, v...)
		}
	}
	if !c.Time.IsZero() {
		set("aws:CurrentTime", c.Time.UTC().Format(time.RFC3339))
		set("aws:EpochTime", strconv.FormatInt(c.Time.Unix(), 10))
	}
	if c.SourceIP != "" {
		set("aws:SourceIp", c.SourceIP)
	}
	set("aws:SecureTransport", strconv.FormatBool(c.SecureTransport))
	if c.Region != "" {
		set("aws:RequestedRegion", c.Region)
	}
	if c.UserID != "" {
		set("aws:userid", c.UserID)
	}
	if !c.TokenIssueTime.IsZero() {
		set("aws:TokenIssueTime", c.TokenIssueTime.UTC().Format(time.RFC3339))
	}
	if c.SourceIdentity != "" {
		set("aws:SourceIdentity", c.SourceIdentity)
	}
	if c.FederatedProvider != "" {
		set("aws:FederatedProvider", c.FederatedProvider)
	}
	for k, v := range c.Tags {
		set("aws:PrincipalTag/"+k, v)
	}
	c.mfaKeys(set)
}

// mfaKeys sets aws:MultiFactorAuthPresent and aws:MultiFactorAuthAge as AWS does: temporary
// credentials carry MultiFactorAuthPresent, "true" when made with MFA (and then the seconds
// since that authentication in MultiFactorAuthAge) and "false" otherwise; requests signed
// with long-term access keys carry neither key (IAM User Guide, "AWS global condition
// context keys").
func (c *Caller) mfaKeys(set func(k string, v ...string)) {
	if c.AccessKeyID == "" {
		return // long-term credentials, or a service principal
	}
	if c.MFAAuthTime.IsZero() {
		set("aws:MultiFactorAuthPresent", "false")
		return
	}
	set("aws:MultiFactorAuthPresent", "true")
	age := int64(0)
	if !c.Time.IsZero() && c.Time.After(c.MFAAuthTime) {
		age = int64(c.Time.Sub(c.MFAAuthTime) / time.Second)
	}
	set("aws:MultiFactorAuthAge", strconv.FormatInt(age, 10))
}

// IsRoot reports whether the caller is an account's root user.
func (c *Caller) IsRoot() bool { return c.Principal.Kind == policy.Account }

// Authorizer decides calls. It is safe for concurrent use.
type Authorizer struct {
	iam *iam.Service

	// cache holds compiled policies by caller ARN, entity id and, for sessions, access key;
	// each entry is used while the documents it was built from are unchanged.
	cache *clockCache
	stats cacheCounters

	// awsManaged holds AWS managed policies once compiled, by kind and ARN: they never
	// change, and some (ReadOnlyAccess) take milliseconds to parse at every rebuild.
	awsManaged sync.Map
}

const allowAll = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`

// DefaultCacheSize is how many callers' compiled policies an Authorizer keeps unless told
// otherwise (CacheSize).
const DefaultCacheSize = 10000

type compiled struct {
	// deps are the stored documents the set was built from: it is current while
	// iam.Service.Current(deps) holds.
	deps iam.Dependencies
	// inputs digests what the set was compiled from: when a dependency changes but the
	// policies read anew are the same (a role's trust policy, a tag), the set is kept.
	inputs [sha256.Size]byte
	set    *policy.Set
	// orphaned is set when the caller's user or role no longer exists as the entity the
	// caller was issued for: no policy, resource policies included, allows it anything.
	orphaned bool
}

// Option configures an Authorizer.
type Option func(*Authorizer)

// CacheSize bounds the compiled-policy cache to n callers (DefaultCacheSize when n < 1);
// the least recently used go first.
func CacheSize(n int) Option {
	return func(a *Authorizer) {
		if n < 1 {
			n = DefaultCacheSize
		}
		a.cache = newClockCache(n)
	}
}

// New makes an Authorizer over the IAM service.
func New(svc *iam.Service, opts ...Option) *Authorizer {
	a := &Authorizer{iam: svc, cache: newClockCache(DefaultCacheSize)}
	for _, o := range opts {
		o(a)
	}
	return a
}

// Context is a request's condition keys (the policy engine's type, so that protocol layers
// set keys without depending on the engine).
type Context = policy.Context

// Request is one action to authorize.
type Request struct {
	Action   string // iam:CreateRole
	Resource string // the ARN AWS documents for the action, or "*"
	Context  Context

	// ResourcePolicy is the resource's own policy (a role's trust policy for
	// sts:AssumeRole), evaluated with the caller's; ResourceAccount owns the resource.
	ResourcePolicy  *policy.Policy
	ResourceAccount string
}

// Authorize returns nil when the caller may make the request, an AccessDenied *awserr.Error
// worded as AWS words it when not, or another error when the decision could not be made.
func (a *Authorizer) Authorize(ctx context.Context, c *Caller, r Request) error {
	return a.AuthorizeNaming(ctx, c, r, r.Resource)
}

// AuthorizeNaming is Authorize with a denial that names the resource as named (the
// resource as the caller gave it, where a service words it so), or no resource when named is
// "".
func (a *Authorizer) AuthorizeNaming(ctx context.Context, c *Caller, r Request, named string) error {
	d, err := a.Decide(ctx, c, r)
	if err != nil {
		return err
	}
	if d.Result == policy.Allowed {
		return nil
	}
	return awserr.AccessDenied(DeniedMessage(c.Principal.ID, r.Action, named, &d))
}

// Decide evaluates the request for the caller. A denial is kept by the context's
// denial.Recorder, when it carries one (for the audit log).
func (a *Authorizer) Decide(ctx context.Context, c *Caller, r Request) (policy.Decision, error) {
	d, orphaned, err := a.decide(ctx, c, r)
	if err == nil && !orphaned {
		// Service last-accessed data counts every attempt, allowed or not, as AWS's does.
		// It is bookkeeping: a failure to write it does not fail the request.
		_ = a.iam.NoteServiceAccess(ctx, c.Account, c.EntityID, r.Action, c.Region)
	}
	if err == nil && d.Result != policy.Allowed {
		if rec := denial.RecorderFrom(ctx); rec != nil {
			reason := denial.Of(&d, r.Action, r.Resource)
			reason.EntityGone = orphaned
			rec.Keep(reason)
		}
	}
	if err == nil && d.Result == policy.Allowed {
		if rec := denial.RecorderFrom(ctx); rec != nil && len(d.Matched) > 0 {
			if reason := denial.Of(&d, r.Action, r.Resource); len(reason.Statements) > 0 {
				rec.KeepAllowed(reason)
			}
		}
	}
	return d, err
}

// decide is Decide; orphaned reports a caller whose user or role is gone.
func (a *Authorizer) decide(ctx context.Context, c *Caller, r Request) (d policy.Decision, orphaned bool, err error) {
	return a.decideWith(ctx, c, r, nil)
}

// decideWith is decide with one more identity policy of the caller's, when extra is not nil.
func (a *Authorizer) decideWith(ctx context.Context, c *Caller, r Request, extra *policy.Policy) (d policy.Decision, orphaned bool, err error) {
	entry, err := a.policies(ctx, c)
	if err != nil {
		return policy.Decision{}, false, err
	}
	if entry.orphaned {
		// AWS binds credentials to the entity's unique id: policies of a later entity of the
		// same name, and resource policies naming that name, are not the caller's.
		return policy.Decision{Result: policy.ImplicitDeny, DeniedBy: policy.LayerIdentity}, true, nil
	}
	set := entry.set
	ctx2 := r.Context.Clone()
	c.globalKeys(&ctx2)
	if extra != nil {
		withExtra := *set
		withExtra.Identity = append(append([]*policy.Policy(nil), set.Identity...), extra)
		set = &withExtra
	}
	if r.ResourcePolicy != nil {
		withResource := *set
		withResource.Resource = r.ResourcePolicy
		set = &withResource
	}
	account := r.ResourceAccount
	if account == "" && managedpolicies.IsAWSManaged(r.Resource) {
		// AWS managed policies belong to every account: reading and attaching them is
		// not a cross-account request (changing them is refused by the engine).
		account = c.Account
	}
	req := policy.NewRequest(c.Principal, r.Action, r.Resource, account, ctx2)
	return policy.Evaluate(set, req), false, nil
}

// policies returns the caller's compiled policies, rebuilding them when a document they
// were built from has changed. The entry is keyed by the entity's id as well as its ARN, so
// that callers of a deleted entity and of one created anew under its name never share one.
func (a *Authorizer) policies(ctx context.Context, c *Caller) (*compiled, error) {
	cacheKey := c.Principal.ID + "\x00" + c.EntityID + "\x00" + c.AccessKeyID
	old := a.cache.get(cacheKey)
	if old != nil && a.iam.Current(old.deps) {
		a.stats.hits.Add(1)
		return old, nil
	}
	in, err := a.gather(ctx, c)
	if err != nil {
		return nil, err
	}
	entry := &compiled{deps: in.deps, inputs: in.digest(c), orphaned: in.orphaned}
	if old != nil && old.inputs == entry.inputs && old.orphaned == entry.orphaned {
		entry.set = old.set // read anew, the same policies: nothing to compile
		a.stats.refreshes.Add(1)
	} else {
		if entry.set, err = a.compileSet(in, c); err != nil {
			return nil, err
		}
		a.stats.rebuilds.Add(1)
	}
	if a.cache.put(cacheKey, entry) {
		a.stats.evictions.Add(1)
	}
	return entry, nil
}

// inputs are what a caller's policies are compiled from.
type inputs struct {
	pp       iam.PrincipalPolicies
	deps     iam.Dependencies
	orphaned bool
}

// digest is a SHA-256 of the inputs: equal digests compile to the same set. (A
// cryptographic hash, so that no crafted document can pass for another.)
func (in *inputs) digest(c *Caller) [sha256.Size]byte {
	h := sha256.New()
	field := func(s string) {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(s)))
		h.Write(n[:])
		h.Write([]byte(s))
	}
	field(strconv.FormatBool(in.orphaned))
	field(in.pp.ID)
	for _, np := range in.pp.Identity {
		field(np.Name)
		field(np.Document)
	}
	field("boundary")
	if b := in.pp.Boundary; b != nil {
		field(b.Name)
		field(b.Document)
	}
	field("session")
	for _, doc := range c.SessionPolicies {
		field(doc)
	}
	var out [sha256.Size]byte
	h.Sum(out[:0])
	return out
}

// gather reads the caller's policies; orphaned reports that the caller's user or role is
// gone or is another entity now (its id differs from the caller's).
func (a *Authorizer) gather(ctx context.Context, c *Caller) (in inputs, err error) {
	bound := true // the policies read must be of the entity the caller was issued for
	switch c.Principal.Kind {
	case policy.Account:
		return inputs{}, nil // the root user's rights need no policy
	case policy.User:
		in.pp, err = a.iam.UserPolicies(ctx, c.Account, c.UserName)
	case policy.AssumedRole:
		in.pp, err = a.iam.RolePolicies(ctx, c.Account, c.Principal.Name)
	case policy.FederatedUser:
		if c.UserName == "" {
			// The root user's federated users: everything, within the session policies.
			in.pp.Identity = []iam.NamedPolicy{{Name: "root", Document: allowAll}}
			bound = false
		} else {
			in.pp, err = a.iam.UserPolicies(ctx, c.Account, c.UserName)
		}
	default:
		return inputs{}, nil
	}
	in.deps = in.pp.Depends
	if errors.Is(err, docstore.ErrNotFound) {
		// Deleted since the credentials were issued.
		return inputs{deps: in.deps, orphaned: true}, nil
	}
	if err != nil {
		return inputs{}, err
	}
	if bound && (c.EntityID == "" || in.pp.ID != c.EntityID) {
		return inputs{deps: in.deps, orphaned: true}, nil
	}
	return in, nil
}

// compileSet compiles the caller's policies (none for an orphaned caller) with its session
// policies.
func (a *Authorizer) compileSet(in inputs, c *Caller) (*policy.Set, error) {
	set := &policy.Set{}
	if in.orphaned {
		return set, nil
	}
	for _, np := range in.pp.Identity {
		p, err := a.compileStored(np, policy.Identity)
		if err != nil {
			return nil, err
		}
		set.Identity = append(set.Identity, p)
	}
	if in.pp.Boundary != nil {
		var err error
		if set.Boundary, err = a.compileStored(*in.pp.Boundary, policy.Boundary); err != nil {
			return nil, err
		}
	}
	switch c.Principal.Kind {
	case policy.User, policy.AssumedRole, policy.FederatedUser:
	default:
		return set, nil // the root user, and others, are decided without session policies
	}
	for i, doc := range c.SessionPolicies {
		p, err := compile(iam.NamedPolicy{Name: fmt.Sprintf("session policy %d", i+1), Document: doc}, policy.Session)
		if err != nil {
			return nil, err
		}
		set.Session = append(set.Session, p)
	}
	return set, nil
}

// compileStored compiles a principal's policy, an AWS managed one only once.
func (a *Authorizer) compileStored(np iam.NamedPolicy, kind policy.Kind) (*policy.Policy, error) {
	if !managedpolicies.IsAWSManaged(np.Name) {
		return compile(np, kind)
	}
	k := fmt.Sprint(kind) + "\x00" + np.Name
	if p, ok := a.awsManaged.Load(k); ok {
		return p.(*policy.Policy), nil
	}
	p, err := compile(np, kind)
	if err != nil {
		return nil, err
	}
	a.awsManaged.Store(k, p)
	return p, nil
}

func compile(np iam.NamedPolicy, kind policy.Kind) (*policy.Policy, error) {
	p, err := policy.Parse([]byte(np.Document), kind)
	if err != nil {
		return nil, fmt.Errorf("stored policy %s no longer parses: %w", np.Name, err)
	}
	p.Name = np.Name
	return p, nil
}
