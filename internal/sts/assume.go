package sts

import (
	"context"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/iamd-dev/iamd/internal/arn"
	"github.com/iamd-dev/iamd/internal/authz"
	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/iam"
	"github.com/iamd-dev/iamd/internal/oidc"
	"github.com/iamd-dev/iamd/internal/policy"
)

// Limits of AssumeRole (STS API reference).
const (
	minDuration     = 900
	defaultDuration = 3600
	chainedMax      = 3600
	maxPackedPolicy = 2048 // plaintext session policy characters
	maxSessionTags  = 50
	maxPolicyARNs   = 10
)

var sessionNamePattern = regexp.MustCompile(`^[\w+=,.@-]*$`)

// Service issues sessions.
type Service struct {
	iam      *iam.Service
	authz    *authz.Authorizer
	sealer   *Sealer
	now      func() time.Time
	verifier *oidc.Verifier // of web identity tokens
	// issuerURL is an outbound federation issuer's URL from its id (web_identity_token.go).
	issuerURL func(issuerID string) string
}

// New makes the service; verifier checks AssumeRoleWithWebIdentity's tokens.
func New(svc *iam.Service, az *authz.Authorizer, sealer *Sealer, verifier *oidc.Verifier, now func() time.Time) *Service {
	return &Service{iam: svc, authz: az, sealer: sealer, verifier: verifier, now: now}
}

// Sealer returns the token sealer, for authentication.
func (s *Service) Sealer() *Sealer { return s.sealer }

// AssumeRoleInput is AssumeRole's parameters.
type AssumeRoleInput struct {
	RoleARN           string
	SessionName       string
	DurationSeconds   int // 0 for the default
	ExternalID        *string
	Policy            string
	PolicyARNs        []string
	Tags              []iam.Tag
	TransitiveTagKeys []string
	SourceIdentity    string
	MFA               MFA // SerialNumber and TokenCode

	federatedProvider string    // set by AssumeRoleWithWebIdentity and AssumeRoleWithSAML: the provider's ARN
	mfaAuthTime       time.Time // set by AssumeRole: the new session's MFA authentication
	notAfter          time.Time // set by AssumeRoleWithSAML: the assertion's SessionNotOnOrAfter, when it has one
}

// Credentials are a new session's credentials.
type Credentials struct {
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string
	Expiration      time.Time
}

// AssumeRoleOutput is AssumeRole's result.
type AssumeRoleOutput struct {
	Credentials      Credentials
	AssumedRoleID    string
	AssumedRoleARN   string
	PackedPolicySize int // percent of the packed limit, when a policy or tags were passed
	SourceIdentity   string
}

// AssumeRole issues a session of a role to the caller, when the role's trust policy and the
// caller's own policies allow it (both, across accounts), as AWS decides it.
func (s *Service) AssumeRole(ctx context.Context, caller *authz.Caller, in AssumeRoleInput) (*AssumeRoleOutput, error) {
	if err := checkAssumeRole(&in); err != nil {
		return nil, err
	}
	denied := awserr.AccessDenied("User: " + caller.Principal.ID + " is not authorized to perform: sts:AssumeRole on resource: " + in.RoleARN)
	role, trust, err := s.roleToAssume(ctx, in.RoleARN, denied)
	if err != nil {
		return nil, err
	}

	var rc policy.Context
	if in.ExternalID != nil {
		rc.Set("sts:ExternalId", *in.ExternalID)
	}
	rc.Set("sts:RoleSessionName", in.SessionName)
	if in.SourceIdentity != "" {
		rc.Set("sts:SourceIdentity", in.SourceIdentity)
	}
	setSessionTagKeys(&rc, in.Tags, in.TransitiveTagKeys)
	// The session's MFA: the code of this call (verified before the trust policy, which
	// sees it), or the calling session's own, which a role chain keeps.
	mfaTime := caller.MFAAuthTime
	if in.MFA.given() {
		if mfaTime, err = s.verifyMFA(ctx, caller, in.MFA); err != nil {
			return nil, err
		}
		setMFAKeys(&rc, mfaTime, mfaTime)
	}
	in.mfaAuthTime = mfaTime
	actions := []string{"sts:AssumeRole"}
	if len(in.Tags) > 0 {
		actions = append(actions, "sts:TagSession")
	}
	if in.SourceIdentity != "" {
		actions = append(actions, "sts:SetSourceIdentity")
	}
	action, err := s.deniedAction(ctx, caller, role, trust, rc, actions...)
	if err != nil {
		return nil, err
	}
	if action != "" {
		return nil, awserr.AccessDenied("User: " + caller.Principal.ID + " is not authorized to perform: " + action + " on resource: " + in.RoleARN)
	}

	return s.issueRoleSession(ctx, caller, role, in, caller.Principal.Kind == policy.AssumedRole)
}

// roleToAssume finds the role an ARN names, and its trust policy. A role that does not
// exist, or whose path differs from the ARN's, is refused with denied: AWS does not tell
// callers which roles exist.
func (s *Service) roleToAssume(ctx context.Context, roleARN string, denied error) (*iam.Role, *policy.Policy, error) {
	a, err := arn.Parse(roleARN)
	if err != nil || a.Service != "iam" || !strings.HasPrefix(a.Resource, "role/") {
		return nil, nil, awserr.ValidationError("%s is invalid", roleARN)
	}
	role, trust, err := s.iam.RoleTrust(ctx, a.Account, a.Resource[strings.LastIndexByte(a.Resource, '/')+1:])
	if err != nil {
		if e, ok := awserr.As(err); ok && e.Code == "NoSuchEntity" {
			return nil, nil, denied
		}
		return nil, nil, err
	}
	if role.ARN() != roleARN {
		return nil, nil, denied
	}
	return role, trust, nil
}

// issueRoleSession makes a session of the role once its assumption has been allowed:
// duration limits, the source identity kept along a chain, session policies and tags.
func (s *Service) issueRoleSession(ctx context.Context, caller *authz.Caller, role *iam.Role, in AssumeRoleInput, chained bool) (*AssumeRoleOutput, error) {
	duration := in.DurationSeconds
	if duration == 0 {
		duration = defaultDuration
	}
	switch {
	case chained && duration > chainedMax:
		return nil, awserr.ValidationError("The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.")
	case duration > role.MaxSessionDuration:
		return nil, awserr.ValidationError("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
	}
	if caller.SourceIdentity != "" {
		if in.SourceIdentity != "" && in.SourceIdentity != caller.SourceIdentity {
			return nil, awserr.AccessDenied("User: " + caller.Principal.ID + " is not authorized to perform: sts:SetSourceIdentity on resource: " + in.RoleARN + ": the source identity cannot change along a role chain")
		}
		in.SourceIdentity = caller.SourceIdentity
	}
	policies, err := s.sessionPolicies(ctx, role.Account, in)
	if err != nil {
		return nil, err
	}
	now := s.now().UTC().Truncate(time.Second)
	sess := &Session{
		AccessKeyID: sessionKeyID(role.Account), SecretAccessKey: iam.NewSecretAccessKey(),
		Account: role.Account, Partition: role.Partition, RoleName: role.Name, RoleID: role.ID, RolePath: role.Path, SessionName: in.SessionName,
		SourceIdentity: in.SourceIdentity, Tags: sessionTags(caller, in), TransitiveKeys: transitiveKeys(caller, in),
		Policies: policies, IssuedAt: now, Expires: now.Add(time.Duration(duration) * time.Second), Chained: chained,
		FederatedProvider: in.federatedProvider, MFAAuthTime: in.mfaAuthTime,
	}
	if !in.notAfter.IsZero() && in.notAfter.Before(sess.Expires) {
		sess.Expires = in.notAfter.UTC().Truncate(time.Second)
	}
	token, err := s.sealer.Seal(sess)
	if err != nil {
		return nil, err
	}
	out := &AssumeRoleOutput{
		Credentials:    Credentials{AccessKeyID: sess.AccessKeyID, SecretAccessKey: sess.SecretAccessKey, SessionToken: token, Expiration: sess.Expires},
		AssumedRoleID:  sess.UserID(),
		AssumedRoleARN: sess.ARN(),
		SourceIdentity: sess.SourceIdentity,
	}
	if in.Policy != "" || len(in.PolicyARNs) > 0 || len(in.Tags) > 0 {
		out.PackedPolicySize = packedPercent(in)
	}
	return out, nil
}

// sessionTags are the new session's tags: those the calling session passes on as
// transitive, and the request's.
func sessionTags(caller *authz.Caller, in AssumeRoleInput) map[string]string {
	tags := map[string]string{}
	for _, k := range caller.TransitiveTagKeys {
		if v, ok := caller.Tags[k]; ok {
			tags[k] = v
		}
	}
	for _, t := range in.Tags {
		tags[t.Key] = t.Value
	}
	if len(tags) == 0 {
		return nil
	}
	return tags
}

// sessionPolicies gathers the session policy documents: the inline Policy and the
// documents of the managed PolicyArns (in the role's account).
func (s *Service) sessionPolicies(ctx context.Context, account string, in AssumeRoleInput) ([]string, error) {
	var docs []string
	if in.Policy != "" {
		if _, err := policy.Parse([]byte(in.Policy), policy.Session); err != nil {
			if pe, ok := err.(*policy.Error); ok {
				return nil, awserr.MalformedPolicyDocument(pe.Message)
			}
			return nil, awserr.MalformedPolicyDocument("Syntax errors in policy.")
		}
		docs = append(docs, in.Policy)
	}
	for _, a := range in.PolicyARNs {
		doc, err := s.iam.PolicyDocument(ctx, account, a)
		if err != nil {
			return nil, err
		}
		docs = append(docs, doc)
	}
	return docs, nil
}

// checkAssumeRole validates AssumeRole's parameters against the STS API reference's
// constraints, reporting every member that fails as AWS's validation does, in the order of
// the request's members; a member failing both its length and its pattern reports its length.
func checkAssumeRole(in *AssumeRoleInput) error {
	var v violations
	v.length(in.RoleARN, "roleArn", 20, 2048)
	if !v.length(in.SessionName, "roleSessionName", 2, 64) && !sessionNamePattern.MatchString(in.SessionName) {
		v.add(in.SessionName, "roleSessionName", `Member must satisfy regular expression pattern: [\w+=,.@-]*`)
	}
	for i, a := range in.PolicyARNs {
		v.length(a, "policyArns."+strconv.Itoa(i+1)+".member.arn", 20, 2048)
	}
	switch {
	case in.DurationSeconds != 0 && in.DurationSeconds < minDuration:
		v.add(strconv.Itoa(in.DurationSeconds), "durationSeconds", "Member must have value greater than or equal to 900")
	case in.DurationSeconds > 43200:
		v.add(strconv.Itoa(in.DurationSeconds), "durationSeconds", "Member must have value less than or equal to 43200")
	}
	for i, t := range in.Tags {
		n := strconv.Itoa(i + 1)
		v.length(t.Key, "tags."+n+".member.key", 1, 128)
		v.length(t.Value, "tags."+n+".member.value", 0, 256)
	}
	if in.ExternalID != nil && !v.length(*in.ExternalID, "externalId", 2, 1224) && !externalIDPattern.MatchString(*in.ExternalID) {
		v.add(*in.ExternalID, "externalId", `Member must satisfy regular expression pattern: [\w+=,.@:\/-]*`)
	}
	if in.SourceIdentity != "" && !v.length(in.SourceIdentity, "sourceIdentity", 2, 64) && !sessionNamePattern.MatchString(in.SourceIdentity) {
		v.add(in.SourceIdentity, "sourceIdentity", `Member must satisfy regular expression pattern: [\w+=,.@-]*`)
	}
	in.MFA.check(&v)
	if err := v.err(); err != nil {
		return err
	}
	switch {
	case len(in.Tags) > maxSessionTags:
		return constraint("", "tags", "Member must have length less than or equal to 50")
	case len(in.TransitiveTagKeys) > maxSessionTags:
		return constraint("", "transitiveTagKeys", "Member must have length less than or equal to 50")
	case len(in.PolicyARNs) > maxPolicyARNs:
		return constraint("", "policyArns", "Member must have length less than or equal to 10")
	case len(in.Policy) > maxPackedPolicy:
		return awserr.New("PackedPolicyTooLarge", "Packed size of consumed policies exceeds 100%% of limit.")
	}
	return nil
}

var externalIDPattern = regexp.MustCompile(`^[\w+=,.@:/-]*$`)

// violations gathers the members that fail their constraints, for one ValidationError.
type violations []string

func (v *violations) add(value, member, rule string) {
	*v = append(*v, "Value '"+value+"' at '"+member+"' failed to satisfy constraint: "+rule)
}

// length records a value outside min..max characters, naming the bound it crosses, and
// reports whether it did.
func (v *violations) length(value, member string, min, max int) bool {
	switch n := utf8.RuneCountInString(value); {
	case n < min:
		v.add(value, member, "Member must have length greater than or equal to "+strconv.Itoa(min))
	case n > max:
		v.add(value, member, "Member must have length less than or equal to "+strconv.Itoa(max))
	default:
		return false
	}
	return true
}

// err is AWS's ValidationError for the violations: "1 validation error detected: ..." or
// "N validation errors detected: ...; ...".
func (v violations) err() error {
	switch len(v) {
	case 0:
		return nil
	case 1:
		return awserr.ValidationError("1 validation error detected: %s", v[0])
	}
	return awserr.ValidationError("%d validation errors detected: %s", len(v), strings.Join(v, "; "))
}

func constraint(value, member, rule string) *awserr.Error {
	return awserr.ValidationError("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: %s", value, member, rule)
}

// packedPercent estimates how close the packed session policies and tags come to AWS's
// limit, as a percentage.
func packedPercent(in AssumeRoleInput) int {
	n := len(in.Policy) + 64*len(in.PolicyARNs)
	for _, t := range in.Tags {
		n += len(t.Key) + len(t.Value)
	}
	return min(100, (n*100+maxPackedPolicy-1)/maxPackedPolicy)
}

// transitiveKeys are the new session's transitive tag keys: the caller's, which stay
// transitive along the chain, and the request's.
func transitiveKeys(caller *authz.Caller, in AssumeRoleInput) []string {
	keys := append([]string(nil), caller.TransitiveTagKeys...)
	for _, k := range in.TransitiveTagKeys {
		if !slices.Contains(keys, k) {
			keys = append(keys, k)
		}
	}
	return keys
}
