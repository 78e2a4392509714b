package server

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math/big"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"

	"github.com/iamd-dev/iamd/internal/awsclient"
	"github.com/iamd-dev/iamd/internal/sigv4"
)

// orgsUser makes a user with an access key and, unless doc is "", the inline policy.
func orgsUser(t *testing.T, ts *testServer, name, doc string) aws.Credentials {
	t.Helper()
	creds := userWithKey(t, ts, name, "")
	if doc != "" {
		if _, err := ts.iam(ts.root).PutUserPolicy(context.Background(), &awsiam.PutUserPolicyInput{
			UserName: aws.String(name), PolicyName: aws.String("p"), PolicyDocument: aws.String(doc)}); err != nil {
			t.Fatal(err)
		}
	}
	return creds
}

// wantCode asserts an API error with the code and HTTP status.
func wantCode(t *testing.T, err error, code string, status int) {
	t.Helper()
	apiError(t, err, code)
	if got := httpStatus(err); got != status {
		t.Fatalf("%s with status %d, want %d", code, got, status)
	}
}

// getJSON fetches a document of the issuer, unauthenticated.
func getJSON(t *testing.T, url string, dst any) int {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode == 200 {
		if err := json.NewDecoder(resp.Body).Decode(dst); err != nil {
			t.Fatal(err)
		}
	}
	return resp.StatusCode
}

// verifyWebIdentityToken verifies the token as a relying party does: the issuer's discovery
// document names its key set, whose key of the token's kid checks the signature. It returns
// the claims.
func verifyWebIdentityToken(t *testing.T, token, issuer string) (header map[string]string, claims map[string]any) {
	t.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("token %q is not a compact JWS", token)
	}
	dec := func(s string) []byte {
		b, err := base64.RawURLEncoding.DecodeString(s)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	if err := json.Unmarshal(dec(parts[0]), &header); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(dec(parts[1]), &claims); err != nil {
		t.Fatal(err)
	}
	var discovery struct {
		Issuer  string `json:"issuer"`
		JWKSURI string `json:"jwks_uri"`
	}
	if code := getJSON(t, issuer+"/.well-known/openid-configuration", &discovery); code != 200 || discovery.Issuer != issuer {
		t.Fatalf("discovery: status %d, %+v", code, discovery)
	}
	var set struct {
		Keys []map[string]string `json:"keys"`
	}
	if code := getJSON(t, discovery.JWKSURI, &set); code != 200 {
		t.Fatalf("jwks: status %d", code)
	}
	input := []byte(parts[0] + "." + parts[1])
	sig := dec(parts[2])
	for _, k := range set.Keys {
		if k["kid"] != header["kid"] {
			continue
		}
		if k["alg"] != header["alg"] {
			t.Fatalf("key %s is %s, the token %s", k["kid"], k["alg"], header["alg"])
		}
		n := func(s string) *big.Int { return new(big.Int).SetBytes(dec(s)) }
		switch header["alg"] {
		case "RS256":
			pub := &rsa.PublicKey{N: n(k["n"]), E: int(n(k["e"]).Int64())}
			sum := sha256.Sum256(input)
			if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], sig); err != nil {
				t.Fatalf("RS256 signature: %v", err)
			}
		case "ES384":
			if k["crv"] != "P-384" || len(sig) != 96 {
				t.Fatalf("ES384 key %v, signature of %d bytes", k, len(sig))
			}
			pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P384(), append(append([]byte{4}, dec(k["x"])...), dec(k["y"])...))
			if err != nil {
				t.Fatalf("ES384 key %v: %v", k, err)
			}
			sum := sha512.Sum384(input)
			if !ecdsa.Verify(pub, sum[:], new(big.Int).SetBytes(sig[:48]), new(big.Int).SetBytes(sig[48:])) {
				t.Fatal("ES384 signature does not verify")
			}
		default:
			t.Fatalf("alg %s", header["alg"])
		}
		return header, claims
	}
	t.Fatalf("no key of the issuer has the token's kid %s", header["kid"])
	return nil, nil
}

// wantRawError sends a Query request as it is and asserts AWS's error code and status.
func wantRawError(t *testing.T, ts *testServer, creds aws.Credentials, service, query, code string, status int) {
	t.Helper()
	params, err := url.ParseQuery(query)
	if err != nil {
		t.Fatal(err)
	}
	client := awsclient.New(awsclient.Config{Endpoint: ts.endpoint, Region: "us-east-1", Credentials: sigv4.Credentials{
		AccessKeyID: creds.AccessKeyID, SecretAccessKey: creds.SecretAccessKey, SessionToken: creds.SessionToken}}, 1)
	_, err = client.Query(context.Background(), service, params)
	var e *awsclient.Error
	if !errors.As(err, &e) || e.Code != code || e.Status != status {
		t.Errorf("%s: %v, want %s (%d)", query, err, code, status)
	}
}

func TestOutboundWebIdentityFederationLifecycle(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	root := ts.iam(ts.root)

	_, err := root.GetOutboundWebIdentityFederationInfo(ctx, &awsiam.GetOutboundWebIdentityFederationInfoInput{})
	wantCode(t, err, "FeatureDisabled", 404)
	_, err = root.DisableOutboundWebIdentityFederation(ctx, &awsiam.DisableOutboundWebIdentityFederationInput{})
	wantCode(t, err, "FeatureDisabled", 404)

	en, err := root.EnableOutboundWebIdentityFederation(ctx, &awsiam.EnableOutboundWebIdentityFederationInput{})
	if err != nil {
		t.Fatal(err)
	}
	issuer := aws.ToString(en.IssuerIdentifier)
	if !strings.HasPrefix(issuer, ts.endpoint+"/iamd/issuer/") {
		t.Fatalf("issuer %q is not under %s", issuer, ts.endpoint)
	}
	_, err = root.EnableOutboundWebIdentityFederation(ctx, &awsiam.EnableOutboundWebIdentityFederationInput{})
	wantCode(t, err, "FeatureEnabled", 409)
	info, err := root.GetOutboundWebIdentityFederationInfo(ctx, &awsiam.GetOutboundWebIdentityFederationInfoInput{})
	if err != nil || aws.ToString(info.IssuerIdentifier) != issuer || !info.JwtVendingEnabled {
		t.Fatalf("info %+v %v", info, err)
	}

	// A user allowed the call gets a token of each algorithm that the issuer's keys verify.
	alice := orgsUser(t, ts, "alice", policyJSON(statement("Allow", "sts:GetWebIdentityToken", "*")))
	if _, err := root.TagUser(ctx, &awsiam.TagUserInput{UserName: aws.String("alice"), Tags: []iamtypes.Tag{{Key: aws.String("team"), Value: aws.String("ci")}}}); err != nil {
		t.Fatal(err)
	}
	stsc := ts.sts(alice)
	for _, alg := range []string{"RS256", "ES384"} {
		before := time.Now().Add(-time.Second)
		out, err := stsc.GetWebIdentityToken(ctx, &sts.GetWebIdentityTokenInput{
			Audience: []string{"https://api.example.com"}, SigningAlgorithm: aws.String(alg), DurationSeconds: aws.Int32(900),
			Tags: []ststypes.Tag{{Key: aws.String("job"), Value: aws.String("j-1")}},
		})
		if err != nil {
			t.Fatalf("%s: %v", alg, err)
		}
		header, claims := verifyWebIdentityToken(t, aws.ToString(out.WebIdentityToken), issuer)
		if header["alg"] != alg || header["typ"] != "JWT" {
			t.Errorf("header %v", header)
		}
		exp := time.Unix(int64(claims["exp"].(float64)), 0)
		if claims["iss"] != issuer || claims["aud"] != "https://api.example.com" || claims["sub"] != "arn:aws:iam::"+DefaultAccountID+":user/alice" {
			t.Errorf("claims %v", claims)
		}
		if d := exp.Sub(time.Unix(int64(claims["iat"].(float64)), 0)); d != 900*time.Second || !exp.Equal(out.Expiration.Truncate(time.Second)) || exp.Before(before.Add(899*time.Second)) {
			t.Errorf("exp %v, iat %v, Expiration %v", exp, claims["iat"], out.Expiration)
		}
		ns, _ := claims["https://sts.amazonaws.com/"].(map[string]any)
		tags, _ := ns["request_tags"].(map[string]any)
		if pt, _ := ns["principal_tags"].(map[string]any); pt["team"] != "ci" {
			t.Errorf("principal_tags %v", ns["principal_tags"])
		}
		if ns["aws_account"] != DefaultAccountID || ns["source_region"] != "us-east-1" || tags["job"] != "j-1" || ns["org_id"] != nil {
			t.Errorf("AWS claims %v", ns)
		}
	}
	// Two audiences: aud is a list; the default lifetime is 300 seconds.
	out, err := stsc.GetWebIdentityToken(ctx, &sts.GetWebIdentityTokenInput{Audience: []string{"a", "b"}, SigningAlgorithm: aws.String("ES384")})
	if err != nil {
		t.Fatal(err)
	}
	_, claims := verifyWebIdentityToken(t, aws.ToString(out.WebIdentityToken), issuer)
	if aud, _ := claims["aud"].([]any); len(aud) != 2 || claims["exp"].(float64)-claims["iat"].(float64) != 300 {
		t.Errorf("claims %v", claims)
	}

	// Disabled: no token, but the issuer still serves its keys, and enabling again keeps it.
	if _, err := root.DisableOutboundWebIdentityFederation(ctx, &awsiam.DisableOutboundWebIdentityFederationInput{}); err != nil {
		t.Fatal(err)
	}
	info, err = root.GetOutboundWebIdentityFederationInfo(ctx, &awsiam.GetOutboundWebIdentityFederationInfoInput{})
	if err != nil || aws.ToString(info.IssuerIdentifier) != issuer || info.JwtVendingEnabled {
		t.Fatalf("info after disabling %+v %v", info, err)
	}
	_, err = stsc.GetWebIdentityToken(ctx, &sts.GetWebIdentityTokenInput{Audience: []string{"a"}, SigningAlgorithm: aws.String("RS256")})
	wantCode(t, err, "OutboundWebIdentityFederationDisabledException", 403)
	verifyWebIdentityToken(t, aws.ToString(out.WebIdentityToken), issuer)
	_, err = root.DisableOutboundWebIdentityFederation(ctx, &awsiam.DisableOutboundWebIdentityFederationInput{})
	wantCode(t, err, "FeatureDisabled", 404)
	en, err = root.EnableOutboundWebIdentityFederation(ctx, &awsiam.EnableOutboundWebIdentityFederationInput{})
	if err != nil || aws.ToString(en.IssuerIdentifier) != issuer {
		t.Fatalf("enabled again: %+v %v", en, err)
	}

	// An issuer no account has is not found.
	var doc map[string]any
	if code := getJSON(t, ts.endpoint+"/iamd/issuer/00000000-0000-4000-8000-000000000000/.well-known/jwks.json", &doc); code != 404 {
		t.Errorf("unknown issuer: status %d", code)
	}
	if code := getJSON(t, issuer+"/.well-known/other", &doc); code != 404 {
		t.Errorf("unknown document: status %d", code)
	}
}

func TestOutboundWebIdentityFederationIsAuthorized(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	nobody := ts.iam(orgsUser(t, ts, "nobody", ""))
	_, err := nobody.EnableOutboundWebIdentityFederation(ctx, &awsiam.EnableOutboundWebIdentityFederationInput{})
	wantDenied(t, err, "User: arn:aws:iam::"+DefaultAccountID+":user/nobody is not authorized to perform: iam:EnableOutboundWebIdentityFederation on resource: * because no identity-based policy allows the iam:EnableOutboundWebIdentityFederation action")
	// The refused call changed nothing.
	_, err = ts.iam(ts.root).GetOutboundWebIdentityFederationInfo(ctx, &awsiam.GetOutboundWebIdentityFederationInfoInput{})
	wantCode(t, err, "FeatureDisabled", 404)
	_, err = nobody.GetOutboundWebIdentityFederationInfo(ctx, &awsiam.GetOutboundWebIdentityFederationInfoInput{})
	apiError(t, err, "AccessDenied")
	_, err = nobody.DisableOutboundWebIdentityFederation(ctx, &awsiam.DisableOutboundWebIdentityFederationInput{})
	apiError(t, err, "AccessDenied")
}

func TestGetWebIdentityTokenRefusals(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	root := ts.iam(ts.root)
	// Allowed everything but ES384 tokens and audiences of evil.example.
	bobCreds := orgsUser(t, ts, "bob", policyJSON(
		statement("Allow", "sts:GetWebIdentityToken,sts:AssumeRole", "*"),
		`{"Effect":"Deny","Action":"sts:GetWebIdentityToken","Resource":"*","Condition":{"StringEquals":{"sts:SigningAlgorithm":"ES384"}}}`,
		`{"Effect":"Deny","Action":"sts:GetWebIdentityToken","Resource":"*","Condition":{"ForAnyValue:StringLike":{"sts:IdentityTokenAudience":"*evil.example*"}}}`,
	))
	bob := ts.sts(bobCreds)
	nobody := ts.sts(orgsUser(t, ts, "nobody", ""))
	ok := &sts.GetWebIdentityTokenInput{Audience: []string{"https://api.example.com"}, SigningAlgorithm: aws.String("RS256")}

	// Not enabled yet: an allowed caller is told so, a caller without the permission is refused.
	_, err := bob.GetWebIdentityToken(ctx, ok)
	wantCode(t, err, "OutboundWebIdentityFederationDisabledException", 403)
	_, err = nobody.GetWebIdentityToken(ctx, ok)
	wantDenied(t, err, "User: arn:aws:iam::"+DefaultAccountID+":user/nobody is not authorized to perform: sts:GetWebIdentityToken on resource: * because no identity-based policy allows the sts:GetWebIdentityToken action")
	if _, err := root.EnableOutboundWebIdentityFederation(ctx, &awsiam.EnableOutboundWebIdentityFederationInput{}); err != nil {
		t.Fatal(err)
	}
	if _, err := bob.GetWebIdentityToken(ctx, ok); err != nil {
		t.Fatal(err)
	}
	_, err = bob.GetWebIdentityToken(ctx, &sts.GetWebIdentityTokenInput{Audience: []string{"a"}, SigningAlgorithm: aws.String("ES384")})
	apiError(t, err, "AccessDenied")
	_, err = bob.GetWebIdentityToken(ctx, &sts.GetWebIdentityTokenInput{Audience: []string{"ok", "https://evil.example"}, SigningAlgorithm: aws.String("RS256")})
	apiError(t, err, "AccessDenied")

	// Parameters outside the API reference's constraints, sent as they are (the SDK would
	// refuse some before sending).
	for name, params := range map[string]string{
		"no audience":       "SigningAlgorithm=RS256",
		"too short":         "Audience.member.1=a&SigningAlgorithm=RS256&DurationSeconds=59",
		"too long":          "Audience.member.1=a&SigningAlgorithm=RS256&DurationSeconds=3601",
		"not a number":      "Audience.member.1=a&SigningAlgorithm=RS256&DurationSeconds=x",
		"no algorithm":      "Audience.member.1=a",
		"unknown algorithm": "Audience.member.1=a&SigningAlgorithm=HS256",
		"long algorithm":    "Audience.member.1=a&SigningAlgorithm=RS2566",
		"empty audience":    "Audience.member.1=&SigningAlgorithm=RS256",
		"11 audiences":      "Audience.member.1=a&Audience.member.2=a&Audience.member.3=a&Audience.member.4=a&Audience.member.5=a&Audience.member.6=a&Audience.member.7=a&Audience.member.8=a&Audience.member.9=a&Audience.member.10=a&Audience.member.11=a&SigningAlgorithm=RS256",
	} {
		t.Run(name, func(t *testing.T) {
			wantRawError(t, ts, bobCreds, "sts", "Action=GetWebIdentityToken&Version=2011-06-15&"+params, "ValidationError", 400)
		})
	}

	// A session's token does not outlive the session.
	if _, err := root.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("worker"),
		AssumeRolePolicyDocument: aws.String(policyJSON(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + DefaultAccountID + `:root"},"Action":"sts:AssumeRole"}`))}); err != nil {
		t.Fatal(err)
	}
	if _, err := root.PutRolePolicy(ctx, &awsiam.PutRolePolicyInput{RoleName: aws.String("worker"), PolicyName: aws.String("p"),
		PolicyDocument: aws.String(policyJSON(statement("Allow", "sts:GetWebIdentityToken", "*")))}); err != nil {
		t.Fatal(err)
	}
	as, err := bob.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::" + DefaultAccountID + ":role/worker"),
		RoleSessionName: aws.String("job"), DurationSeconds: aws.Int32(900)})
	if err != nil {
		t.Fatal(err)
	}
	worker := ts.sts(aws.Credentials{AccessKeyID: aws.ToString(as.Credentials.AccessKeyId),
		SecretAccessKey: aws.ToString(as.Credentials.SecretAccessKey), SessionToken: aws.ToString(as.Credentials.SessionToken)})
	_, err = worker.GetWebIdentityToken(ctx, &sts.GetWebIdentityTokenInput{Audience: []string{"a"}, SigningAlgorithm: aws.String("RS256"), DurationSeconds: aws.Int32(3600)})
	wantCode(t, err, "SessionDurationEscalationException", 403)
	out, err := worker.GetWebIdentityToken(ctx, &sts.GetWebIdentityTokenInput{Audience: []string{"a"}, SigningAlgorithm: aws.String("RS256")})
	if err != nil {
		t.Fatal(err)
	}
	info, _ := root.GetOutboundWebIdentityFederationInfo(ctx, &awsiam.GetOutboundWebIdentityFederationInfoInput{})
	_, claims := verifyWebIdentityToken(t, aws.ToString(out.WebIdentityToken), aws.ToString(info.IssuerIdentifier))
	if claims["sub"] != "arn:aws:iam::"+DefaultAccountID+":role/worker" {
		t.Errorf("a role session's sub %v, want its role", claims["sub"])
	}
}

// The issuer is under the configured base URL when one is set.
func TestOutboundIssuerUnderTheConfiguredURL(t *testing.T) {
	ts := startServerAt(t, "", time.Now, func(c *Config) { c.IssuerBaseURL = "https://iamd.example/" })
	ctx := context.Background()
	en, err := ts.iam(ts.root).EnableOutboundWebIdentityFederation(ctx, &awsiam.EnableOutboundWebIdentityFederationInput{})
	if err != nil {
		t.Fatal(err)
	}
	issuer := aws.ToString(en.IssuerIdentifier)
	if !strings.HasPrefix(issuer, "https://iamd.example/iamd/issuer/") {
		t.Fatalf("issuer %q", issuer)
	}
	alice := ts.sts(orgsUser(t, ts, "alice", policyJSON(statement("Allow", "sts:GetWebIdentityToken", "*"))))
	out, err := alice.GetWebIdentityToken(ctx, &sts.GetWebIdentityTokenInput{Audience: []string{"a"}, SigningAlgorithm: aws.String("RS256")})
	if err != nil {
		t.Fatal(err)
	}
	// The documents are served at the listener whatever the public URL; iss names the public one.
	local := ts.endpoint + issuer[len("https://iamd.example"):]
	var disc map[string]any
	if code := getJSON(t, local+"/.well-known/openid-configuration", &disc); code != 200 || disc["issuer"] != issuer || disc["jwks_uri"] != issuer+"/.well-known/jwks.json" {
		t.Fatalf("discovery %d %v", code, disc)
	}
	payload, _ := base64.RawURLEncoding.DecodeString(strings.Split(aws.ToString(out.WebIdentityToken), ".")[1])
	var claims map[string]any
	if err := json.Unmarshal(payload, &claims); err != nil || claims["iss"] != issuer {
		t.Fatalf("claims %v %v", claims, err)
	}
}
