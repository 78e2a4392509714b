package server

import (
	"context"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ct "github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
)

func (ts *testServer) cloudtrail(creds aws.Credentials) *ct.Client {
	return ct.NewFromConfig(ts.config(creds))
}

// lookup is LookupEvents with one attribute (none when key is "").
func lookup(t *testing.T, c *ct.Client, key, value string, opts ...func(*ct.LookupEventsInput)) []cttypes.Event {
	t.Helper()
	in := &ct.LookupEventsInput{}
	if key != "" {
		in.LookupAttributes = []cttypes.LookupAttribute{{AttributeKey: cttypes.LookupAttributeKey(key), AttributeValue: aws.String(value)}}
	}
	for _, o := range opts {
		o(in)
	}
	out, err := c.LookupEvents(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	return out.Events
}

// record is an event's CloudTrailEvent.
func record(t *testing.T, e cttypes.Event) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(aws.ToString(e.CloudTrailEvent)), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// at reads a dotted path of a record ("userIdentity.arn").
func at(m map[string]any, path string) any {
	var v any = m
	for _, p := range strings.Split(path, ".") {
		mm, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = mm[p]
	}
	return v
}

var uuidPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// A denied call is found by its event name, with CloudTrail's fields and the statement
// that decided it; the audit file holds the same record.
func TestLookupEventsFindsADeniedCall(t *testing.T) {
	ts, audit := startAuditedServer(t)
	ctx := context.Background()
	nobody := userWithKey(t, ts, "nobody", "")
	_, err := ts.iam(nobody).CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("Sneaky"), AssumeRolePolicyDocument: aws.String(towerTrust)})
	apiError(t, err, "AccessDenied")

	events := lookup(t, ts.cloudtrail(ts.root), "EventName", "CreateRole")
	if len(events) != 1 {
		t.Fatalf("%d events, want the one denied CreateRole", len(events))
	}
	e := events[0]
	if aws.ToString(e.EventName) != "CreateRole" || aws.ToString(e.EventSource) != "iam.amazonaws.com" || aws.ToString(e.Username) != "nobody" ||
		aws.ToString(e.AccessKeyId) != nobody.AccessKeyID || aws.ToString(e.ReadOnly) != "false" || e.EventTime == nil || time.Since(*e.EventTime) > time.Minute {
		t.Errorf("event %+v", e)
	}
	if len(e.Resources) != 1 || aws.ToString(e.Resources[0].ResourceType) != "AWS::IAM::Role" || aws.ToString(e.Resources[0].ResourceName) != "Sneaky" {
		t.Errorf("resources %+v", e.Resources)
	}
	rec := record(t, e)
	want := map[string]any{
		"eventVersion": "1.11", "eventSource": "iam.amazonaws.com", "eventName": "CreateRole", "awsRegion": "us-east-1",
		"sourceIPAddress": "127.0.0.1", "errorCode": "AccessDenied", "readOnly": false, "eventType": "AwsApiCall",
		"managementEvent": true, "recipientAccountId": "123456789012", "eventCategory": "Management",
		"userIdentity.type": "IAMUser", "userIdentity.arn": "arn:aws:iam::123456789012:user/nobody",
		"userIdentity.accountId": "123456789012", "userIdentity.accessKeyId": nobody.AccessKeyID, "userIdentity.userName": "nobody",
		"requestParameters.roleName": "Sneaky", "requestParameters.assumeRolePolicyDocument": towerTrust,
		"eventID": aws.ToString(e.EventId), "additionalEventData.iamd.action": "iam:CreateRole",
		"additionalEventData.iamd.resource": "arn:aws:iam::123456789012:role/Sneaky", "additionalEventData.iamd.decision": "denied",
		"additionalEventData.iamd.denial.result": "implicitDeny",
	}
	for k, v := range want {
		if got := at(rec, k); got != v {
			t.Errorf("%s = %#v, want %#v", k, got, v)
		}
	}
	if !strings.HasPrefix(at(rec, "userIdentity.principalId").(string), "AIDA") || !uuidPattern.MatchString(at(rec, "eventID").(string)) ||
		!strings.Contains(at(rec, "userAgent").(string), "aws-sdk-go-v2") || !strings.Contains(at(rec, "errorMessage").(string), "iam:CreateRole") ||
		len(at(rec, "requestID").(string)) != 36 || rec["responseElements"] != nil {
		t.Errorf("record %s", aws.ToString(e.CloudTrailEvent))
	}
	if _, err := time.Parse("2006-01-02T15:04:05Z", at(rec, "eventTime").(string)); err != nil {
		t.Errorf("eventTime: %v", err)
	}
	if !strings.Contains(audit.String(), aws.ToString(e.CloudTrailEvent)+"\n") {
		t.Error("the audit file does not hold the record LookupEvents answered")
	}
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// LookupEvents is authorized like any call: a user without cloudtrail:LookupEvents is
// denied with the JSON services' AccessDeniedException, and one granted it reads the
// account's events.
func TestLookupEventsAuthorization(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	nobody := userWithKey(t, ts, "nobody", "")
	_, err := ts.cloudtrail(nobody).LookupEvents(ctx, &ct.LookupEventsInput{})
	ae := apiError(t, err, "AccessDeniedException")
	if !strings.Contains(ae.ErrorMessage(), "cloudtrail:LookupEvents") || httpStatus(err) != 400 {
		t.Errorf("%d %s", httpStatus(err), ae.ErrorMessage())
	}
	auditor := userWithKey(t, ts, "auditor", "")
	if _, err := ts.iam(ts.root).PutUserPolicy(ctx, &awsiam.PutUserPolicyInput{UserName: aws.String("auditor"), PolicyName: aws.String("trail"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"cloudtrail:LookupEvents","Resource":"*"}]}`)}); err != nil {
		t.Fatal(err)
	}
	denied := lookup(t, ts.cloudtrail(auditor), "EventName", "LookupEvents")
	if len(denied) != 1 || aws.ToString(denied[0].Username) != "nobody" || at(record(t, denied[0]), "errorCode") != "AccessDeniedException" {
		t.Fatalf("the denied lookup: %+v", denied)
	}
}

// Each lookup attribute finds its events; pages of MaxResults go newest first to the
// end; a token is good only with the parameters it was given with.
func TestLookupEventsFiltersAndPages(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	alice := userWithKey(t, ts, "alice", "")
	for i := 0; i < 5; i++ {
		if _, err := ts.sts(alice).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
			t.Fatal(err)
		}
	}
	c := ts.cloudtrail(ts.root)
	byUser := lookup(t, c, "Username", "alice")
	if len(byUser) != 5 {
		t.Fatalf("%d events of alice", len(byUser))
	}
	for _, tc := range []struct{ key, value string }{
		{"EventSource", "sts.amazonaws.com"}, {"AccessKeyId", alice.AccessKeyID}, {"EventName", "GetCallerIdentity"},
	} {
		if got := lookup(t, c, tc.key, tc.value); len(got) != 5 {
			t.Errorf("%s=%s: %d events, want 5", tc.key, tc.value, len(got))
		}
	}
	if got := lookup(t, c, "EventId", aws.ToString(byUser[2].EventId)); len(got) != 1 || aws.ToString(got[0].EventId) != aws.ToString(byUser[2].EventId) {
		t.Errorf("by event id: %+v", got)
	}
	// CreateUser and CreateAccessKey for alice, as root: writes on the user.
	users := lookup(t, c, "ResourceName", "alice")
	if len(users) != 2 || aws.ToString(users[0].EventName) != "CreateAccessKey" || aws.ToString(users[1].EventName) != "CreateUser" {
		t.Errorf("by resource name: %+v", users)
	}
	if got := lookup(t, c, "ResourceType", "AWS::IAM::User"); len(got) != 2 {
		t.Errorf("by resource type: %d", len(got))
	}
	for _, e := range lookup(t, c, "ReadOnly", "false") {
		if aws.ToString(e.ReadOnly) != "false" {
			t.Errorf("read-only %s among the writes", aws.ToString(e.EventName))
		}
	}
	if got := lookup(t, c, "ReadOnly", "true"); len(got) < 5 {
		t.Errorf("%d read-only events", len(got))
	}

	var paged []string
	p := ct.NewLookupEventsPaginator(c, &ct.LookupEventsInput{MaxResults: aws.Int32(2),
		LookupAttributes: []cttypes.LookupAttribute{{AttributeKey: "Username", AttributeValue: aws.String("alice")}}})
	pages := 0
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, e := range out.Events {
			paged = append(paged, aws.ToString(e.EventId))
		}
	}
	var all []string
	for _, e := range byUser {
		all = append(all, aws.ToString(e.EventId))
	}
	if pages != 3 || strings.Join(paged, ",") != strings.Join(all, ",") {
		t.Errorf("%d pages %v, want 3 pages %v", pages, paged, all)
	}
	for i := 1; i < len(byUser); i++ {
		if byUser[i].EventTime.After(*byUser[i-1].EventTime) {
			t.Error("events are not newest first")
		}
	}
	first, err := c.LookupEvents(ctx, &ct.LookupEventsInput{MaxResults: aws.Int32(2),
		LookupAttributes: []cttypes.LookupAttribute{{AttributeKey: "Username", AttributeValue: aws.String("alice")}}})
	if err != nil || first.NextToken == nil {
		t.Fatal(err)
	}
	for _, in := range []*ct.LookupEventsInput{
		{NextToken: first.NextToken, LookupAttributes: []cttypes.LookupAttribute{{AttributeKey: "Username", AttributeValue: aws.String("root")}}},
		{NextToken: aws.String("not-a-token")},
	} {
		_, err := c.LookupEvents(ctx, in)
		apiError(t, err, "InvalidNextTokenException")
	}
}

// Start and end times bound the events; a start after the end, a MaxResults out of 1..50,
// and more than one or an unknown attribute are AWS's errors.
func TestLookupEventsTimeRangeAndErrors(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	c := ts.cloudtrail(ts.root)
	userWithKey(t, ts, "bob", "")
	now := time.Now()
	if got := lookup(t, c, "EventName", "CreateUser", func(in *ct.LookupEventsInput) {
		in.StartTime, in.EndTime = aws.Time(now.Add(-time.Minute)), aws.Time(now.Add(time.Minute))
	}); len(got) != 1 {
		t.Errorf("in range: %d", len(got))
	}
	if got := lookup(t, c, "EventName", "CreateUser", func(in *ct.LookupEventsInput) { in.StartTime = aws.Time(now.Add(time.Hour)) }); len(got) != 0 {
		t.Errorf("after the start: %d", len(got))
	}
	if got := lookup(t, c, "EventName", "CreateUser", func(in *ct.LookupEventsInput) { in.EndTime = aws.Time(now.Add(-time.Hour)) }); len(got) != 0 {
		t.Errorf("before the end: %d", len(got))
	}
	attr := func(k string) cttypes.LookupAttribute {
		return cttypes.LookupAttribute{AttributeKey: cttypes.LookupAttributeKey(k), AttributeValue: aws.String("x")}
	}
	for _, tc := range []struct {
		in   *ct.LookupEventsInput
		code string
	}{
		{&ct.LookupEventsInput{StartTime: aws.Time(now), EndTime: aws.Time(now.Add(-time.Second))}, "InvalidTimeRangeException"},
		{&ct.LookupEventsInput{MaxResults: aws.Int32(0)}, "InvalidMaxResultsException"},
		{&ct.LookupEventsInput{MaxResults: aws.Int32(51)}, "InvalidMaxResultsException"},
		{&ct.LookupEventsInput{LookupAttributes: []cttypes.LookupAttribute{attr("EventName"), attr("Username")}}, "InvalidLookupAttributesException"},
		{&ct.LookupEventsInput{LookupAttributes: []cttypes.LookupAttribute{attr("Colour")}}, "InvalidLookupAttributesException"},
		{&ct.LookupEventsInput{EventCategory: "data"}, "InvalidEventCategoryException"},
	} {
		_, err := c.LookupEvents(ctx, tc.in)
		var ae smithy.APIError
		if !errors.As(err, &ae) || ae.ErrorCode() != tc.code || ae.ErrorMessage() == "" || httpStatus(err) != 400 {
			t.Errorf("%+v: %v, want %s", tc.in, err, tc.code)
		}
	}
	if got := lookup(t, c, "", "", func(in *ct.LookupEventsInput) { in.MaxResults = aws.Int32(50) }); len(got) == 0 {
		t.Error("no events at all")
	}
}

// A role session's calls name the session and its issuer; secrets in parameters and
// answers (passwords, secret keys, session tokens, MFA seeds and codes, private keys, SAML
// assertions, web identity tokens, secret values) never reach a record.
func TestAuditRecordsRedactSecretsAndNameSessions(t *testing.T) {
	ts, audit := startAuditedServer(t)
	ctx := context.Background()
	root := ts.iam(ts.root)
	admin := userWithKey(t, ts, "admin", "")
	if _, err := root.PutUserPolicy(ctx, &awsiam.PutUserPolicyInput{UserName: aws.String("admin"), PolicyName: aws.String("all"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)}); err != nil {
		t.Fatal(err)
	}
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/admin"},"Action":"sts:AssumeRole"}]}`
	if _, err := root.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("Ops"), Path: aws.String("/team/"), AssumeRolePolicyDocument: aws.String(trust)}); err != nil {
		t.Fatal(err)
	}
	if _, err := root.AttachRolePolicy(ctx, &awsiam.AttachRolePolicyInput{RoleName: aws.String("Ops"), PolicyArn: aws.String("arn:aws:iam::aws:policy/AdministratorAccess")}); err != nil {
		t.Fatal(err)
	}
	assumed, err := ts.sts(admin).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::123456789012:role/team/Ops"), RoleSessionName: aws.String("night-shift")})
	if err != nil {
		t.Fatal(err)
	}
	session := aws.Credentials{AccessKeyID: *assumed.Credentials.AccessKeyId, SecretAccessKey: *assumed.Credentials.SecretAccessKey, SessionToken: *assumed.Credentials.SessionToken}
	ops := ts.iam(session)
	secrets := []string{admin.SecretAccessKey, *assumed.Credentials.SecretAccessKey, *assumed.Credentials.SessionToken}
	if _, err := ops.CreateUser(ctx, &awsiam.CreateUserInput{UserName: aws.String("carol")}); err != nil {
		t.Fatal(err)
	}
	key, err := ops.CreateAccessKey(ctx, &awsiam.CreateAccessKeyInput{UserName: aws.String("carol")})
	if err != nil {
		t.Fatal(err)
	}
	secrets = append(secrets, *key.AccessKey.SecretAccessKey)
	password := "Pa55word-of-carol-9Zq!"
	if _, err := ops.CreateLoginProfile(ctx, &awsiam.CreateLoginProfileInput{UserName: aws.String("carol"), Password: aws.String(password)}); err != nil {
		t.Fatal(err)
	}
	secrets = append(secrets, password)
	mfa, err := ops.CreateVirtualMFADevice(ctx, &awsiam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String("carol-phone")})
	if err != nil {
		t.Fatal(err)
	}
	secrets = append(secrets, string(mfa.VirtualMFADevice.Base32StringSeed))
	// Calls that fail still record their parameters: their secrets are hidden too.
	marker := func(kind string) string { s := "SECRET-" + kind + "-7f3a9c"; secrets = append(secrets, s); return s }
	_, _ = ops.EnableMFADevice(ctx, &awsiam.EnableMFADeviceInput{UserName: aws.String("carol"), SerialNumber: mfa.VirtualMFADevice.SerialNumber,
		AuthenticationCode1: aws.String(marker("code1")), AuthenticationCode2: aws.String(marker("code2"))})
	_, _ = ops.UploadServerCertificate(ctx, &awsiam.UploadServerCertificateInput{ServerCertificateName: aws.String("web"),
		CertificateBody: aws.String("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----"), PrivateKey: aws.String(marker("privatekey"))})
	_, _ = ops.ChangePassword(ctx, &awsiam.ChangePasswordInput{OldPassword: aws.String(marker("old")), NewPassword: aws.String(marker("new"))})
	_, _ = ts.sts(admin).GetSessionToken(ctx, &sts.GetSessionTokenInput{SerialNumber: mfa.VirtualMFADevice.SerialNumber, TokenCode: aws.String(marker("totp"))})
	unsigned := sts.NewFromConfig(ts.config(ts.root), func(o *sts.Options) { o.Credentials = aws.AnonymousCredentials{} })
	_, _ = unsigned.AssumeRoleWithSAML(ctx, &sts.AssumeRoleWithSAMLInput{RoleArn: aws.String("arn:aws:iam::123456789012:role/team/Ops"),
		PrincipalArn: aws.String("arn:aws:iam::123456789012:saml-provider/idp"), SAMLAssertion: aws.String(marker("assertion"))})
	_, _ = unsigned.AssumeRoleWithWebIdentity(ctx, &sts.AssumeRoleWithWebIdentityInput{RoleArn: aws.String("arn:aws:iam::123456789012:role/team/Ops"),
		RoleSessionName: aws.String("w"), WebIdentityToken: aws.String(marker("webtoken"))})
	sm := secretsmanager.NewFromConfig(ts.config(session))
	if _, err := sm.CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String("db"), SecretString: aws.String(marker("secretstring"))}); err != nil {
		t.Fatal(err)
	}
	if _, err := sm.PutSecretValue(ctx, &secretsmanager.PutSecretValueInput{SecretId: aws.String("db"), SecretBinary: []byte(marker("binary"))}); err != nil {
		t.Fatal(err)
	}
	if _, err := sm.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String("db")}); err != nil {
		t.Fatal(err)
	}
	log := audit.String()
	for _, s := range secrets {
		if strings.Contains(log, s) {
			t.Errorf("the audit log holds a secret: %.12s...", s)
		}
	}
	for _, name := range []string{"authenticationCode1", "privateKey", "newPassword", "tokenCode", "sAMLAssertion", "webIdentityToken", "secretString", "password"} {
		if !strings.Contains(log, `"`+name+`":"HIDDEN_DUE_TO_SECURITY_REASONS"`) {
			t.Errorf("%s is not recorded as hidden", name)
		}
	}

	events := lookup(t, ts.cloudtrail(ts.root), "EventName", "CreateAccessKey")
	rec := record(t, events[0])
	for k, v := range map[string]any{
		"userIdentity.type": "AssumedRole", "userIdentity.arn": "arn:aws:sts::123456789012:assumed-role/Ops/night-shift",
		"userIdentity.accessKeyId": session.AccessKeyID, "userIdentity.sessionContext.sessionIssuer.type": "Role",
		"userIdentity.sessionContext.sessionIssuer.arn":      "arn:aws:iam::123456789012:role/team/Ops",
		"userIdentity.sessionContext.sessionIssuer.userName": "Ops", "userIdentity.sessionContext.attributes.mfaAuthenticated": "false",
		"responseElements.accessKey.userName": "carol", "responseElements.accessKey.accessKeyId": *key.AccessKey.AccessKeyId,
		"responseElements.accessKey.secretAccessKey": "HIDDEN_DUE_TO_SECURITY_REASONS", "responseElements.accessKey.status": "Active",
	} {
		if got := at(rec, k); got != v {
			t.Errorf("%s = %#v, want %#v", k, got, v)
		}
	}
	if aws.ToString(events[0].Username) != "night-shift" || !strings.HasPrefix(at(rec, "userIdentity.principalId").(string), "AROA") ||
		!strings.HasSuffix(at(rec, "userIdentity.principalId").(string), ":night-shift") || at(rec, "userIdentity.sessionContext.attributes.creationDate") == "" {
		t.Errorf("session identity: %s", aws.ToString(events[0].CloudTrailEvent))
	}
	saml := lookup(t, ts.cloudtrail(ts.root), "EventName", "AssumeRoleWithSAML")
	if len(saml) != 1 || at(record(t, saml[0]), "userIdentity.type") != "SAMLUser" {
		t.Errorf("the SAML call: %+v", saml)
	}
	if got := lookup(t, ts.cloudtrail(ts.root), "EventName", "GetSecretValue"); len(got) != 1 || record(t, got[0])["responseElements"] != nil {
		t.Errorf("a read records no answer: %+v", got)
	}
}

// The unsigned AssumeRoleWithWebIdentity is a WebIdentityUser's call, in the role's account;
// the session's calls name the provider in webIdFederationData. LookupEvents answers
// without an audit file.
func TestLookupEventsWebIdentity(t *testing.T) {
	f := newWebIdentityFixture(t)
	ctx := context.Background()
	sub := "repo:org/app:ref:refs/heads/main"
	token := f.token(t, sub, nil)
	out, err := f.assume(token)
	if err != nil {
		t.Fatal(err)
	}
	// The provider as the answer names it: the IAM OIDC provider's ARN.
	provider := aws.ToString(out.Provider)
	c := f.ts.cloudtrail(f.ts.root)
	events := lookup(t, c, "EventName", "AssumeRoleWithWebIdentity")
	if len(events) != 1 {
		t.Fatalf("%d events", len(events))
	}
	rec := record(t, events[0])
	for k, v := range map[string]any{
		"userIdentity.type": "WebIdentityUser", "userIdentity.userName": sub, "userIdentity.identityProvider": provider,
		"userIdentity.principalId": provider + ":sts.amazonaws.com:" + sub, "recipientAccountId": mgmtAccount,
		"eventSource": "sts.amazonaws.com", "requestParameters.roleArn": ciRoleARN, "requestParameters.webIdentityToken": "HIDDEN_DUE_TO_SECURITY_REASONS",
		"responseElements.credentials.sessionToken": "HIDDEN_DUE_TO_SECURITY_REASONS", "responseElements.credentials.secretAccessKey": "HIDDEN_DUE_TO_SECURITY_REASONS",
		"responseElements.credentials.accessKeyId": *out.Credentials.AccessKeyId,
	} {
		if got := at(rec, k); got != v {
			t.Errorf("%s = %#v, want %#v", k, got, v)
		}
	}
	if s := aws.ToString(events[0].CloudTrailEvent); strings.Contains(s, token) || strings.Contains(s, *out.Credentials.SessionToken) || strings.Contains(s, *out.Credentials.SecretAccessKey) {
		t.Error("the record holds the token or the credentials")
	}
	session := aws.Credentials{AccessKeyID: *out.Credentials.AccessKeyId, SecretAccessKey: *out.Credentials.SecretAccessKey, SessionToken: *out.Credentials.SessionToken}
	if _, err := f.ts.iam(session).ListRoles(ctx, &awsiam.ListRolesInput{}); err != nil {
		t.Fatal(err)
	}
	listed := lookup(t, c, "AccessKeyId", session.AccessKeyID)
	if len(listed) != 1 || at(record(t, listed[0]), "userIdentity.sessionContext.webIdFederationData.federatedProvider") != "arn:aws:iam::"+mgmtAccount+":oidc-provider/"+f.host {
		t.Errorf("the session's call: %+v", listed)
	}
}

// Each account sees its own events only: those it made, and those made on its resources
// from another account (which both accounts see, as CloudTrail delivers them to both).
func TestLookupEventsSeesOnlyTheCallersAccount(t *testing.T) {
	ts, second := startServerWithSecondAccount(t)
	ctx := context.Background()
	if _, err := ts.iam(ts.root).CreateUser(ctx, &awsiam.CreateUserInput{UserName: aws.String("first-user")}); err != nil {
		t.Fatal(err)
	}
	if _, err := ts.iam(second).CreateUser(ctx, &awsiam.CreateUserInput{UserName: aws.String("second-user")}); err != nil {
		t.Fatal(err)
	}
	// The second account's root reads a role of the first: denied, on the first's resource.
	_, err := ts.sts(second).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::123456789012:role/none"), RoleSessionName: aws.String("x")})
	if err == nil {
		t.Fatal("assumed a role that does not exist")
	}
	names := func(creds aws.Credentials) map[string]int {
		out := map[string]int{}
		for _, e := range lookup(t, ts.cloudtrail(creds), "ResourceType", "AWS::IAM::User") {
			out[aws.ToString(e.Resources[0].ResourceName)]++
		}
		return out
	}
	if got := names(ts.root); got["first-user"] != 1 || got["second-user"] != 0 {
		t.Errorf("the first account sees %v", got)
	}
	if got := names(second); got["second-user"] != 1 || got["first-user"] != 0 {
		t.Errorf("the second account sees %v", got)
	}
	for _, creds := range []aws.Credentials{ts.root, second} {
		got := lookup(t, ts.cloudtrail(creds), "EventName", "AssumeRole")
		if len(got) != 1 || at(record(t, got[0]), "userIdentity.accountId") != secondAccountID || at(record(t, got[0]), "recipientAccountId") != "123456789012" {
			t.Errorf("%s sees the cross-account AssumeRole as %+v", creds.AccessKeyID, got)
		}
	}
}

// A request whose signature is refused is recorded as an Unknown identity's, with the key
// it named and the operation it asked for; no account's lookup shows it.
func TestAuditRecordsARefusedSignature(t *testing.T) {
	ts, audit := startAuditedServer(t)
	bad := aws.Credentials{AccessKeyID: testRootKey, SecretAccessKey: "not-the-secret"}
	_, err := ts.iam(bad).GetUser(context.Background(), &awsiam.GetUserInput{UserName: aws.String("x")})
	apiError(t, err, "SignatureDoesNotMatch")
	var found map[string]any
	for _, l := range strings.Split(strings.TrimSpace(audit.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatal(err)
		}
		if m["errorCode"] == "SignatureDoesNotMatch" {
			found = m
		}
	}
	if found == nil || at(found, "userIdentity.type") != "Unknown" || at(found, "userIdentity.accessKeyId") != testRootKey ||
		found["eventName"] != "GetUser" || found["eventSource"] != "iam.amazonaws.com" || at(found, "requestParameters.userName") != "x" ||
		at(found, "additionalEventData.iamd.decision") != "failed" {
		t.Fatalf("record %v", found)
	}
	if got := lookup(t, ts.cloudtrail(ts.root), "EventName", "GetUser"); len(got) != 0 {
		t.Errorf("the refused call is looked up: %+v", got)
	}
}

// GetSessionToken's sessions are the user's (IAMUser with a sessionContext), and
// GetFederationToken's are a FederatedUser's issued by the user.
func TestAuditRecordsUserAndFederatedSessions(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	dana := userWithKey(t, ts, "dana", "")
	if _, err := ts.iam(ts.root).PutUserPolicy(ctx, &awsiam.PutUserPolicyInput{UserName: aws.String("dana"), PolicyName: aws.String("fed"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sts:GetFederationToken","iam:ListRoles"],"Resource":"*"}]}`)}); err != nil {
		t.Fatal(err)
	}
	st, err := ts.sts(dana).GetSessionToken(ctx, &sts.GetSessionTokenInput{})
	if err != nil {
		t.Fatal(err)
	}
	fed, err := ts.sts(dana).GetFederationToken(ctx, &sts.GetFederationTokenInput{Name: aws.String("partner"),
		Policy: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListRoles","Resource":"*"}]}`)})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		creds *stsCreds
		want  map[string]any
	}{
		{&stsCreds{*st.Credentials.AccessKeyId, *st.Credentials.SecretAccessKey, *st.Credentials.SessionToken}, map[string]any{
			"userIdentity.type": "IAMUser", "userIdentity.userName": "dana", "userIdentity.arn": "arn:aws:iam::123456789012:user/dana",
			"userIdentity.sessionContext.attributes.mfaAuthenticated": "false", "userIdentity.sessionContext.sessionIssuer.type": nil}},
		{&stsCreds{*fed.Credentials.AccessKeyId, *fed.Credentials.SecretAccessKey, *fed.Credentials.SessionToken}, map[string]any{
			"userIdentity.type": "FederatedUser", "userIdentity.arn": "arn:aws:sts::123456789012:federated-user/partner",
			"userIdentity.principalId": "123456789012:partner", "userIdentity.sessionContext.sessionIssuer.type": "IAMUser",
			"userIdentity.sessionContext.sessionIssuer.userName": "dana", "userIdentity.sessionContext.sessionIssuer.arn": "arn:aws:iam::123456789012:user/dana"}},
	} {
		creds := aws.Credentials{AccessKeyID: tc.creds.id, SecretAccessKey: tc.creds.secret, SessionToken: tc.creds.token}
		// These sessions may not call IAM (AWS's limits); GetCallerIdentity needs no permission.
		if _, err := ts.sts(creds).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
			t.Fatal(err)
		}
		got := lookup(t, ts.cloudtrail(ts.root), "AccessKeyId", tc.creds.id)
		if len(got) != 1 {
			t.Fatalf("%d events of %s", len(got), tc.creds.id)
		}
		rec := record(t, got[0])
		for k, v := range tc.want {
			if at(rec, k) != v {
				t.Errorf("%s = %#v, want %#v", k, at(rec, k), v)
			}
		}
		if at(rec, "userIdentity.sessionContext.attributes.creationDate") == nil {
			t.Errorf("no creation date: %v", rec["userIdentity"])
		}
	}
}

type stsCreds struct{ id, secret, token string }

// A call over TLS records its tlsDetails, as CloudTrail does; plain HTTP records none.
func TestAuditRecordsTLSDetails(t *testing.T) {
	ts, audit := startAuditedServer(t)
	tlsSrv := httptest.NewTLSServer(ts.srv.paths())
	defer tlsSrv.Close()
	cfg := ts.config(ts.root)
	cfg.BaseEndpoint, cfg.HTTPClient = aws.String(tlsSrv.URL), tlsSrv.Client()
	if _, err := sts.NewFromConfig(cfg).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatal(err)
	}
	if _, err := ts.sts(ts.root).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatal(err)
	}
	var got []any
	for _, l := range strings.Split(strings.TrimSpace(audit.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatal(err)
		}
		if m["eventName"] == "GetCallerIdentity" {
			got = append(got, m["tlsDetails"])
		}
	}
	host := strings.TrimPrefix(tlsSrv.URL, "https://")
	if len(got) != 2 || got[1] != nil {
		t.Fatalf("tlsDetails %v", got)
	}
	d := got[0].(map[string]any)
	if d["tlsVersion"] != "TLSv1.3" || d["cipherSuite"] == "" || d["clientProvidedHostHeader"] != host {
		t.Errorf("tlsDetails %v", d)
	}
}
