package server

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/iamd-dev/iamd/internal/oidc/oidctest"
)

const ciRoleARN = "arn:aws:iam::" + mgmtAccount + ":role/ci-deploy"

// webIdentityFixture is a server that trusts a test OpenID Connect issuer, an IAM OIDC
// provider for it, and a role that tokens of one repository may assume (as GitHub Actions'
// documentation sets it up).
type webIdentityFixture struct {
	ts     *testServer
	issuer *oidctest.Issuer
	host   string // the provider's URL without https://, the prefix of its condition keys
}

func newWebIdentityFixture(t *testing.T) *webIdentityFixture {
	t.Helper()
	issuer := oidctest.New(t, "ci")
	ts := startServerAt(t, "", time.Now, func(c *Config) { c.OIDCHTTPClient = issuer.Client })
	f := &webIdentityFixture{ts: ts, issuer: issuer, host: strings.TrimPrefix(issuer.URL, "https://")}
	ctx := context.Background()
	c := ts.iam(ts.root)
	mustDo(t, func() error {
		_, err := c.CreateOpenIDConnectProvider(ctx, &awsiam.CreateOpenIDConnectProviderInput{
			Url: aws.String(issuer.URL), ClientIDList: []string{"sts.amazonaws.com"}})
		return err
	})
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
		"Principal":{"Federated":"arn:aws:iam::` + mgmtAccount + `:oidc-provider/` + f.host + `"},
		"Action":["sts:AssumeRoleWithWebIdentity","sts:TagSession"],
		"Condition":{"StringEquals":{"` + f.host + `:aud":"sts.amazonaws.com"},"StringLike":{"` + f.host + `:sub":"repo:org/app:*"}}}]}`
	mustDo(t, func() error {
		_, err := c.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("ci-deploy"), AssumeRolePolicyDocument: aws.String(trust)})
		return err
	})
	mustDo(t, func() error {
		_, err := c.PutRolePolicy(ctx, &awsiam.PutRolePolicyInput{RoleName: aws.String("ci-deploy"), PolicyName: aws.String("read"),
			PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[
				{"Effect":"Allow","Action":"iam:ListRoles","Resource":"*"},
				{"Effect":"Allow","Action":"iam:ListUsers","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"platform"}}},
				{"Effect":"Allow","Action":"iam:ListGroups","Resource":"*","Condition":{"StringEquals":{"aws:FederatedProvider":"arn:aws:iam::` + mgmtAccount + `:oidc-provider/` + f.host + `"}}},
				{"Effect":"Allow","Action":"iam:ListPolicies","Resource":"*","Condition":{"StringEquals":{"aws:FederatedProvider":"arn:aws:iam::` + mgmtAccount + `:oidc-provider/elsewhere.example.com"}}}]}`)})
		return err
	})
	return f
}

// token is a token of the fixture's issuer for repository sub, changed by extra (nil
// values remove a claim).
func (f *webIdentityFixture) token(t *testing.T, sub string, extra map[string]any) string {
	t.Helper()
	now := time.Now()
	claims := map[string]any{"iss": f.issuer.URL, "sub": sub, "aud": "sts.amazonaws.com",
		"iat": now.Unix(), "exp": now.Add(5 * time.Minute).Unix()}
	for k, v := range extra {
		if v == nil {
			delete(claims, k)
		} else {
			claims[k] = v
		}
	}
	return f.issuer.Sign(t, "rsa-1", claims)
}

// assume calls AssumeRoleWithWebIdentity unsigned, as the SDKs do.
func (f *webIdentityFixture) assume(token string) (*sts.AssumeRoleWithWebIdentityOutput, error) {
	return f.ts.sts(aws.Credentials{}).AssumeRoleWithWebIdentity(context.Background(), &sts.AssumeRoleWithWebIdentityInput{
		RoleArn: aws.String(ciRoleARN), RoleSessionName: aws.String("run-42"), WebIdentityToken: aws.String(token)})
}

func TestAssumeRoleWithWebIdentity(t *testing.T) {
	f := newWebIdentityFixture(t)
	ctx := context.Background()
	out, err := f.assume(f.token(t, "repo:org/app:ref:refs/heads/main", nil))
	if err != nil {
		t.Fatal(err)
	}
	if got := aws.ToString(out.AssumedRoleUser.Arn); got != "arn:aws:sts::"+mgmtAccount+":assumed-role/ci-deploy/run-42" {
		t.Fatalf("assumed role ARN %s", got)
	}
	if aws.ToString(out.SubjectFromWebIdentityToken) != "repo:org/app:ref:refs/heads/main" || aws.ToString(out.Audience) != "sts.amazonaws.com" ||
		aws.ToString(out.Provider) != "arn:aws:iam::"+mgmtAccount+":oidc-provider/"+f.host {
		t.Fatalf("subject %q, audience %q, provider %q", aws.ToString(out.SubjectFromWebIdentityToken), aws.ToString(out.Audience), aws.ToString(out.Provider))
	}
	if !strings.HasPrefix(aws.ToString(out.Credentials.AccessKeyId), "ASIA") {
		t.Fatalf("access key %s", aws.ToString(out.Credentials.AccessKeyId))
	}
	session := aws.Credentials{AccessKeyID: aws.ToString(out.Credentials.AccessKeyId),
		SecretAccessKey: aws.ToString(out.Credentials.SecretAccessKey), SessionToken: aws.ToString(out.Credentials.SessionToken)}
	id, err := f.ts.sts(session).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(id.Arn) != aws.ToString(out.AssumedRoleUser.Arn) {
		t.Fatalf("caller %s", aws.ToString(id.Arn))
	}
	// The session has the role's permissions and nothing more.
	if _, err := f.ts.iam(session).ListRoles(ctx, &awsiam.ListRolesInput{}); err != nil {
		t.Fatal(err)
	}
	_, err = f.ts.iam(session).ListUsers(ctx, &awsiam.ListUsersInput{})
	apiError(t, err, "AccessDenied")
	// aws:FederatedProvider names the provider in the session's own calls.
	if _, err := f.ts.iam(session).ListGroups(ctx, &awsiam.ListGroupsInput{}); err != nil {
		t.Fatal(err)
	}
	_, err = f.ts.iam(session).ListPolicies(ctx, &awsiam.ListPoliciesInput{})
	apiError(t, err, "AccessDenied")
}

func TestAssumeRoleWithWebIdentityRefusals(t *testing.T) {
	f := newWebIdentityFixture(t)
	other := oidctest.New(t, "elsewhere")
	good := f.token(t, "repo:org/app:ref:refs/heads/main", nil)
	parts := strings.Split(good, ".")
	forged := parts[0] + "." + strings.Split(f.token(t, "repo:org/app:ref:refs/heads/evil", nil), ".")[1] + "." + parts[2]

	for _, tc := range []struct {
		name, token, code string
		status            int
		message           string
	}{
		{"another repository", f.token(t, "repo:evil/app:ref:refs/heads/main", nil), "AccessDenied", 403, "Not authorized to perform sts:AssumeRoleWithWebIdentity"},
		{"wrong audience", f.token(t, "repo:org/app:x", map[string]any{"aud": "sts.amazon.com"}), "InvalidIdentityToken", 400, "Incorrect token audience"},
		{"expired", f.token(t, "repo:org/app:x", map[string]any{"exp": time.Now().Add(-time.Hour).Unix()}), "ExpiredTokenException", 400, "Token expired: current date/time "},
		{"issuer without provider", other.Sign(t, "rsa-1", map[string]any{"iss": other.URL, "sub": "repo:org/app:x", "aud": "sts.amazonaws.com", "exp": time.Now().Add(time.Minute).Unix()}),
			"InvalidIdentityToken", 400, "No OpenIDConnect provider found in your account for " + other.URL},
		{"forged claims", forged, "InvalidIdentityToken", 400, "could not be validated"},
		{"not a JWT", "not-a-token", "InvalidIdentityToken", 400, "could not be validated"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.assume(tc.token)
			ae := apiError(t, err, tc.code)
			if httpStatus(err) != tc.status || !strings.Contains(ae.ErrorMessage(), tc.message) {
				t.Fatalf("status %d, message %q; want %d, %q", httpStatus(err), ae.ErrorMessage(), tc.status, tc.message)
			}
		})
	}

	// A role that does not exist is refused as one whose trust does not allow the caller.
	_, err := f.ts.sts(aws.Credentials{}).AssumeRoleWithWebIdentity(context.Background(), &sts.AssumeRoleWithWebIdentityInput{
		RoleArn: aws.String("arn:aws:iam::" + mgmtAccount + ":role/nope"), RoleSessionName: aws.String("run-42"), WebIdentityToken: aws.String(good)})
	apiError(t, err, "AccessDenied")

	// Bad parameters are refused before the token is looked at.
	_, err = f.ts.sts(aws.Credentials{}).AssumeRoleWithWebIdentity(context.Background(), &sts.AssumeRoleWithWebIdentityInput{
		RoleArn: aws.String(ciRoleARN), RoleSessionName: aws.String("a b"), WebIdentityToken: aws.String(good)})
	apiError(t, err, "ValidationError")

	// The same token still works: the refusals changed nothing.
	if _, err := f.assume(good); err != nil {
		t.Fatal(err)
	}
}

func TestWebIdentitySessionTags(t *testing.T) {
	f := newWebIdentityFixture(t)
	out, err := f.assume(f.token(t, "repo:org/app:ref:refs/heads/main", map[string]any{
		"https://aws.amazon.com/tags": map[string]any{"principal_tags": map[string]any{"team": []string{"platform"}}},
	}))
	if err != nil {
		t.Fatal(err)
	}
	session := aws.Credentials{AccessKeyID: aws.ToString(out.Credentials.AccessKeyId),
		SecretAccessKey: aws.ToString(out.Credentials.SecretAccessKey), SessionToken: aws.ToString(out.Credentials.SessionToken)}
	// aws:PrincipalTag/team comes from the token.
	if _, err := f.ts.iam(session).ListUsers(context.Background(), &awsiam.ListUsersInput{}); err != nil {
		t.Fatal(err)
	}
}

func TestWebIdentityRoleProviderOfTheSDK(t *testing.T) {
	f := newWebIdentityFixture(t)
	tokenFile := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(tokenFile, []byte(f.token(t, "repo:org/app:ref:refs/heads/main", nil)), 0o600); err != nil {
		t.Fatal(err)
	}
	provider := stscreds.NewWebIdentityRoleProvider(f.ts.sts(aws.Credentials{}), ciRoleARN, stscreds.IdentityTokenFile(tokenFile),
		func(o *stscreds.WebIdentityRoleOptions) { o.RoleSessionName = "sdk" })
	cfg := f.ts.config(aws.Credentials{})
	cfg.Credentials = aws.NewCredentialsCache(provider)
	id, err := sts.NewFromConfig(cfg).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(id.Arn) != "arn:aws:sts::"+mgmtAccount+":assumed-role/ci-deploy/sdk" {
		t.Fatalf("caller %s", aws.ToString(id.Arn))
	}
	if n := f.issuer.JWKSRequests.Load(); n != 1 {
		t.Fatalf("the issuer's keys were fetched %d times", n)
	}
}

func TestWebIdentityIssuerUnreachable(t *testing.T) {
	issuer := oidctest.New(t, "down")
	client := issuer.Client
	ts := startServerAt(t, "", time.Now, func(c *Config) { c.OIDCHTTPClient = client })
	host := strings.TrimPrefix(issuer.URL, "https://")
	c := ts.iam(ts.root)
	ctx := context.Background()
	mustDo(t, func() error {
		_, err := c.CreateOpenIDConnectProvider(ctx, &awsiam.CreateOpenIDConnectProviderInput{Url: aws.String(issuer.URL), ClientIDList: []string{"sts.amazonaws.com"}})
		return err
	})
	mustDo(t, func() error {
		_, err := c.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("ci-deploy"), AssumeRolePolicyDocument: aws.String(
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::` + mgmtAccount + `:oidc-provider/` + host + `"},"Action":"sts:AssumeRoleWithWebIdentity"}]}`)})
		return err
	})
	token := issuer.Sign(t, "rsa-1", map[string]any{"iss": issuer.URL, "sub": "x", "aud": "sts.amazonaws.com", "exp": time.Now().Add(time.Minute).Unix()})
	issuer.Server.Close()
	_, err := ts.sts(aws.Credentials{}).AssumeRoleWithWebIdentity(ctx, &sts.AssumeRoleWithWebIdentityInput{
		RoleArn: aws.String(ciRoleARN), RoleSessionName: aws.String("run-1"), WebIdentityToken: aws.String(token)})
	apiError(t, err, "IDPCommunicationError")
}

func TestOnlyWebIdentityCallsMayBeUnsigned(t *testing.T) {
	ts := startServer(t, "")
	resp, err := http.PostForm(ts.endpoint, url.Values{"Action": {"GetCallerIdentity"}, "Version": {"2011-06-15"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("an unsigned GetCallerIdentity answered %d", resp.StatusCode)
	}
	// SAML comes unsigned too: STS reads it and refuses an assertion of no provider.
	_, err = ts.sts(aws.Credentials{}).AssumeRoleWithSAML(context.Background(), &sts.AssumeRoleWithSAMLInput{
		RoleArn: aws.String(ciRoleARN), PrincipalArn: aws.String("arn:aws:iam::" + mgmtAccount + ":saml-provider/idp"),
		SAMLAssertion: aws.String(strings.Repeat("x", 10))})
	ae := apiError(t, err, "InvalidIdentityToken")
	if httpStatus(err) != http.StatusBadRequest || ae.ErrorMessage() != "Specified provider doesn't exist" {
		t.Fatalf("status %d, message %q", httpStatus(err), ae.ErrorMessage())
	}
}

// An issuer that answers without a key set (here: 404 for its discovery document) is
// InvalidIdentityToken with AWS's "Couldn't retrieve verification key" text; one that cannot
// be reached at all is IDPCommunicationError (TestWebIdentityIssuerUnreachable).
func TestWebIdentityIssuerWithoutKeys(t *testing.T) {
	f := newWebIdentityFixture(t)
	ctx := context.Background()
	missing := f.issuer.URL + "/missing"
	host := strings.TrimPrefix(missing, "https://")
	c := f.ts.iam(f.ts.root)
	mustDo(t, func() error {
		_, err := c.CreateOpenIDConnectProvider(ctx, &awsiam.CreateOpenIDConnectProviderInput{Url: aws.String(missing), ClientIDList: []string{"sts.amazonaws.com"}})
		return err
	})
	mustDo(t, func() error {
		_, err := c.UpdateAssumeRolePolicy(ctx, &awsiam.UpdateAssumeRolePolicyInput{RoleName: aws.String("ci-deploy"), PolicyDocument: aws.String(
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::` + mgmtAccount + `:oidc-provider/` + host + `"},"Action":"sts:AssumeRoleWithWebIdentity"}]}`)})
		return err
	})
	_, err := f.assume(f.issuer.Sign(t, "rsa-1", map[string]any{"iss": missing, "sub": "x", "aud": "sts.amazonaws.com", "exp": time.Now().Add(time.Minute).Unix()}))
	ae := apiError(t, err, "InvalidIdentityToken")
	if !strings.HasPrefix(ae.ErrorMessage(), "Couldn't retrieve verification key from your identity provider") {
		t.Fatalf("message %q", ae.ErrorMessage())
	}
}
