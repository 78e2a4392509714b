package sts

import (
	"context"
	"errors"
	"sort"
	"strings"

	"github.com/iamd-dev/iamd/internal/authz"
	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/iam"
	"github.com/iamd-dev/iamd/internal/oidc"
	"github.com/iamd-dev/iamd/internal/policy"
)

// AWS's errors of AssumeRoleWithWebIdentity.
const (
	invalidTokenMessage = "The web identity token that was passed could not be validated by AWS. Get a new identity token from the identity provider and then retry the request."
	noKeyMessage        = "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements"
	idpMessage          = "The identity provider could not be reached to verify the web identity token. Retry the request."
	webIdentityDenied   = "Not authorized to perform sts:AssumeRoleWithWebIdentity"
	sessionTagsClaim    = "https://aws.amazon.com/tags"
	minWebIdentityToken = 4
)

// WebIdentityInput is AssumeRoleWithWebIdentity's parameters.
type WebIdentityInput struct {
	RoleARN         string
	SessionName     string
	Token           string // the OpenID Connect ID token
	ProviderID      string // only for OAuth 2.0 access tokens, which iamd does not accept
	DurationSeconds int
	Policy          string
	PolicyARNs      []string
}

// WebIdentityOutput is AssumeRoleWithWebIdentity's result.
type WebIdentityOutput struct {
	AssumeRoleOutput
	Subject  string // the token's sub
	Audience string // the client id the token was issued to
	Provider string // the IAM OIDC provider's ARN
}

// AssumeRoleWithWebIdentity issues a session of a role to the holder of an OpenID Connect
// ID token: the token must be signed by a key of its issuer, an IAM OIDC provider of the
// role's account must name that issuer and one of the token's audiences, and the role's
// trust policy must allow the provider (with the token's claims as PROVIDER:sub,
// PROVIDER:aud and PROVIDER:amr). caller carries only the request's own facts (source
// address, time); the request is not signed.
func (s *Service) AssumeRoleWithWebIdentity(ctx context.Context, caller *authz.Caller, in WebIdentityInput) (*WebIdentityOutput, error) {
	if err := checkWebIdentity(&in); err != nil {
		return nil, err
	}
	tok, err := oidc.Parse(in.Token)
	if err != nil {
		return nil, awserr.New("InvalidIdentityToken", invalidTokenMessage)
	}
	if in.ProviderID != "" {
		return nil, awserr.New("InvalidIdentityToken", "iamd accepts OpenID Connect ID tokens only; ProviderId is for OAuth 2.0 access tokens of www.amazon.com and graph.facebook.com.")
	}
	denied := awserr.AccessDenied(webIdentityDenied)
	role, trust, err := s.roleToAssume(ctx, in.RoleARN, denied)
	if err != nil {
		return nil, err
	}
	iss := tok.Claims.Issuer
	providerURL, ok := strings.CutPrefix(iss, "https://")
	if !ok || providerURL == "" {
		return nil, awserr.New("InvalidIdentityToken", "No OpenIDConnect provider found in your account for %s", iss)
	}
	provider, err := s.iam.OIDCProvider(ctx, role.Account, iam.OIDCProviderARN(role.Partition, role.Account, providerURL))
	if err != nil {
		if e, ok := awserr.As(err); ok && e.Code == "NoSuchEntity" {
			return nil, awserr.New("InvalidIdentityToken", "No OpenIDConnect provider found in your account for %s", iss)
		}
		return nil, err
	}
	aud, err := s.verifier.Verify(ctx, tok, oidc.Expected{Issuer: iss, Audiences: provider.ClientIDs})
	if err != nil {
		return nil, webIdentityError(err)
	}
	tags, transitive, err := tokenSessionTags(tok.Claims.Raw[sessionTagsClaim])
	if err != nil {
		return nil, err
	}

	federated := *caller
	federated.Principal, _ = policy.ParsePrincipal(provider.ARN())
	federated.Account, federated.UserID, federated.UserName, federated.Tags = "", "", "", nil
	var rc policy.Context
	prefix := provider.URL + ":"
	rc.Set(prefix+"aud", aud)
	if tok.Claims.Subject != "" {
		rc.Set(prefix+"sub", tok.Claims.Subject)
	}
	if len(tok.Claims.AMR) > 0 {
		rc.Set(prefix+"amr", tok.Claims.AMR...)
	}
	if tok.Claims.AZP != "" {
		rc.Set(prefix+"azp", tok.Claims.AZP)
	}
	rc.Set("aws:FederatedProvider", provider.ARN())
	rc.Set("sts:RoleSessionName", in.SessionName)
	if len(tags) > 0 {
		setSessionTagKeys(&rc, tags, transitive)
	}
	actions := []string{"sts:AssumeRoleWithWebIdentity"}
	if len(tags) > 0 {
		actions = append(actions, "sts:TagSession")
	}
	action, err := s.deniedAction(ctx, &federated, role, trust, rc, actions...)
	if err != nil {
		return nil, err
	}
	if action != "" {
		return nil, denied
	}
	out, err := s.issueRoleSession(ctx, &federated, role, AssumeRoleInput{
		RoleARN: in.RoleARN, SessionName: in.SessionName, DurationSeconds: in.DurationSeconds,
		Policy: in.Policy, PolicyARNs: in.PolicyARNs, Tags: tags, TransitiveTagKeys: transitive,
		federatedProvider: provider.ARN(),
	}, false)
	if err != nil {
		return nil, err
	}
	return &WebIdentityOutput{AssumeRoleOutput: *out, Subject: tok.Claims.Subject, Audience: aud, Provider: provider.ARN()}, nil
}

// webIdentityError turns a refused token into AWS's error.
func webIdentityError(err error) error {
	var e *oidc.Error
	if !errors.As(err, &e) {
		return err
	}
	switch e.Kind {
	case oidc.Expired:
		return awserr.New("ExpiredTokenException", "Token expired: current date/time %d must be before the expiration date/time%d", e.Now.Unix(), e.Expiry.Unix())
	case oidc.BadAudience:
		return awserr.New("InvalidIdentityToken", "Incorrect token audience")
	case oidc.KeysUnavailable:
		return awserr.New("InvalidIdentityToken", noKeyMessage)
	case oidc.Communication:
		return awserr.New("IDPCommunicationError", idpMessage)
	}
	return awserr.New("InvalidIdentityToken", invalidTokenMessage)
}

// tokenSessionTags reads the session tags an identity provider passes in the
// https://aws.amazon.com/tags claim: principal_tags (each a list of one value) and
// transitive_tag_keys.
func tokenSessionTags(claim any) ([]iam.Tag, []string, error) {
	if claim == nil {
		return nil, nil, nil
	}
	bad := awserr.New("InvalidIdentityToken", "The https://aws.amazon.com/tags claim of the token is not valid.")
	m, ok := claim.(map[string]any)
	if !ok {
		return nil, nil, bad
	}
	var tags []iam.Tag
	if pt, present := m["principal_tags"]; present {
		ptm, ok := pt.(map[string]any)
		if !ok {
			return nil, nil, bad
		}
		for k, v := range ptm {
			list, ok := v.([]any)
			if !ok || len(list) != 1 {
				return nil, nil, bad
			}
			s, ok := list[0].(string)
			if !ok {
				return nil, nil, bad
			}
			tags = append(tags, iam.Tag{Key: k, Value: s})
		}
	}
	sort.Slice(tags, func(i, j int) bool { return tags[i].Key < tags[j].Key })
	var transitive []string
	if tt, present := m["transitive_tag_keys"]; present {
		list, ok := tt.([]any)
		if !ok {
			return nil, nil, bad
		}
		for _, v := range list {
			s, ok := v.(string)
			if !ok {
				return nil, nil, bad
			}
			transitive = append(transitive, s)
		}
	}
	if len(tags) > maxSessionTags {
		return nil, nil, bad
	}
	return tags, transitive, nil
}

func checkWebIdentity(in *WebIdentityInput) error {
	if err := checkAssumeRole(&AssumeRoleInput{RoleARN: in.RoleARN, SessionName: in.SessionName,
		DurationSeconds: in.DurationSeconds, Policy: in.Policy, PolicyARNs: in.PolicyARNs}); err != nil {
		return err
	}
	switch n := len(in.Token); {
	case n < minWebIdentityToken:
		return constraint("", "webIdentityToken", "Member must have length greater than or equal to 4")
	case n > oidc.MaxTokenLen:
		return constraint("", "webIdentityToken", "Member must have length less than or equal to 20000")
	}
	if in.ProviderID != "" {
		var v violations
		v.length(in.ProviderID, "providerId", 4, 2048)
		if err := v.err(); err != nil {
			return err
		}
	}
	return nil
}
