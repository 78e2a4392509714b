package sts

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/iamd-dev/iamd/internal/authz"
	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/iam"
)

// Limits of GetWebIdentityToken (STS API reference).
const (
	webTokenMinDuration     = 60
	webTokenMaxDuration     = 3600
	webTokenDefaultDuration = 300
	webTokenMaxAudiences    = 10
	webTokenMaxAudience     = 1000 // characters
)

// ClaimsNamespace is the claim under which GetWebIdentityToken's tokens carry the AWS
// identity's own claims (IAM User Guide, "Understanding token claims").
const ClaimsNamespace = "https://sts.amazonaws.com/"

// WebIdentityTokenInput is GetWebIdentityToken's parameters.
type WebIdentityTokenInput struct {
	Audiences        []string
	DurationSeconds  int // 0 for the default, 300
	SigningAlgorithm string
	Tags             []iam.Tag
}

// WebIdentityTokenOutput is GetWebIdentityToken's result.
type WebIdentityTokenOutput struct {
	Token      string
	Expiration time.Time
}

// IssueWebIdentityTokensAt sets how the issuer id of an account's outbound federation
// becomes its issuer URL (the iss of its tokens), which relying parties fetch the issuer's
// keys from.
func (s *Service) IssueWebIdentityTokensAt(issuerURL func(issuerID string) string) {
	s.issuerURL = issuerURL
}

// GetWebIdentityToken returns a JSON Web Token asserting the caller's identity, signed by
// the account's outbound federation key of the algorithm asked for. It needs
// sts:GetWebIdentityToken (with sts:IdentityTokenAudience, sts:SigningAlgorithm,
// sts:DurationSeconds and the request tags as condition keys) and the account's outbound
// federation enabled; a session's token expires no later than the session.
func (s *Service) GetWebIdentityToken(ctx context.Context, caller *authz.Caller, in WebIdentityTokenInput) (*WebIdentityTokenOutput, error) {
	duration, err := checkWebIdentityToken(&in)
	if err != nil {
		return nil, err
	}
	rc := authz.Context{}
	rc.Set("sts:IdentityTokenAudience", in.Audiences...)
	rc.Set("sts:SigningAlgorithm", in.SigningAlgorithm)
	rc.Set("sts:DurationSeconds", strconv.Itoa(duration))
	if len(in.Tags) > 0 {
		keys := make([]string, 0, len(in.Tags))
		for _, t := range in.Tags {
			rc.Set("aws:RequestTag/"+t.Key, t.Value)
			keys = append(keys, t.Key)
		}
		rc.Set("aws:TagKeys", keys...)
	}
	if err := s.authz.Authorize(ctx, caller, authz.Request{Action: "sts:GetWebIdentityToken", Resource: "*", Context: rc}); err != nil {
		return nil, err
	}
	signer, err := s.iam.OutboundSigningKey(ctx, caller.Account, in.SigningAlgorithm)
	if err != nil {
		return nil, err
	}
	if signer == nil || s.issuerURL == nil {
		return nil, awserr.New("OutboundWebIdentityFederationDisabledException", "The outbound web identity federation feature is not enabled for this account. To use this feature, you must first enable it through the Amazon Web Services Management Console or API.")
	}
	now := s.now().UTC().Truncate(time.Second)
	expires := now.Add(time.Duration(duration) * time.Second)
	if !caller.SessionExpiry.IsZero() && expires.After(caller.SessionExpiry) {
		return nil, awserr.New("SessionDurationEscalationException", "The requested token duration would extend the session beyond its original expiration time. You cannot use this operation to extend the lifetime of a session beyond what was granted when the session was originally created.")
	}
	claims := webIdentityClaims(caller, in, s.issuerURL(signer.IssuerID), now, expires)
	token, err := signJWT(signer, in.SigningAlgorithm, claims)
	if err != nil {
		return nil, err
	}
	return &WebIdentityTokenOutput{Token: token, Expiration: expires}, nil
}

// checkWebIdentityToken validates the parameters against the API reference's constraints
// and returns the token's lifetime in seconds.
func checkWebIdentityToken(in *WebIdentityTokenInput) (int, error) {
	var v violations
	switch n := len(in.Audiences); {
	case n == 0:
		v = append(v, "Value null at 'audience' failed to satisfy constraint: Member must not be null")
	case n > webTokenMaxAudiences:
		v = append(v, "Value '["+fmt.Sprint(len(in.Audiences))+" items]' at 'audience' failed to satisfy constraint: Member must have length less than or equal to 10")
	}
	for i, a := range in.Audiences {
		v.length(a, "audience."+strconv.Itoa(i+1)+".member", 1, webTokenMaxAudience)
	}
	switch {
	case in.DurationSeconds != 0 && in.DurationSeconds < webTokenMinDuration:
		v.add(strconv.Itoa(in.DurationSeconds), "durationSeconds", "Member must have value greater than or equal to 60")
	case in.DurationSeconds > webTokenMaxDuration:
		v.add(strconv.Itoa(in.DurationSeconds), "durationSeconds", "Member must have value less than or equal to 3600")
	}
	if in.SigningAlgorithm == "" {
		v = append(v, "Value null at 'signingAlgorithm' failed to satisfy constraint: Member must not be null")
	} else {
		v.length(in.SigningAlgorithm, "signingAlgorithm", 5, 5)
	}
	for i, t := range in.Tags {
		n := strconv.Itoa(i + 1)
		v.length(t.Key, "tags."+n+".member.key", 1, 128)
		v.length(t.Value, "tags."+n+".member.value", 0, 256)
	}
	if len(in.Tags) > maxSessionTags {
		v = append(v, "Value '["+strconv.Itoa(len(in.Tags))+" items]' at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50")
	}
	if err := v.err(); err != nil {
		return 0, err
	}
	if in.SigningAlgorithm != iam.SigningRS256 && in.SigningAlgorithm != iam.SigningES384 {
		return 0, awserr.ValidationError("Invalid signing algorithm %s. Valid values are RS256 and ES384.", in.SigningAlgorithm)
	}
	if in.DurationSeconds == 0 {
		return webTokenDefaultDuration, nil
	}
	return in.DurationSeconds, nil
}

// webIdentityClaims are the token's claims: the standard ones (the caller's ARN as sub, for a
// role session its role's) and, under ClaimsNamespace, the account, the Region, the
// principal's tags and the request's. An account outside an organization has no org_id or
// ou_path.
func webIdentityClaims(caller *authz.Caller, in WebIdentityTokenInput, issuer string, now, expires time.Time) map[string]any {
	aws := map[string]any{"aws_account": caller.Account}
	if caller.Region != "" {
		aws["source_region"] = caller.Region
	}
	if len(caller.Tags) > 0 {
		aws["principal_tags"] = caller.Tags
	}
	if len(in.Tags) > 0 {
		tags := map[string]string{}
		for _, t := range in.Tags {
			tags[t.Key] = t.Value
		}
		aws["request_tags"] = tags
	}
	var aud any = in.Audiences
	if len(in.Audiences) == 1 {
		aud = in.Audiences[0]
	}
	return map[string]any{
		"iss": issuer, "aud": aud, "sub": caller.Principal.ARN(),
		"iat": now.Unix(), "nbf": now.Unix(), "exp": expires.Unix(), "jti": newJTI(),
		ClaimsNamespace: aws,
	}
}

// signJWT makes a compact JWS of the claims with the signer's key.
func signJWT(signer *iam.OutboundSigner, alg string, claims map[string]any) (string, error) {
	header, err := json.Marshal(map[string]string{"alg": alg, "kid": signer.KeyID, "typ": "JWT"})
	if err != nil {
		return "", err
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	enc := base64.RawURLEncoding
	input := enc.EncodeToString(header) + "." + enc.EncodeToString(payload)
	var sig []byte
	switch key := signer.Key.(type) {
	case *rsa.PrivateKey:
		sum := sha256.Sum256([]byte(input))
		sig, err = rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	case *ecdsa.PrivateKey:
		sum := sha512.Sum384([]byte(input))
		r, s, serr := ecdsa.Sign(rand.Reader, key, sum[:])
		if serr != nil {
			return "", serr
		}
		sig = make([]byte, 96) // JWS: r and s, 48 bytes each, big-endian
		r.FillBytes(sig[:48])
		s.FillBytes(sig[48:])
	default:
		err = fmt.Errorf("sts: the outbound federation key %s is of no known kind", signer.KeyID)
	}
	if err != nil {
		return "", err
	}
	return input + "." + enc.EncodeToString(sig), nil
}

// newJTI is a token's unique id.
func newJTI() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
