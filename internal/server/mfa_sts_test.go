package server

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

const (
	mfaInvalidCode   = "MultiFactorAuthentication failed with invalid MFA one time pass code."
	mfaUnknownDevice = "MultiFactorAuthentication failed, unable to validate MFA code.  Please verify your MFA serial number is valid and associated with this user."
)

// mfaUser creates a user with a key and an enabled device, returning the key, the device's
// serial number and seed.
func mfaUser(t *testing.T, ts *testServer, clock *mfaClock, name string) (aws.Credentials, string, string) {
	t.Helper()
	key := userWithKey(t, ts, name, "")
	serial, seed := newDevice(t, ts, name, "")
	enableDevice(t, ts, clock, name, serial, seed)
	return key, serial, seed
}

func putMFAUserPolicy(t *testing.T, ts *testServer, user, doc string) {
	t.Helper()
	_, err := ts.iam(ts.root).PutUserPolicy(context.Background(), &awsiam.PutUserPolicyInput{
		UserName: aws.String(user), PolicyName: aws.String("p"), PolicyDocument: aws.String(doc)})
	if err != nil {
		t.Fatal(err)
	}
}

func sessionToken(ts *testServer, key aws.Credentials, serial, code string) (aws.Credentials, error) {
	in := &sts.GetSessionTokenInput{}
	if serial != "" {
		in.SerialNumber = aws.String(serial)
	}
	if code != "" {
		in.TokenCode = aws.String(code)
	}
	out, err := ts.sts(key).GetSessionToken(context.Background(), in)
	if err != nil {
		return aws.Credentials{}, err
	}
	return sessCreds(out.Credentials), nil
}

// TestMFASessionTokenCodes: GetSessionToken takes the code of the device's current step,
// give or take one, each code once, and AWS's errors otherwise.
func TestMFASessionTokenCodes(t *testing.T) {
	clock := newMFAClock()
	ts := startServerAt(t, "", clock.Now)
	dave, serial, seed := mfaUser(t, ts, clock, "dave")
	_, bobSerial, _ := mfaUser(t, ts, clock, "bob")
	use := func(serial, code string) error {
		_, err := sessionToken(ts, dave, serial, code)
		return err
	}
	s := clock.step()
	if err := use(serial, totpAt(t, seed, s)); err != nil {
		t.Fatal(err)
	}
	wantError(t, use(serial, totpAt(t, seed, s)), "AccessDenied", 403, mfaInvalidCode) // used once already
	if err := use(serial, totpAt(t, seed, s+1)); err != nil {                          // a step ahead
		t.Fatal(err)
	}
	wantError(t, use(serial, totpAt(t, seed, s)), "AccessDenied", 403, mfaInvalidCode)   // older than one used
	wantError(t, use(serial, totpAt(t, seed, s+3)), "AccessDenied", 403, mfaInvalidCode) // too far ahead
	clock.advance(3 * 30 * time.Second)
	s = clock.step()
	if err := use(serial, totpAt(t, seed, s-1)); err != nil { // a step behind
		t.Fatal(err)
	}
	wantError(t, use(serial, totpAt(t, seed, s-3)), "AccessDenied", 403, mfaInvalidCode)
	wantError(t, use(serial, "000000"), "AccessDenied", 403, mfaInvalidCode)

	// A device that is not the caller's, or none, and codes without a device.
	wantError(t, use(bobSerial, totpAt(t, seed, s)), "AccessDenied", 403, mfaUnknownDevice)
	wantError(t, use("arn:aws:iam::123456789012:mfa/ghost", totpAt(t, seed, s)), "AccessDenied", 403, mfaUnknownDevice)
	wantError(t, use("GAHT12345678", totpAt(t, seed, s)), "AccessDenied", 403, mfaUnknownDevice)
	wantError(t, use("", totpAt(t, seed, s)), "AccessDenied", 403, mfaUnknownDevice)
	wantError(t, use(serial, ""), "AccessDenied", 403, mfaInvalidCode)
	wantError(t, use(serial, "12345"), "ValidationError", 400,
		"1 validation error detected: Value '12345' at 'tokenCode' failed to satisfy constraint: Member must have length greater than or equal to 6")
	wantError(t, use("bad serial!", "123456"), "ValidationError", 400,
		`1 validation error detected: Value 'bad serial!' at 'serialNumber' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=/:,.@-]*`)

	// A deactivated device authenticates nobody.
	if _, err := ts.iam(ts.root).DeactivateMFADevice(context.Background(), &awsiam.DeactivateMFADeviceInput{UserName: aws.String("dave"), SerialNumber: aws.String(serial)}); err != nil {
		t.Fatal(err)
	}
	wantError(t, use(serial, totpAt(t, seed, s+1)), "AccessDenied", 403, mfaUnknownDevice)
}

// TestMFADriftedDeviceIsFollowed: a device enabled with codes of a clock 5 minutes ahead
// authenticates with codes of that clock, not the server's, until it is resynchronized.
func TestMFADriftedDeviceIsFollowed(t *testing.T) {
	clock := newMFAClock()
	ts := startServerAt(t, "", clock.Now)
	erin := userWithKey(t, ts, "erin", "")
	serial, seed := newDevice(t, ts, "erin", "")
	s := clock.step()
	if _, err := ts.iam(ts.root).EnableMFADevice(context.Background(), &awsiam.EnableMFADeviceInput{
		UserName: aws.String("erin"), SerialNumber: aws.String(serial),
		AuthenticationCode1: aws.String(totpAt(t, seed, s+10)), AuthenticationCode2: aws.String(totpAt(t, seed, s+11)),
	}); err != nil {
		t.Fatal(err)
	}
	clock.advance(30 * time.Second)
	s = clock.step()
	_, err := sessionToken(ts, erin, serial, totpAt(t, seed, s))
	wantError(t, err, "AccessDenied", 403, mfaInvalidCode)
	if _, err := sessionToken(ts, erin, serial, totpAt(t, seed, s+11)); err != nil {
		t.Fatal(err)
	}

	// The device's clock is set right: ResyncMFADevice takes two codes of steps before
	// the last one used, and the codes used when it ran ahead stay used.
	used := s + 11
	if _, err := ts.iam(ts.root).ResyncMFADevice(context.Background(), &awsiam.ResyncMFADeviceInput{
		UserName: aws.String("erin"), SerialNumber: aws.String(serial),
		AuthenticationCode1: aws.String(totpAt(t, seed, s-1)), AuthenticationCode2: aws.String(totpAt(t, seed, s)),
	}); err != nil {
		t.Fatalf("resync back in time: %v", err)
	}
	if _, err := sessionToken(ts, erin, serial, totpAt(t, seed, s+1)); err != nil {
		t.Fatalf("the resynchronized device's next code: %v", err)
	}
	clock.advance(time.Duration(used-clock.step()) * 30 * time.Second)
	_, err = sessionToken(ts, erin, serial, totpAt(t, seed, used))
	wantError(t, err, "AccessDenied", 403, mfaInvalidCode) // used before the resync
	if _, err := sessionToken(ts, erin, serial, totpAt(t, seed, used+1)); err != nil {
		t.Fatal(err)
	}
}

// blockUnlessMFA is the IAM User Guide's BlockMostAccessUnlessSignedInWithMFA statement
// (with BoolIfExists, so that long-term keys are refused too), after an Allow of everything.
const blockUnlessMFA = `{"Version":"2012-10-17","Statement":[
 {"Sid":"AllowEverything","Effect":"Allow","Action":"*","Resource":"*"},
 {"Sid":"BlockMostAccessUnlessSignedInWithMFA","Effect":"Deny",
  "NotAction":["iam:CreateVirtualMFADevice","iam:DeleteVirtualMFADevice","iam:ListVirtualMFADevices","iam:EnableMFADevice",
   "iam:ResyncMFADevice","iam:ListAccountAliases","iam:ListUsers","iam:ListSSHPublicKeys","iam:ListAccessKeys",
   "iam:ListServiceSpecificCredentials","iam:ListMFADevices","iam:GetAccountSummary","sts:GetSessionToken"],
  "Resource":"*",
  "Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}}]}`

func TestMFABlockMostAccessUnlessSignedInWithMFA(t *testing.T) {
	clock := newMFAClock()
	ts := startServerAt(t, "", clock.Now)
	ctx := context.Background()
	frank, serial, seed := mfaUser(t, ts, clock, "frank")
	putMFAUserPolicy(t, ts, "frank", blockUnlessMFA)
	listRoles := func(creds aws.Credentials) error {
		_, err := ts.iam(creds).ListRoles(ctx, &awsiam.ListRolesInput{})
		return err
	}
	wantDenied(t, listRoles(frank), "User: arn:aws:iam::123456789012:user/frank is not authorized to perform: iam:ListRoles on resource: arn:aws:iam::123456789012:role/ with an explicit deny in an identity-based policy")
	if _, err := ts.iam(frank).ListMFADevices(ctx, &awsiam.ListMFADevicesInput{}); err != nil {
		t.Fatalf("a NotAction action with long-term keys: %v", err)
	}
	noMFA, err := sessionToken(ts, frank, "", "")
	if err != nil {
		t.Fatal(err)
	}
	apiError(t, listRoles(noMFA), "AccessDenied")
	withMFA, err := sessionToken(ts, frank, serial, totpAt(t, seed, clock.step()))
	if err != nil {
		t.Fatal(err)
	}
	if err := listRoles(withMFA); err != nil {
		t.Fatalf("the MFA session: %v", err)
	}
}

func TestMFAAuthAge(t *testing.T) {
	clock := newMFAClock()
	ts := startServerAt(t, "", clock.Now)
	ctx := context.Background()
	gus, serial, seed := mfaUser(t, ts, clock, "gus")
	putMFAUserPolicy(t, ts, "gus", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListRoles","Resource":"*",
		"Condition":{"NumericLessThan":{"aws:MultiFactorAuthAge":"300"}}}]}`)
	listRoles := func(creds aws.Credentials) error {
		_, err := ts.iam(creds).ListRoles(ctx, &awsiam.ListRolesInput{})
		return err
	}
	apiError(t, listRoles(gus), "AccessDenied") // long-term keys: no age
	sess, err := sessionToken(ts, gus, serial, totpAt(t, seed, clock.step()))
	if err != nil {
		t.Fatal(err)
	}
	if err := listRoles(sess); err != nil {
		t.Fatal(err)
	}
	clock.advance(6 * time.Minute)
	apiError(t, listRoles(sess), "AccessDenied")
}

// mfaTrust trusts the account's principals with MFA only.
const mfaTrust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},
 "Action":"sts:AssumeRole","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}`

// mfaOnlyListRoles allows iam:ListRoles to MFA sessions.
const mfaOnlyListRoles = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListRoles","Resource":"*",
 "Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}`

func TestMFAAssumeRole(t *testing.T) {
	clock := newMFAClock()
	ts := startServerAt(t, "", clock.Now)
	ctx := context.Background()
	hal, serial, seed := mfaUser(t, ts, clock, "hal")
	putMFAUserPolicy(t, ts, "hal", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}`)
	sessRole(t, ts, "mfa-role", mfaTrust, mfaOnlyListRoles)
	roleARN := "arn:aws:iam::123456789012:role/mfa-role"
	assume := func(creds aws.Credentials, serial, code string) (aws.Credentials, error) {
		in := &sts.AssumeRoleInput{RoleArn: aws.String(roleARN), RoleSessionName: aws.String("sess")}
		if serial != "" {
			in.SerialNumber, in.TokenCode = aws.String(serial), aws.String(code)
		}
		out, err := ts.sts(creds).AssumeRole(ctx, in)
		if err != nil {
			return aws.Credentials{}, err
		}
		return sessCreds(out.Credentials), nil
	}
	listRoles := func(creds aws.Credentials) error {
		_, err := ts.iam(creds).ListRoles(ctx, &awsiam.ListRolesInput{})
		return err
	}

	// The trust policy's condition: long-term keys without MFA are refused.
	_, err := assume(hal, "", "")
	wantDenied(t, err, "User: arn:aws:iam::123456789012:user/hal is not authorized to perform: sts:AssumeRole on resource: "+roleARN)
	_, err = assume(hal, serial, "000000")
	wantError(t, err, "AccessDenied", 403, mfaInvalidCode)
	_, err = assume(hal, "arn:aws:iam::123456789012:mfa/ghost", totpAt(t, seed, clock.step()))
	wantError(t, err, "AccessDenied", 403, mfaUnknownDevice)

	// With the code, the role session carries MFA.
	role, err := assume(hal, serial, totpAt(t, seed, clock.step()))
	if err != nil {
		t.Fatal(err)
	}
	if err := listRoles(role); err != nil {
		t.Fatalf("the role session made with MFA: %v", err)
	}

	// A role session made from an MFA session keeps MFA; one made from a session without
	// MFA has none, and the trust policy refuses it.
	clock.advance(30 * time.Second)
	mfaSess, err := sessionToken(ts, hal, serial, totpAt(t, seed, clock.step()))
	if err != nil {
		t.Fatal(err)
	}
	chained, err := assume(mfaSess, "", "")
	if err != nil {
		t.Fatalf("AssumeRole with an MFA session: %v", err)
	}
	if err := listRoles(chained); err != nil {
		t.Fatalf("the role session made from an MFA session: %v", err)
	}
	plain, err := sessionToken(ts, hal, "", "")
	if err != nil {
		t.Fatal(err)
	}
	_, err = assume(plain, "", "")
	apiError(t, err, "AccessDenied")
}

// TestMFAKeysAbsentForLongTermKeys: aws:MultiFactorAuthPresent is in no request signed with
// long-term keys (a Null condition sees it missing), and "false" in a session's made without
// MFA, with no aws:MultiFactorAuthAge.
func TestMFAKeysAbsentForLongTermKeys(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	ivy := userWithKey(t, ts, "ivy", "")
	putMFAUserPolicy(t, ts, "ivy", `{"Version":"2012-10-17","Statement":[
	 {"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"},
	 {"Effect":"Allow","Action":"iam:ListRoles","Resource":"*","Condition":{"Null":{"aws:MultiFactorAuthPresent":"true","aws:MultiFactorAuthAge":"true"}}}]}`)
	if _, err := ts.iam(ivy).ListRoles(ctx, &awsiam.ListRolesInput{}); err != nil {
		t.Fatalf("long-term keys carry an MFA key: %v", err)
	}
	// A role trusting sessions without MFA only, whose own sessions may list roles without MFA.
	noMFATrust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},
	 "Action":"sts:AssumeRole","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"false"},"Null":{"aws:MultiFactorAuthAge":"true"}}}]}`
	sessRole(t, ts, "plain", noMFATrust, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListRoles","Resource":"*",
	 "Condition":{"Bool":{"aws:MultiFactorAuthPresent":"false"}}}]}`)
	assume := func(creds aws.Credentials) (*sts.AssumeRoleOutput, error) {
		return ts.sts(creds).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::123456789012:role/plain"), RoleSessionName: aws.String("sess")})
	}
	_, err := assume(ivy)
	apiError(t, err, "AccessDenied") // long-term keys: the key is missing, Bool does not match
	sess, err := sessionToken(ts, ivy, "", "")
	if err != nil {
		t.Fatal(err)
	}
	out, err := assume(sess)
	if err != nil {
		t.Fatalf("a session without MFA: %v", err)
	}
	if _, err := ts.iam(sessCreds(out.Credentials)).ListRoles(ctx, &awsiam.ListRolesInput{}); err != nil {
		t.Fatalf("a role session without MFA: %v", err)
	}
}
