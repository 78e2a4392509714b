package server

import (
	"context"
	"crypto/sha1"
	"encoding/base64"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/iamd-dev/iamd/internal/saml/samltest"
)

const samlRoleARN = "arn:aws:iam::" + mgmtAccount + ":role/saml-dev"

// samlFixture is a server with an IAM SAML provider for a test identity provider and a role
// its users may assume (trusting the provider for sts:AssumeRoleWithSAML on AWS's sign-in
// audience, as the IAM User Guide's example does).
type samlFixture struct {
	ts       *testServer
	idp      *samltest.IdP
	provider string
}

func newSAMLFixture(t *testing.T) *samlFixture {
	t.Helper()
	ts := startServer(t, "")
	f := &samlFixture{ts: ts, idp: newTestIdP(t, "https://idp.example.com/saml"), provider: samlARN("Corp")}
	ctx := context.Background()
	c := ts.iam(ts.root)
	mustDo(t, func() error {
		_, err := c.CreateSAMLProvider(ctx, &awsiam.CreateSAMLProviderInput{Name: aws.String("Corp"), SAMLMetadataDocument: aws.String(f.idp.Metadata(""))})
		return err
	})
	f.role(t, "saml-dev", `"StringEquals":{"SAML:aud":"https://signin.aws.amazon.com/saml"}`)
	mustDo(t, func() error {
		_, err := c.PutRolePolicy(ctx, &awsiam.PutRolePolicyInput{RoleName: aws.String("saml-dev"), PolicyName: aws.String("read"),
			PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[
				{"Effect":"Allow","Action":"iam:ListRoles","Resource":"*"},
				{"Effect":"Allow","Action":"iam:ListGroups","Resource":"*","Condition":{"StringEquals":{"aws:FederatedProvider":"` + f.provider + `"}}},
				{"Effect":"Allow","Action":"iam:ListUsers","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"platform"}}}]}`)})
		return err
	})
	return f
}

// role creates a role that the provider's users may assume under the condition.
func (f *samlFixture) role(t *testing.T, name, condition string) {
	t.Helper()
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"` + f.provider + `"},
		"Action":["sts:AssumeRoleWithSAML","sts:TagSession","sts:SetSourceIdentity"],"Condition":{` + condition + `}}]}`
	mustDo(t, func() error {
		_, err := f.ts.iam(f.ts.root).CreateRole(context.Background(), &awsiam.CreateRoleInput{RoleName: aws.String(name),
			AssumeRolePolicyDocument: aws.String(trust), MaxSessionDuration: aws.Int32(43200)})
		return err
	})
}

// response is a signed response for the role, with the session name attribute and more.
func (f *samlFixture) response(t *testing.T, roleARN string, a samltest.Assertion) string {
	t.Helper()
	a.Attributes = append([]samltest.Attribute{
		{Name: samltest.RoleAttr, Values: []string{samltest.Role(roleARN, f.provider)}},
		{Name: samltest.RoleSessionNameAttr, Values: []string{"alice@example.com"}},
	}, a.Attributes...)
	r, err := f.idp.Response(a)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// assume calls AssumeRoleWithSAML unsigned, as the SDKs do.
func (f *samlFixture) assume(roleARN, response string) (*sts.AssumeRoleWithSAMLOutput, error) {
	return f.ts.sts(aws.Credentials{}).AssumeRoleWithSAML(context.Background(), &sts.AssumeRoleWithSAMLInput{
		RoleArn: aws.String(roleARN), PrincipalArn: aws.String(f.provider), SAMLAssertion: aws.String(response)})
}

func TestAssumeRoleWithSAML(t *testing.T) {
	f := newSAMLFixture(t)
	ctx := context.Background()
	for _, signResponse := range []bool{false, true} {
		out, err := f.assume(samlRoleARN, f.response(t, samlRoleARN, samltest.Assertion{SignResponse: signResponse, Subject: "alice"}))
		if err != nil {
			t.Fatalf("signResponse=%v: %v", signResponse, err)
		}
		if got := aws.ToString(out.AssumedRoleUser.Arn); got != "arn:aws:sts::"+mgmtAccount+":assumed-role/saml-dev/alice@example.com" {
			t.Fatalf("assumed role ARN %s", got)
		}
		sum := sha1.Sum([]byte(f.idp.EntityID + mgmtAccount + "/Corp"))
		if aws.ToString(out.Subject) != "alice" || aws.ToString(out.SubjectType) != "persistent" || aws.ToString(out.Issuer) != f.idp.EntityID ||
			aws.ToString(out.Audience) != samltest.SignInURL || aws.ToString(out.NameQualifier) != base64.StdEncoding.EncodeToString(sum[:]) {
			t.Fatalf("response %+v", out)
		}
		if exp := time.Until(aws.ToTime(out.Credentials.Expiration)); exp < 55*time.Minute || exp > 61*time.Minute {
			t.Fatalf("session expires in %v, want the default hour", exp)
		}
		session := aws.Credentials{AccessKeyID: aws.ToString(out.Credentials.AccessKeyId),
			SecretAccessKey: aws.ToString(out.Credentials.SecretAccessKey), SessionToken: aws.ToString(out.Credentials.SessionToken)}
		id, err := f.ts.sts(session).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil || aws.ToString(id.Arn) != aws.ToString(out.AssumedRoleUser.Arn) {
			t.Fatalf("caller %v %v", id, err)
		}
		// The session has the role's permissions, and aws:FederatedProvider names the provider.
		if _, err := f.ts.iam(session).ListRoles(ctx, &awsiam.ListRolesInput{}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.ts.iam(session).ListGroups(ctx, &awsiam.ListGroupsInput{}); err != nil {
			t.Fatal(err)
		}
		_, err = f.ts.iam(session).ListUsers(ctx, &awsiam.ListUsersInput{})
		apiError(t, err, "AccessDenied")
	}
}

func TestAssumeRoleWithSAMLRefusals(t *testing.T) {
	f := newSAMLFixture(t)
	other := newTestIdP(t, "https://idp.example.com/saml")
	f.role(t, "only-alice", `"StringEquals":{"saml:sub":"alice","saml:sub_type":"persistent"}`)
	f.role(t, "eu-only", `"StringEquals":{"saml:aud":"https://eu-west-1.signin.aws.amazon.com/saml"}`)
	f.role(t, "staff", `"ForAnyValue:StringEquals":{"saml:edupersonaffiliation":"staff"},"StringEquals":{"saml:doc":"`+mgmtAccount+`/Corp"}`)
	onlyAlice := "arn:aws:iam::" + mgmtAccount + ":role/only-alice"
	euOnly := "arn:aws:iam::" + mgmtAccount + ":role/eu-only"
	staff := "arn:aws:iam::" + mgmtAccount + ":role/staff"
	now := time.Now()
	tamper := func(b64, old, new string) string {
		raw, _ := base64.StdEncoding.DecodeString(b64)
		if !strings.Contains(string(raw), old) {
			t.Fatalf("no %q to tamper with", old)
		}
		return base64.StdEncoding.EncodeToString([]byte(strings.Replace(string(raw), old, new, 1)))
	}
	affiliation := func(v string) []samltest.Attribute {
		return []samltest.Attribute{{Name: "urn:oid:1.3.6.1.4.1.5923.1.1.1.1", Values: []string{"member", v}}}
	}
	for _, tc := range []struct {
		name, role, response, code, message string
	}{
		{"signed by another key", samlRoleARN, f.response(t, samlRoleARN, samltest.Assertion{SignWith: other}),
			"InvalidIdentityToken", "Response signature invalid"},
		{"unsigned", samlRoleARN, f.response(t, samlRoleARN, samltest.Assertion{Unsigned: true}),
			"InvalidIdentityToken", "Response signature invalid"},
		{"tampered after signing", samlRoleARN, tamper(f.response(t, samlRoleARN, samltest.Assertion{Subject: "alice"}), ">alice<", ">admin<"),
			"InvalidIdentityToken", "Response signature invalid"},
		{"role swapped after signing", onlyAlice, tamper(f.response(t, samlRoleARN, samltest.Assertion{SignResponse: true}), "role/saml-dev", "role/only-alice"),
			"InvalidIdentityToken", "Response signature invalid"},
		{"wrong audience", samlRoleARN, f.response(t, samlRoleARN, samltest.Assertion{Audience: "https://app.example.com"}),
			"InvalidIdentityToken", "Audience of the SAML assertion"},
		{"wrong recipient", samlRoleARN, f.response(t, samlRoleARN, samltest.Assertion{Recipient: "https://app.example.com/acs"}),
			"InvalidIdentityToken", "Recipient of the SAML assertion"},
		{"expired", samlRoleARN, f.response(t, samlRoleARN, samltest.Assertion{IssueInstant: now.Add(-4 * time.Minute), NotOnOrAfter: now.Add(-6 * time.Minute)}),
			"ExpiredTokenException", "Token expired"},
		{"redeemed too late", samlRoleARN, f.response(t, samlRoleARN, samltest.Assertion{IssueInstant: now.Add(-10 * time.Minute), NotOnOrAfter: now.Add(time.Hour)}),
			"ExpiredTokenException", "Token must be redeemed within 5 minutes of issuance"},
		{"wrong issuer", samlRoleARN, f.response(t, samlRoleARN, samltest.Assertion{Issuer: "https://evil.example.com"}),
			"InvalidIdentityToken", "Issuer not present in specified provider"},
		{"role not in the attribute", onlyAlice, f.response(t, samlRoleARN, samltest.Assertion{Subject: "alice"}),
			"AccessDenied", "Not authorized to perform sts:AssumeRoleWithSAML"},
		{"trust condition on saml:sub", onlyAlice, f.response(t, onlyAlice, samltest.Assertion{Subject: "bob"}),
			"AccessDenied", "Not authorized to perform sts:AssumeRoleWithSAML"},
		{"trust condition on saml:aud", euOnly, f.response(t, euOnly, samltest.Assertion{}),
			"AccessDenied", "Not authorized to perform sts:AssumeRoleWithSAML"},
		{"trust condition on an eduPerson attribute", staff, f.response(t, staff, samltest.Assertion{Attributes: affiliation("student")}),
			"AccessDenied", "Not authorized to perform sts:AssumeRoleWithSAML"},
		{"bad session name", samlRoleARN, f.response(t, samlRoleARN, samltest.Assertion{Attributes: []samltest.Attribute{{Name: samltest.RoleSessionNameAttr, Values: []string{"a b"}}}}),
			"InvalidIdentityToken", "RoleSessionName in AuthnResponse must match [a-zA-Z_0-9+=,.@-]{2,64}"},
		{"not base64", samlRoleARN, "!!!!not-base64!!!!", "InvalidIdentityToken", "Invalid SAML response"},
		{"the IdP reports a failure", samlRoleARN, tamper(f.response(t, samlRoleARN, samltest.Assertion{}), "status:Success", "status:Responder"),
			"IDPRejectedClaim", "The identity provider reported that authentication failed"},
	} {
		_, err := f.assume(tc.role, tc.response)
		if err == nil {
			t.Errorf("%s: accepted", tc.name)
			continue
		}
		ae := apiError(t, err, tc.code)
		want := http.StatusBadRequest
		if tc.code == "AccessDenied" || tc.code == "IDPRejectedClaim" {
			want = http.StatusForbidden
		}
		if !strings.Contains(ae.ErrorMessage(), tc.message) || httpStatus(err) != want {
			t.Errorf("%s: %d %q, want %d %q", tc.name, httpStatus(err), ae.ErrorMessage(), want, tc.message)
		}
	}

	// The same roles, with the claims their conditions ask for, are assumed.
	for role, a := range map[string]samltest.Assertion{
		onlyAlice: {Subject: "alice"},
		euOnly:    {Recipient: "https://eu-west-1.signin.aws.amazon.com/saml"},
		staff:     {Attributes: affiliation("staff")},
	} {
		if _, err := f.assume(role, f.response(t, role, a)); err != nil {
			t.Errorf("%s: %v", role, err)
		}
	}
	// The provider's own ACS URL is a recipient too, another provider's is not.
	got, err := f.ts.iam(f.ts.root).GetSAMLProvider(context.Background(), &awsiam.GetSAMLProviderInput{SAMLProviderArn: aws.String(f.provider)})
	if err != nil {
		t.Fatal(err)
	}
	acs := "https://signin.aws.amazon.com/saml/acs/" + aws.ToString(got.SAMLProviderUUID)
	// (saml-dev's trust policy wants saml:aud, the Recipient, to be the plain sign-in URL.)
	if out, err := f.assume(onlyAlice, f.response(t, onlyAlice, samltest.Assertion{Recipient: acs})); err != nil || aws.ToString(out.Audience) != acs {
		t.Errorf("the provider's ACS URL: %v", err)
	}
	_, err = f.assume(samlRoleARN, f.response(t, samlRoleARN, samltest.Assertion{Recipient: acs}))
	apiError(t, err, "AccessDenied")
	_, err = f.assume(onlyAlice, f.response(t, onlyAlice, samltest.Assertion{Recipient: "https://signin.aws.amazon.com/saml/acs/SAMLSPOTHERPROVIDER00"}))
	apiError(t, err, "InvalidIdentityToken")
	// The Role attribute's pair may come in either order.
	r, err := f.idp.Response(samltest.Assertion{Attributes: []samltest.Attribute{
		{Name: samltest.RoleAttr, Values: []string{f.provider + "," + samlRoleARN}},
		{Name: samltest.RoleSessionNameAttr, Values: []string{"alice"}}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.assume(samlRoleARN, r); err != nil {
		t.Errorf("provider first: %v", err)
	}
}

func TestAssumeRoleWithSAMLSessionAttributes(t *testing.T) {
	f := newSAMLFixture(t)
	ctx := context.Background()
	now := time.Now()
	out, err := f.ts.sts(aws.Credentials{}).AssumeRoleWithSAML(ctx, &sts.AssumeRoleWithSAMLInput{
		RoleArn: aws.String(samlRoleARN), PrincipalArn: aws.String(f.provider), DurationSeconds: aws.Int32(7200),
		SAMLAssertion: aws.String(f.response(t, samlRoleARN, samltest.Assertion{
			SessionNotOnOrAfter: now.Add(30 * time.Minute),
			Attributes: []samltest.Attribute{
				{Name: samltest.SourceIdentityAttr, Values: []string{"alice"}},
				{Name: samltest.PrincipalTagAttr + "team", Values: []string{"platform"}},
			}}))})
	if err != nil {
		t.Fatal(err)
	}
	if exp := time.Until(aws.ToTime(out.Credentials.Expiration)); exp > 31*time.Minute || exp < 25*time.Minute {
		t.Fatalf("session expires in %v, want SessionNotOnOrAfter's 30 minutes", exp)
	}
	if aws.ToString(out.SourceIdentity) != "alice" || aws.ToInt32(out.PackedPolicySize) == 0 {
		t.Fatalf("source identity %q, packed %d", aws.ToString(out.SourceIdentity), aws.ToInt32(out.PackedPolicySize))
	}
	session := aws.Credentials{AccessKeyID: aws.ToString(out.Credentials.AccessKeyId),
		SecretAccessKey: aws.ToString(out.Credentials.SecretAccessKey), SessionToken: aws.ToString(out.Credentials.SessionToken)}
	// The PrincipalTag attribute is the session's tag.
	if _, err := f.ts.iam(session).ListUsers(ctx, &awsiam.ListUsersInput{}); err != nil {
		t.Fatal(err)
	}
	// A DurationSeconds above the role's maximum is refused.
	_, err = f.ts.sts(aws.Credentials{}).AssumeRoleWithSAML(ctx, &sts.AssumeRoleWithSAMLInput{
		RoleArn: aws.String(samlRoleARN), PrincipalArn: aws.String(f.provider), DurationSeconds: aws.Int32(800),
		SAMLAssertion: aws.String(f.response(t, samlRoleARN, samltest.Assertion{}))})
	if ae := apiError(t, err, "ValidationError"); !strings.Contains(ae.ErrorMessage(), "durationSeconds") {
		t.Fatalf("DurationSeconds 800: %q", ae.ErrorMessage())
	}
	// A session policy that is not a policy is MalformedPolicyDocument; one that is narrows
	// the session.
	_, err = f.ts.sts(aws.Credentials{}).AssumeRoleWithSAML(ctx, &sts.AssumeRoleWithSAMLInput{
		RoleArn: aws.String(samlRoleARN), PrincipalArn: aws.String(f.provider), Policy: aws.String("{not a policy"),
		SAMLAssertion: aws.String(f.response(t, samlRoleARN, samltest.Assertion{}))})
	apiError(t, err, "MalformedPolicyDocument")
	out, err = f.ts.sts(aws.Credentials{}).AssumeRoleWithSAML(ctx, &sts.AssumeRoleWithSAMLInput{
		RoleArn: aws.String(samlRoleARN), PrincipalArn: aws.String(f.provider),
		Policy:        aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListGroups","Resource":"*"}]}`),
		SAMLAssertion: aws.String(f.response(t, samlRoleARN, samltest.Assertion{}))})
	if err != nil {
		t.Fatal(err)
	}
	narrowed := aws.Credentials{AccessKeyID: aws.ToString(out.Credentials.AccessKeyId),
		SecretAccessKey: aws.ToString(out.Credentials.SecretAccessKey), SessionToken: aws.ToString(out.Credentials.SessionToken)}
	if _, err := f.ts.iam(narrowed).ListGroups(ctx, &awsiam.ListGroupsInput{}); err != nil {
		t.Fatal(err)
	}
	_, err = f.ts.iam(narrowed).ListRoles(ctx, &awsiam.ListRolesInput{})
	apiError(t, err, "AccessDenied")
}

func TestAssumeRoleWithSAMLAfterDeleteSAMLProvider(t *testing.T) {
	f := newSAMLFixture(t)
	good := f.response(t, samlRoleARN, samltest.Assertion{})
	mustDo(t, func() error {
		_, err := f.ts.iam(f.ts.root).DeleteSAMLProvider(context.Background(), &awsiam.DeleteSAMLProviderInput{SAMLProviderArn: aws.String(f.provider)})
		return err
	})
	_, err := f.assume(samlRoleARN, good)
	if ae := apiError(t, err, "InvalidIdentityToken"); httpStatus(err) != 400 || ae.ErrorMessage() != "Specified provider doesn't exist" {
		t.Fatalf("after DeleteSAMLProvider: %d %q", httpStatus(err), ae.ErrorMessage())
	}
}

// A provider with a private key takes assertions encrypted to it; one that requires
// encryption refuses a plain assertion.
func TestAssumeRoleWithSAMLEncryptedAssertions(t *testing.T) {
	f := newSAMLFixture(t)
	keyPEM, cert, err := samltest.NewDecryptionKey()
	if err != nil {
		t.Fatal(err)
	}
	update := func(in *awsiam.UpdateSAMLProviderInput) {
		in.SAMLProviderArn = aws.String(f.provider)
		mustDo(t, func() error { _, err := f.ts.iam(f.ts.root).UpdateSAMLProvider(context.Background(), in); return err })
	}
	encrypted := f.response(t, samlRoleARN, samltest.Assertion{EncryptTo: cert, Subject: "enc"})
	_, err = f.assume(samlRoleARN, encrypted)
	if ae := apiError(t, err, "InvalidIdentityToken"); !strings.Contains(ae.ErrorMessage(), "Unable to decrypt") {
		t.Fatalf("encrypted, no key: %q", ae.ErrorMessage())
	}
	update(&awsiam.UpdateSAMLProviderInput{AddPrivateKey: aws.String(keyPEM), AssertionEncryptionMode: "Allowed"})
	out, err := f.assume(samlRoleARN, encrypted)
	if err != nil || aws.ToString(out.Subject) != "enc" {
		t.Fatalf("encrypted with the provider's key: %+v %v", out, err)
	}
	if _, err := f.assume(samlRoleARN, f.response(t, samlRoleARN, samltest.Assertion{})); err != nil {
		t.Fatalf("plain assertion, encryption allowed: %v", err)
	}
	update(&awsiam.UpdateSAMLProviderInput{AssertionEncryptionMode: "Required"})
	_, err = f.assume(samlRoleARN, f.response(t, samlRoleARN, samltest.Assertion{}))
	if ae := apiError(t, err, "InvalidIdentityToken"); !strings.Contains(ae.ErrorMessage(), "requires encrypted SAML assertions") {
		t.Fatalf("plain assertion to a Required provider: %q", ae.ErrorMessage())
	}
	if _, err := f.assume(samlRoleARN, f.response(t, samlRoleARN, samltest.Assertion{EncryptTo: cert, EncryptCBC: true})); err != nil {
		t.Fatalf("CBC-encrypted, encryption required: %v", err)
	}
}

// A pathed role is assumed by its ARN with the path only: the path-less ARN names no role,
// even when the Role attribute pairs it with the provider.
func TestAssumeRoleWithSAMLPathedRole(t *testing.T) {
	f := newSAMLFixture(t)
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"` + f.provider + `"},"Action":"sts:AssumeRoleWithSAML"}]}`
	mustDo(t, func() error {
		_, err := f.ts.iam(f.ts.root).CreateRole(context.Background(), &awsiam.CreateRoleInput{RoleName: aws.String("pathed"),
			Path: aws.String("/fed/"), AssumeRolePolicyDocument: aws.String(trust)})
		return err
	})
	real := "arn:aws:iam::" + mgmtAccount + ":role/fed/pathed"
	pathless := "arn:aws:iam::" + mgmtAccount + ":role/pathed"
	out, err := f.assume(real, f.response(t, real, samltest.Assertion{}))
	if err != nil || aws.ToString(out.AssumedRoleUser.Arn) != "arn:aws:sts::"+mgmtAccount+":assumed-role/pathed/alice@example.com" {
		t.Fatalf("the pathed role: %+v %v", out, err)
	}
	_, err = f.assume(pathless, f.response(t, pathless, samltest.Assertion{}))
	if ae := apiError(t, err, "AccessDenied"); ae.ErrorMessage() != "Not authorized to perform sts:AssumeRoleWithSAML" {
		t.Fatalf("the path-less ARN: %q", ae.ErrorMessage())
	}
	// And a provider ARN of another account names no provider of this one.
	_, err = f.ts.sts(aws.Credentials{}).AssumeRoleWithSAML(context.Background(), &sts.AssumeRoleWithSAMLInput{
		RoleArn: aws.String(real), PrincipalArn: aws.String("arn:aws:iam::210987654321:saml-provider/Corp"),
		SAMLAssertion: aws.String(f.response(t, real, samltest.Assertion{}))})
	apiError(t, err, "InvalidIdentityToken")
}

// Once the metadata's validUntil has passed, the provider's responses are refused until it
// gets a new document.
func TestAssumeRoleWithSAMLExpiredMetadata(t *testing.T) {
	f := newSAMLFixture(t)
	c := f.ts.iam(f.ts.root)
	update := func(validUntil string) {
		mustDo(t, func() error {
			_, err := c.UpdateSAMLProvider(context.Background(), &awsiam.UpdateSAMLProviderInput{
				SAMLProviderArn: aws.String(f.provider), SAMLMetadataDocument: aws.String(f.idp.Metadata(validUntil))})
			return err
		})
	}
	update("2020-01-01T00:00:00Z")
	_, err := f.assume(samlRoleARN, f.response(t, samlRoleARN, samltest.Assertion{}))
	if ae := apiError(t, err, "InvalidIdentityToken"); !strings.Contains(ae.ErrorMessage(), "expired at 2020-01-01T00:00:00Z") {
		t.Fatalf("expired metadata: %q", ae.ErrorMessage())
	}
	update(time.Now().AddDate(1, 0, 0).UTC().Format(time.RFC3339))
	if _, err := f.assume(samlRoleARN, f.response(t, samlRoleARN, samltest.Assertion{})); err != nil {
		t.Fatalf("renewed metadata: %v", err)
	}
}
