package server

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"

	"github.com/iamd-dev/iamd/internal/authmsg"
	"github.com/iamd-dev/iamd/internal/awsclient"
	"github.com/iamd-dev/iamd/internal/policy"
	"github.com/iamd-dev/iamd/internal/sigv4"
)

const (
	mgmtAccount   = "123456789012" // the default account plays seed 002's management account
	targetAccount = "111111111111"
)

// seed002 sets up seed 002: an instance role in the management account that root may
// assume (standing in for EC2), and a role in the target account that trusts it, with an
// ExternalId when externalID is set. It returns root credentials of the target account.
func seed002(t *testing.T, ts *testServer, externalID string) aws.Credentials {
	t.Helper()
	ctx := context.Background()
	key, err := ts.srv.iam.CreateAccount(ctx, targetAccount, "prod")
	if err != nil {
		t.Fatal(err)
	}
	target := aws.Credentials{AccessKeyID: key.AccessKeyID, SecretAccessKey: key.SecretAccessKey}
	mgmt := ts.iam(ts.root)
	mustDo(t, func() error {
		_, err := mgmt.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("SeqeraPlatform-EC2-InstanceRole"),
			AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + mgmtAccount + `:root"},"Action":"sts:AssumeRole"}]}`)})
		return err
	})
	mustDo(t, func() error {
		_, err := mgmt.PutRolePolicy(ctx, &awsiam.PutRolePolicyInput{RoleName: aws.String("SeqeraPlatform-EC2-InstanceRole"), PolicyName: aws.String("assume"),
			PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Sid":"AllowAssumeRoleInAccountA","Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::` + targetAccount + `:role/SeqeraPlatformRole-AccountA"}]}`)})
		return err
	})
	condition := ""
	if externalID != "" {
		condition = `,"Condition":{"StringEquals":{"sts:ExternalId":"` + externalID + `"}}`
	}
	tc := ts.iam(target)
	mustDo(t, func() error {
		_, err := tc.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("SeqeraPlatformRole-AccountA"),
			AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + mgmtAccount + `:role/SeqeraPlatform-EC2-InstanceRole"},"Action":"sts:AssumeRole"` + condition + `}]}`)})
		return err
	})
	mustDo(t, func() error {
		_, err := tc.PutRolePolicy(ctx, &awsiam.PutRolePolicyInput{RoleName: aws.String("SeqeraPlatformRole-AccountA"), PolicyName: aws.String("read"),
			PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListRoles","Resource":"*"}]}`)})
		return err
	})
	return target
}

func mustDo(t *testing.T, fn func() error) {
	t.Helper()
	if err := fn(); err != nil {
		t.Fatal(err)
	}
}

// instanceSession is a session of the management account's instance role.
func instanceSession(t *testing.T, ts *testServer) aws.Credentials {
	t.Helper()
	out, err := ts.sts(ts.root).AssumeRole(context.Background(), &sts.AssumeRoleInput{
		RoleArn: aws.String("arn:aws:iam::" + mgmtAccount + ":role/SeqeraPlatform-EC2-InstanceRole"), RoleSessionName: aws.String("i-0abc123")})
	if err != nil {
		t.Fatal(err)
	}
	c := out.Credentials
	return aws.Credentials{AccessKeyID: aws.ToString(c.AccessKeyId), SecretAccessKey: aws.ToString(c.SecretAccessKey), SessionToken: aws.ToString(c.SessionToken)}
}

func TestAssumeRoleAcrossAccounts(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	seed002(t, ts, "")
	inst := instanceSession(t, ts)

	who, err := ts.sts(inst).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(who.Arn) != "arn:aws:sts::123456789012:assumed-role/SeqeraPlatform-EC2-InstanceRole/i-0abc123" ||
		!strings.HasPrefix(aws.ToString(who.UserId), "AROA") || !strings.HasSuffix(aws.ToString(who.UserId), ":i-0abc123") {
		t.Fatalf("instance session identity %+v", who)
	}

	// The SDK's own provider chains the role: instance session -> target role.
	cfg := ts.config(inst)
	cfg.Credentials = aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(sts.NewFromConfig(cfg),
		"arn:aws:iam::"+targetAccount+":role/SeqeraPlatformRole-AccountA", func(o *stscreds.AssumeRoleOptions) { o.RoleSessionName = "tower" }))
	who, err = sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(who.Arn) != "arn:aws:sts::"+targetAccount+":assumed-role/SeqeraPlatformRole-AccountA/tower" || aws.ToString(who.Account) != targetAccount {
		t.Fatalf("chained identity %+v", who)
	}
	// The session may do what the target role's policy allows, and nothing more.
	targetIAM := awsiam.NewFromConfig(cfg)
	if _, err := targetIAM.ListRoles(ctx, &awsiam.ListRolesInput{}); err != nil {
		t.Fatalf("ListRoles as the target session: %v", err)
	}
	_, err = targetIAM.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("x"), AssumeRolePolicyDocument: aws.String(towerTrust)})
	wantDenied(t, err, "User: arn:aws:sts::111111111111:assumed-role/SeqeraPlatformRole-AccountA/tower is not authorized to perform: iam:CreateRole on resource: arn:aws:iam::111111111111:role/x because no identity-based policy allows the iam:CreateRole action")

	// Root of the management account is not named by the target's trust policy.
	_, err = ts.sts(ts.root).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::" + targetAccount + ":role/SeqeraPlatformRole-AccountA"), RoleSessionName: aws.String("x1")})
	wantDenied(t, err, "User: arn:aws:iam::123456789012:root is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::111111111111:role/SeqeraPlatformRole-AccountA")
	// A role that does not exist is refused the same way.
	_, err = ts.sts(inst).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::" + targetAccount + ":role/Nope"), RoleSessionName: aws.String("x1")})
	apiError(t, err, "AccessDenied")
}

func TestAssumeRoleNeedsBothSidesAcrossAccounts(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	seed002(t, ts, "")
	// Without its own permission the instance role cannot assume the target, though the
	// target trusts it.
	if _, err := ts.iam(ts.root).DeleteRolePolicy(ctx, &awsiam.DeleteRolePolicyInput{RoleName: aws.String("SeqeraPlatform-EC2-InstanceRole"), PolicyName: aws.String("assume")}); err != nil {
		t.Fatal(err)
	}
	inst := instanceSession(t, ts)
	_, err := ts.sts(inst).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::" + targetAccount + ":role/SeqeraPlatformRole-AccountA"), RoleSessionName: aws.String("tower")})
	apiError(t, err, "AccessDenied")
}

func TestAssumeRoleExternalID(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	seed002(t, ts, "workspace-a-7f3e")
	inst := instanceSession(t, ts)
	in := func(id *string) *sts.AssumeRoleInput {
		return &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::" + targetAccount + ":role/SeqeraPlatformRole-AccountA"), RoleSessionName: aws.String("tower"), ExternalId: id}
	}
	_, err := ts.sts(inst).AssumeRole(ctx, in(nil))
	apiError(t, err, "AccessDenied")
	_, err = ts.sts(inst).AssumeRole(ctx, in(aws.String("workspace-b-0000")))
	apiError(t, err, "AccessDenied")
	if _, err := ts.sts(inst).AssumeRole(ctx, in(aws.String("workspace-a-7f3e"))); err != nil {
		t.Fatalf("with the right ExternalId: %v", err)
	}
}

func TestSessionLifecycle(t *testing.T) {
	var now atomic.Int64
	now.Store(time.Now().Unix())
	clock := func() time.Time { return time.Unix(now.Load(), 0) }
	dir := t.TempDir()
	ts := startServerAt(t, dir, clock)
	ctx := context.Background()
	seed002(t, ts, "")
	inst := instanceSession(t, ts)
	mgmt := ts.iam(ts.root)

	// A change to the role's policies applies to the live session at its next call.
	_, err := ts.iam(inst).ListRoles(ctx, &awsiam.ListRolesInput{})
	apiError(t, err, "AccessDenied")
	mustDo(t, func() error {
		_, err := mgmt.PutRolePolicy(ctx, &awsiam.PutRolePolicyInput{RoleName: aws.String("SeqeraPlatform-EC2-InstanceRole"), PolicyName: aws.String("list"),
			PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListRoles","Resource":"*"}]}`)})
		return err
	})
	if _, err := ts.iam(inst).ListRoles(ctx, &awsiam.ListRolesInput{}); err != nil {
		t.Fatalf("after the policy change: %v", err)
	}

	// Sessions survive a restart: the token carries them.
	ts.stop()
	ts = startServerAt(t, dir, clock)
	if _, err := ts.iam(inst).ListRoles(ctx, &awsiam.ListRolesInput{}); err != nil {
		t.Fatalf("after a restart: %v", err)
	}

	// A changed token is refused.
	bad := inst
	bad.SessionToken = inst.SessionToken[:len(inst.SessionToken)-4] + "AAAA"
	_, err = ts.sts(bad).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	apiError(t, err, "InvalidClientTokenId")

	// After its expiry (one hour by default) the session fails with ExpiredToken. The
	// request is signed at the server's clock, so that only the token is out of date.
	now.Add(3601)
	client := awsclient.New(awsclient.Config{Endpoint: ts.endpoint, Region: "us-east-1", Credentials: sigv4.Credentials{
		AccessKeyID: inst.AccessKeyID, SecretAccessKey: inst.SecretAccessKey, SessionToken: inst.SessionToken}}, 1)
	client.Now = clock
	_, err = client.Query(ctx, "sts", url.Values{"Action": {"GetCallerIdentity"}, "Version": {"2011-06-15"}})
	var ae *awsclient.Error
	if !errors.As(err, &ae) || ae.Code != "ExpiredToken" || ae.Status != 403 {
		t.Fatalf("expired session: %v", err)
	}
	now.Add(-3602)
	if _, err := client.Query(ctx, "sts", url.Values{"Action": {"GetCallerIdentity"}, "Version": {"2011-06-15"}}); err != nil {
		t.Fatalf("the same request before expiry: %v", err)
	}
}

func TestSessionPolicyAndChainingLimits(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	seed002(t, ts, "")
	inst := instanceSession(t, ts)
	target := "arn:aws:iam::" + targetAccount + ":role/SeqeraPlatformRole-AccountA"

	// Role chaining is limited to one hour.
	_, err := ts.sts(inst).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(target), RoleSessionName: aws.String("long"), DurationSeconds: aws.Int32(7200)})
	ae := apiError(t, err, "ValidationError")
	if !strings.Contains(ae.ErrorMessage(), "role chaining") {
		t.Fatalf("chained duration: %s", ae.ErrorMessage())
	}

	// A session policy that allows nothing the role needs leaves the session without it.
	out, err := ts.sts(inst).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(target), RoleSessionName: aws.String("narrow"),
		Policy: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetRole","Resource":"*"}]}`),
		Tags:   []ststypes.Tag{{Key: aws.String("team"), Value: aws.String("hpc")}}})
	if ae := apiError(t, err, "AccessDenied"); !strings.Contains(ae.ErrorMessage(), "sts:TagSession") {
		t.Fatalf("tags without sts:TagSession: %s", ae.ErrorMessage())
	}
	out, err = ts.sts(inst).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(target), RoleSessionName: aws.String("narrow"),
		Policy: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetRole","Resource":"*"}]}`)})
	if err != nil {
		t.Fatal(err)
	}
	if out.PackedPolicySize == nil {
		t.Fatal("no PackedPolicySize for a session policy")
	}
	c := out.Credentials
	narrow := aws.Credentials{AccessKeyID: aws.ToString(c.AccessKeyId), SecretAccessKey: aws.ToString(c.SecretAccessKey), SessionToken: aws.ToString(c.SessionToken)}
	_, err = ts.iam(narrow).ListRoles(ctx, &awsiam.ListRolesInput{})
	wantDenied(t, err, "User: arn:aws:sts::111111111111:assumed-role/SeqeraPlatformRole-AccountA/narrow is not authorized to perform: iam:ListRoles on resource: arn:aws:iam::111111111111:role/ because no session policy allows the iam:ListRoles action")
}

func TestDeletedRoleEndsItsSessions(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	seed002(t, ts, "")
	mgmt := ts.iam(ts.root)
	mustDo(t, func() error {
		_, err := mgmt.PutRolePolicy(ctx, &awsiam.PutRolePolicyInput{RoleName: aws.String("SeqeraPlatform-EC2-InstanceRole"), PolicyName: aws.String("list"),
			PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListRoles","Resource":"*"}]}`)})
		return err
	})
	inst := instanceSession(t, ts)
	if _, err := ts.iam(inst).ListRoles(ctx, &awsiam.ListRolesInput{}); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"assume", "list"} {
		mustDo(t, func() error {
			_, err := mgmt.DeleteRolePolicy(ctx, &awsiam.DeleteRolePolicyInput{RoleName: aws.String("SeqeraPlatform-EC2-InstanceRole"), PolicyName: aws.String(p)})
			return err
		})
	}
	mustDo(t, func() error {
		_, err := mgmt.DeleteRole(ctx, &awsiam.DeleteRoleInput{RoleName: aws.String("SeqeraPlatform-EC2-InstanceRole")})
		return err
	})
	_, err := ts.iam(inst).ListRoles(ctx, &awsiam.ListRolesInput{})
	apiError(t, err, "AccessDenied")
}

func TestSessionAndFederationTokens(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	root := ts.iam(ts.root)
	bob := userWithKey(t, ts, "bob", "")
	mustDo(t, func() error {
		_, err := root.PutUserPolicy(ctx, &awsiam.PutUserPolicyInput{UserName: aws.String("bob"), PolicyName: aws.String("p"),
			PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sts:GetFederationToken","sts:GetAccessKeyInfo","iam:ListRoles"],"Resource":"*"}]}`)})
		return err
	})
	// GetSessionToken: the user's own identity, no IAM calls.
	st, err := ts.sts(bob).GetSessionToken(ctx, &sts.GetSessionTokenInput{DurationSeconds: aws.Int32(900)})
	if err != nil {
		t.Fatal(err)
	}
	userSession := aws.Credentials{AccessKeyID: aws.ToString(st.Credentials.AccessKeyId), SecretAccessKey: aws.ToString(st.Credentials.SecretAccessKey), SessionToken: aws.ToString(st.Credentials.SessionToken)}
	who, err := ts.sts(userSession).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(who.Arn) != "arn:aws:iam::123456789012:user/bob" {
		t.Fatalf("GetSessionToken identity: %v %v", who, err)
	}
	_, err = ts.iam(userSession).ListRoles(ctx, &awsiam.ListRolesInput{})
	apiError(t, err, "AccessDenied")

	// GetFederationToken: the user's permissions within the session policy.
	ft, err := ts.sts(bob).GetFederationToken(ctx, &sts.GetFederationTokenInput{Name: aws.String("alice"),
		Policy: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:GetCallerIdentity","Resource":"*"}]}`)})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(ft.FederatedUser.Arn) != "arn:aws:sts::123456789012:federated-user/alice" || aws.ToString(ft.FederatedUser.FederatedUserId) != "123456789012:alice" {
		t.Fatalf("federated user %+v", ft.FederatedUser)
	}
	fed := aws.Credentials{AccessKeyID: aws.ToString(ft.Credentials.AccessKeyId), SecretAccessKey: aws.ToString(ft.Credentials.SecretAccessKey), SessionToken: aws.ToString(ft.Credentials.SessionToken)}
	who, err = ts.sts(fed).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(who.Arn) != "arn:aws:sts::123456789012:federated-user/alice" {
		t.Fatalf("federated identity: %v %v", who, err)
	}

	// GetAccessKeyInfo names the account of long-term and session keys.
	for _, id := range []string{bob.AccessKeyID, userSession.AccessKeyID, fed.AccessKeyID} {
		info, err := ts.sts(bob).GetAccessKeyInfo(ctx, &sts.GetAccessKeyInfoInput{AccessKeyId: aws.String(id)})
		if err != nil || aws.ToString(info.Account) != "123456789012" {
			t.Fatalf("GetAccessKeyInfo(%s): %v %v", id, info, err)
		}
	}
	carol := userWithKey(t, ts, "carol", "")
	_, err = ts.sts(carol).GetAccessKeyInfo(ctx, &sts.GetAccessKeyInfoInput{AccessKeyId: aws.String(bob.AccessKeyID)})
	apiError(t, err, "AccessDenied")
}

// An encoded authorization failure (seed 003) decodes with sts:DecodeAuthorizationMessage,
// for the failure's own account only.
func TestDecodeAuthorizationMessage(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	p, err := policy.ParsePrincipal("arn:aws:sts::123456789012:assumed-role/director/i-56a18483")
	if err != nil {
		t.Fatal(err)
	}
	d := policy.Evaluate(&policy.Set{}, policy.NewRequest(p, "iam:PassRole", "arn:aws:iam::123456789012:role/deployed-vm", "", policy.Context{}))
	encoded, err := ts.srv.msgs.Encode("123456789012", authmsg.FromDecision(&d, "AROAEXAMPLE:i-56a18483", p.ID, "iam:PassRole", "arn:aws:iam::123456789012:role/deployed-vm", nil))
	if err != nil {
		t.Fatal(err)
	}
	out, err := ts.sts(ts.root).DecodeAuthorizationMessage(ctx, &sts.DecodeAuthorizationMessageInput{EncodedMessage: aws.String(encoded)})
	if err != nil {
		t.Fatal(err)
	}
	var msg struct {
		Allowed      bool `json:"allowed"`
		ExplicitDeny bool `json:"explicitDeny"`
		Context      struct {
			Principal struct{ ID, Arn string }
			Action    string `json:"action"`
			Resource  string `json:"resource"`
		} `json:"context"`
	}
	if err := json.Unmarshal([]byte(aws.ToString(out.DecodedMessage)), &msg); err != nil {
		t.Fatal(err)
	}
	if msg.Allowed || msg.ExplicitDeny || msg.Context.Action != "iam:PassRole" || msg.Context.Resource != "arn:aws:iam::123456789012:role/deployed-vm" ||
		msg.Context.Principal.Arn != "arn:aws:sts::123456789012:assumed-role/director/i-56a18483" {
		t.Fatalf("decoded %s", aws.ToString(out.DecodedMessage))
	}

	// Only with sts:DecodeAuthorizationMessage.
	bob := userWithKey(t, ts, "bob", "")
	_, err = ts.sts(bob).DecodeAuthorizationMessage(ctx, &sts.DecodeAuthorizationMessageInput{EncodedMessage: aws.String(encoded)})
	apiError(t, err, "AccessDenied")

	// Another account's root cannot read it, and a changed message is invalid.
	key, err := ts.srv.iam.CreateAccount(ctx, "111111111111", "other")
	if err != nil {
		t.Fatal(err)
	}
	other := aws.Credentials{AccessKeyID: key.AccessKeyID, SecretAccessKey: key.SecretAccessKey}
	_, err = ts.sts(other).DecodeAuthorizationMessage(ctx, &sts.DecodeAuthorizationMessageInput{EncodedMessage: aws.String(encoded)})
	apiError(t, err, "InvalidAuthorizationMessageException")
	_, err = ts.sts(ts.root).DecodeAuthorizationMessage(ctx, &sts.DecodeAuthorizationMessageInput{EncodedMessage: aws.String(encoded[:len(encoded)-3] + "xyz")})
	apiError(t, err, "InvalidAuthorizationMessageException")
}

// Session tags become aws:PrincipalTag, SourceIdentity stays along a chain, and a policy on
// aws:TokenIssueTime revokes older sessions (AWS's "revoke active sessions").
func TestSessionTagsSourceIdentityAndRevocation(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	root := ts.iam(ts.root)
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":["sts:AssumeRole","sts:TagSession","sts:SetSourceIdentity"]}]}`
	mustDo(t, func() error {
		_, err := root.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("tagged"), AssumeRolePolicyDocument: aws.String(trust)})
		return err
	})
	mustDo(t, func() error {
		_, err := root.PutRolePolicy(ctx, &awsiam.PutRolePolicyInput{RoleName: aws.String("tagged"), PolicyName: aws.String("by-tag"),
			PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListRoles","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"hpc","aws:SourceIdentity":"alice"}}}]}`)})
		return err
	})
	assume := func(creds aws.Credentials, tags []ststypes.Tag, source *string) (aws.Credentials, error) {
		out, err := ts.sts(creds).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::123456789012:role/tagged"),
			RoleSessionName: aws.String("s1"), Tags: tags, SourceIdentity: source})
		if err != nil {
			return aws.Credentials{}, err
		}
		c := out.Credentials
		return aws.Credentials{AccessKeyID: aws.ToString(c.AccessKeyId), SecretAccessKey: aws.ToString(c.SecretAccessKey), SessionToken: aws.ToString(c.SessionToken)}, nil
	}
	hpc, err := assume(ts.root, []ststypes.Tag{{Key: aws.String("team"), Value: aws.String("hpc")}}, aws.String("alice"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ts.iam(hpc).ListRoles(ctx, &awsiam.ListRolesInput{}); err != nil {
		t.Fatalf("tagged session: %v", err)
	}
	web, err := assume(ts.root, []ststypes.Tag{{Key: aws.String("team"), Value: aws.String("web")}}, aws.String("alice"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = ts.iam(web).ListRoles(ctx, &awsiam.ListRolesInput{})
	apiError(t, err, "AccessDenied")

	// The source identity cannot change along a chain.
	mustDo(t, func() error {
		_, err := root.UpdateAssumeRolePolicy(ctx, &awsiam.UpdateAssumeRolePolicyInput{RoleName: aws.String("tagged"),
			PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::123456789012:root","arn:aws:iam::123456789012:role/tagged"]},"Action":["sts:AssumeRole","sts:TagSession","sts:SetSourceIdentity"]}]}`)})
		return err
	})
	mustDo(t, func() error {
		_, err := root.PutRolePolicy(ctx, &awsiam.PutRolePolicyInput{RoleName: aws.String("tagged"), PolicyName: aws.String("chain"),
			PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sts:AssumeRole","sts:SetSourceIdentity"],"Resource":"*"}]}`)})
		return err
	})
	_, err = assume(hpc, nil, aws.String("mallory"))
	apiError(t, err, "AccessDenied")
	chained, err := assume(hpc, nil, nil)
	if err != nil {
		t.Fatalf("chaining without changing the source identity: %v", err)
	}
	// Session tags pass on along a chain only when transitive: the chained session has no team.
	_, err = ts.iam(chained).ListRoles(ctx, &awsiam.ListRolesInput{})
	apiError(t, err, "AccessDenied")

	// Revoke sessions issued before now.
	cutoff := time.Now().UTC().Add(time.Second).Format(time.RFC3339)
	mustDo(t, func() error {
		_, err := root.PutRolePolicy(ctx, &awsiam.PutRolePolicyInput{RoleName: aws.String("tagged"), PolicyName: aws.String("AWSRevokeOlderSessions"),
			PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"DateLessThan":{"aws:TokenIssueTime":"` + cutoff + `"}}}]}`)})
		return err
	})
	_, err = ts.iam(hpc).ListRoles(ctx, &awsiam.ListRolesInput{})
	if ae := apiError(t, err, "AccessDenied"); !strings.Contains(ae.ErrorMessage(), "explicit deny") {
		t.Fatalf("revoked session: %s", ae.ErrorMessage())
	}
}
