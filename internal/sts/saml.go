package sts

import (
	"context"
	"errors"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/iamd-dev/iamd/internal/arn"
	"github.com/iamd-dev/iamd/internal/authz"
	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/iam"
	"github.com/iamd-dev/iamd/internal/policy"
	"github.com/iamd-dev/iamd/internal/saml"
)

// AWS's SAML attributes and the limits of AssumeRoleWithSAML.
const (
	samlRoleAttr            = "https://aws.amazon.com/SAML/Attributes/Role"
	samlSessionNameAttr     = "https://aws.amazon.com/SAML/Attributes/RoleSessionName"
	samlSessionDurationAttr = "https://aws.amazon.com/SAML/Attributes/SessionDuration"
	samlSourceIdentityAttr  = "https://aws.amazon.com/SAML/Attributes/SourceIdentity"
	samlPrincipalTagAttr    = "https://aws.amazon.com/SAML/Attributes/PrincipalTag:"
	samlTransitiveAttr      = "https://aws.amazon.com/SAML/Attributes/TransitiveTagKeys"
	minSAMLAssertion        = 4
	// samlSkew is the clock difference allowed around an assertion's validity times, and
	// samlRedeemWithin how soon after its issue an assertion must be redeemed.
	samlSkew         = 5 * time.Minute
	samlRedeemWithin = 5 * time.Minute
	samlDenied       = "Not authorized to perform sts:AssumeRoleWithSAML"
)

// samlSignIn matches the AWS sign-in endpoints an assertion may be addressed to (its
// Audience and its Recipient): https://signin.aws.amazon.com/saml, a Region's
// https://REGION.signin.aws.amazon.com/saml, and for a Recipient also .../saml/acs/ID.
var (
	samlSignIn    = regexp.MustCompile(`^https://([a-z]{2}(-[a-z]+)+-\d\.)?signin\.aws\.amazon\.com/saml$`)
	samlSignInACS = regexp.MustCompile(`^https://([a-z]{2}(-[a-z]+)+-\d\.)?signin\.aws\.amazon\.com/saml/acs/([A-Za-z0-9-]+)$`)
)

// SAMLInput is AssumeRoleWithSAML's parameters.
type SAMLInput struct {
	RoleARN         string
	PrincipalARN    string // the IAM SAML provider's ARN
	Assertion       string // the base64 SAML response
	DurationSeconds int
	Policy          string
	PolicyARNs      []string
}

// SAMLOutput is AssumeRoleWithSAML's result.
type SAMLOutput struct {
	AssumeRoleOutput
	Audience      string // the SubjectConfirmationData's Recipient
	Issuer        string
	NameQualifier string
	Subject       string
	SubjectType   string
}

// AssumeRoleWithSAML issues a session of a role to the bearer of a SAML response from an
// identity provider the role's account has an IAM SAML provider for: the response must be
// signed by a certificate of the provider's metadata, issued by its entityID to AWS's
// sign-in endpoint and still valid; its Role attribute must pair the role with the
// provider; and the role's trust policy must allow the provider, with the saml:* keys. The
// request is not signed: caller carries only its circumstances.
func (s *Service) AssumeRoleWithSAML(ctx context.Context, caller *authz.Caller, in SAMLInput) (*SAMLOutput, error) {
	if err := checkSAML(&in); err != nil {
		return nil, err
	}
	provider, err := s.samlProvider(ctx, in.PrincipalARN)
	if err != nil {
		return nil, err
	}
	now := caller.Time
	if now.IsZero() {
		now = s.now()
	}
	if now.After(provider.ValidUntil) {
		// The metadata's validUntil has passed: the provider needs a new document.
		return nil, awserr.New("InvalidIdentityToken", "The metadata of the specified provider expired at %s", provider.ValidUntil.UTC().Format(time.RFC3339))
	}
	keys, err := s.iam.SAMLDecryptionKeys(provider)
	if err != nil {
		return nil, err
	}
	a, err := saml.Verify(in.Assertion, saml.Expected{
		Issuer: provider.EntityID, Certificates: provider.Certificates, Now: now, Skew: samlSkew, MaxAge: samlRedeemWithin,
		Audience:       func(v string) bool { return v == "urn:amazon:webservices" || samlSignIn.MatchString(v) },
		Recipient:      func(v string) bool { return samlRecipient(v, provider.UUID) },
		DecryptionKeys: keys, RequireEncryption: provider.Encryption == iam.SAMLEncryptionRequired,
	})
	if err != nil {
		return nil, samlError(err)
	}
	denied := awserr.AccessDenied(samlDenied)
	if !samlRolePaired(a.Attributes[samlRoleAttr], in.RoleARN, provider.ARN()) {
		return nil, denied
	}
	sessionName, err := samlSessionName(a.Attributes[samlSessionNameAttr])
	if err != nil {
		return nil, err
	}
	if err := checkSAMLSessionDuration(a.Attributes[samlSessionDurationAttr]); err != nil {
		return nil, err
	}
	sourceIdentity, tags, transitive, err := samlSessionAttributes(a.Attributes)
	if err != nil {
		return nil, err
	}
	role, trust, err := s.roleToAssume(ctx, in.RoleARN, denied)
	if err != nil {
		return nil, err
	}

	federated := *caller
	federated.Principal, _ = policy.ParsePrincipal(provider.ARN())
	federated.Account, federated.UserID, federated.UserName, federated.Tags = "", "", "", nil
	var rc policy.Context
	setSAMLKeys(&rc, a, provider.Account, provider.Name)
	rc.Set("aws:FederatedProvider", provider.ARN())
	rc.Set("sts:RoleSessionName", sessionName)
	if sourceIdentity != "" {
		rc.Set("sts:SourceIdentity", sourceIdentity)
	}
	setSessionTagKeys(&rc, tags, transitive)
	actions := []string{"sts:AssumeRoleWithSAML"}
	if len(tags) > 0 {
		actions = append(actions, "sts:TagSession")
	}
	if sourceIdentity != "" {
		actions = append(actions, "sts:SetSourceIdentity")
	}
	action, err := s.deniedAction(ctx, &federated, role, trust, rc, actions...)
	if err != nil {
		return nil, err
	}
	if action != "" {
		return nil, denied
	}
	out, err := s.issueRoleSession(ctx, &federated, role, AssumeRoleInput{
		RoleARN: in.RoleARN, SessionName: sessionName, DurationSeconds: in.DurationSeconds,
		Policy: in.Policy, PolicyARNs: in.PolicyARNs, Tags: tags, TransitiveTagKeys: transitive, SourceIdentity: sourceIdentity,
		federatedProvider: provider.ARN(), notAfter: a.SessionNotOnOrAfter,
	}, false)
	if err != nil {
		return nil, err
	}
	return &SAMLOutput{
		AssumeRoleOutput: *out, Audience: a.Recipient, Issuer: a.Issuer, Subject: a.Subject,
		SubjectType: subjectType(a.SubjectFormat), NameQualifier: nameQualifier(a.Issuer, provider.Account, provider.Name),
	}, nil
}

// samlProvider finds the IAM SAML provider PrincipalArn names.
func (s *Service) samlProvider(ctx context.Context, principalARN string) (*iam.SAMLProvider, error) {
	missing := awserr.New("InvalidIdentityToken", "Specified provider doesn't exist")
	a, err := arn.Parse(principalARN)
	if err != nil || a.Service != "iam" || !strings.HasPrefix(a.Resource, "saml-provider/") {
		return nil, missing
	}
	p, err := s.iam.SAMLProvider(ctx, a.Account, principalARN)
	if err != nil {
		if e, ok := awserr.As(err); ok && (e.Code == "NoSuchEntity" || e.Code == "InvalidInput" || e.Code == "ValidationError") {
			return nil, missing
		}
		return nil, err
	}
	if p.ARN() != principalARN {
		return nil, missing
	}
	return p, nil
}

// samlRecipient accepts AWS's sign-in endpoints, and the provider's own ACS form of them.
func samlRecipient(v, providerUUID string) bool {
	if samlSignIn.MatchString(v) {
		return true
	}
	m := samlSignInACS.FindStringSubmatch(v)
	return m != nil && m[3] == providerUUID
}

// samlRolePaired reports whether a Role attribute pairs the role with the provider: each
// value is "roleArn,providerArn" in either order.
func samlRolePaired(values []string, roleARN, providerARN string) bool {
	for _, v := range values {
		parts := strings.Split(v, ",")
		if len(parts) != 2 {
			continue
		}
		a, b := strings.TrimSpace(parts[0]), strings.TrimSpace(parts[1])
		if (a == roleARN && b == providerARN) || (a == providerARN && b == roleARN) {
			return true
		}
	}
	return false
}

// samlSessionName reads the RoleSessionName attribute: one value of 2..64 characters of
// [\w+=,.@-].
func samlSessionName(values []string) (string, error) {
	if len(values) == 0 {
		return "", awserr.New("InvalidIdentityToken", "RoleSessionName is required in AuthnResponse")
	}
	v := values[0]
	if len(values) != 1 || len(v) < 2 || len(v) > 64 || !sessionNamePattern.MatchString(v) {
		return "", awserr.New("InvalidIdentityToken", "RoleSessionName in AuthnResponse must match [a-zA-Z_0-9+=,.@-]{2,64}")
	}
	return v, nil
}

// checkSAMLSessionDuration checks the SessionDuration attribute, which sets a console
// session's length (an API session's is DurationSeconds): one integer of 900..43200.
func checkSAMLSessionDuration(values []string) error {
	if len(values) == 0 {
		return nil
	}
	n, err := strconv.Atoi(values[0])
	if len(values) != 1 || err != nil || n < minDuration || n > 43200 {
		return awserr.New("InvalidIdentityToken", "SessionDuration in AuthnResponse must be an integer between 900 and 43200")
	}
	return nil
}

// samlSessionAttributes reads the optional SourceIdentity, PrincipalTag:KEY and
// TransitiveTagKeys attributes.
func samlSessionAttributes(attrs map[string][]string) (string, []iam.Tag, []string, error) {
	var sourceIdentity string
	if v := attrs[samlSourceIdentityAttr]; len(v) > 0 {
		sourceIdentity = v[0]
		if len(v) != 1 || len(sourceIdentity) < 2 || len(sourceIdentity) > 64 || !sessionNamePattern.MatchString(sourceIdentity) {
			return "", nil, nil, awserr.New("InvalidIdentityToken", "SourceIdentity in AuthnResponse must match [a-zA-Z_0-9+=,.@-]{2,64}")
		}
	}
	var tags []iam.Tag
	for name, values := range attrs {
		k, ok := strings.CutPrefix(name, samlPrincipalTagAttr)
		if !ok {
			continue
		}
		if k == "" || len(k) > 128 || len(values) != 1 || len(values[0]) > 256 {
			return "", nil, nil, awserr.New("InvalidIdentityToken", "The PrincipalTag attribute %s in AuthnResponse is not valid", name)
		}
		tags = append(tags, iam.Tag{Key: k, Value: values[0]})
	}
	sort.Slice(tags, func(i, j int) bool { return tags[i].Key < tags[j].Key })
	if len(tags) > maxSessionTags {
		return "", nil, nil, awserr.New("InvalidIdentityToken", "AuthnResponse has more than %d PrincipalTag attributes", maxSessionTags)
	}
	return sourceIdentity, tags, attrs[samlTransitiveAttr], nil
}

// samlError turns a refused SAML response into AWS's error.
func samlError(err error) error {
	var e *saml.Error
	if !errors.As(err, &e) {
		return err
	}
	switch e.Kind {
	case saml.BadSignature:
		return awserr.New("InvalidIdentityToken", "Response signature invalid")
	case saml.BadIssuer:
		return awserr.New("InvalidIdentityToken", "Issuer not present in specified provider")
	case saml.Failed:
		return awserr.New("IDPRejectedClaim", "The identity provider reported that authentication failed")
	case saml.BadAudience:
		return awserr.New("InvalidIdentityToken", "Audience of the SAML assertion is not an AWS sign-in endpoint")
	case saml.BadRecipient:
		return awserr.New("InvalidIdentityToken", "Recipient of the SAML assertion is not an AWS sign-in endpoint")
	case saml.NotYetValid:
		return awserr.New("InvalidIdentityToken", "The SAML assertion is not yet valid")
	case saml.Undecryptable:
		return awserr.New("InvalidIdentityToken", "Unable to decrypt the SAML assertion with the private keys of the specified provider")
	case saml.NotEncrypted:
		return awserr.New("InvalidIdentityToken", "The specified provider requires encrypted SAML assertions")
	case saml.TooOld:
		return awserr.New("ExpiredTokenException", "Token must be redeemed within 5 minutes of issuance")
	case saml.Expired:
		return awserr.New("ExpiredTokenException", "Token expired: the SAML assertion was valid until %s", e.When.UTC().Format(time.RFC3339))
	}
	return awserr.New("InvalidIdentityToken", "Invalid SAML response: %s", strings.TrimPrefix(e.Detail, "saml: "))
}

// checkSAML validates AssumeRoleWithSAML's parameters as AWS's validation does, in the
// order of the request's members.
func checkSAML(in *SAMLInput) error {
	var v violations
	v.length(in.RoleARN, "roleArn", 20, 2048)
	v.length(in.PrincipalARN, "principalArn", 20, 2048)
	if n := len(in.Assertion); n < minSAMLAssertion || n > saml.MaxResponseLen {
		bound := "Member must have length greater than or equal to 4"
		if n > saml.MaxResponseLen {
			bound = "Member must have length less than or equal to 100000"
		}
		v.add("", "sAMLAssertion", bound) // the assertion is a credential: never quoted back
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
	if err := v.err(); err != nil {
		return err
	}
	switch {
	case len(in.PolicyARNs) > maxPolicyARNs:
		return constraint("", "policyArns", "Member must have length less than or equal to 10")
	case len(in.Policy) > maxPackedPolicy:
		return awserr.New("PackedPolicyTooLarge", "Packed size of consumed policies exceeds 100%% of limit.")
	}
	return nil
}
