package server

import (
	"context"
	"encoding/xml"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	sm "github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// startServerIn serves an iamd for the region: its default account is of the region's
// partition.
func startServerIn(t *testing.T, dir, region string, opts ...func(*Config)) *testServer {
	t.Helper()
	return startServerAt(t, dir, time.Now, append([]func(*Config){func(c *Config) { c.Region = region }}, opts...)...)
}

// clientsIn are SDK clients signing for the region.
func (ts *testServer) iamIn(creds aws.Credentials, region string) *awsiam.Client {
	cfg := ts.config(creds)
	cfg.Region = region
	return awsiam.NewFromConfig(cfg)
}

func (ts *testServer) stsIn(creds aws.Credentials, region string) *sts.Client {
	cfg := ts.config(creds)
	cfg.Region = region
	return sts.NewFromConfig(cfg)
}

// An iamd serving a region of another partition answers, in every API, with that
// partition's ARNs, and its policies name that partition's resources.
func TestPartitionARNs(t *testing.T) {
	for _, tc := range []struct{ region, partition string }{
		{"cn-north-1", "aws-cn"},
		{"us-gov-west-1", "aws-us-gov"},
	} {
		t.Run(tc.partition, func(t *testing.T) {
			audit := &syncBuffer{}
			ts := startServerIn(t, "", tc.region, func(c *Config) { c.Audit = audit })
			ctx := context.Background()
			p := "arn:" + tc.partition + ":"
			acct := DefaultAccountID
			c := ts.iamIn(ts.root, tc.region)
			st := ts.stsIn(ts.root, tc.region)

			id, err := st.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
			if err != nil {
				t.Fatal(err)
			}
			if got, want := aws.ToString(id.Arn), p+"iam::"+acct+":root"; got != want {
				t.Fatalf("GetCallerIdentity Arn %s, want %s", got, want)
			}

			trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + p + `iam::` + acct + `:root"},"Action":"sts:AssumeRole"}]}`
			role, err := c.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("Tower"), Path: aws.String("/hpc/"), AssumeRolePolicyDocument: aws.String(trust)})
			if err != nil {
				t.Fatal(err)
			}
			if got, want := aws.ToString(role.Role.Arn), p+"iam::"+acct+":role/hpc/Tower"; got != want {
				t.Fatalf("CreateRole Arn %s, want %s", got, want)
			}
			user, err := c.CreateUser(ctx, &awsiam.CreateUserInput{UserName: aws.String("ada")})
			if err != nil {
				t.Fatal(err)
			}
			if got, want := aws.ToString(user.User.Arn), p+"iam::"+acct+":user/ada"; got != want {
				t.Fatalf("CreateUser Arn %s, want %s", got, want)
			}

			// A trust policy may not name a principal of another partition: no such user exists.
			other := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + acct + `:user/ada"},"Action":"sts:AssumeRole"}]}`
			_, err = c.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("Other"), AssumeRolePolicyDocument: aws.String(other)})
			apiError(t, err, "MalformedPolicyDocument")
			otherRoot := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + acct + `:root"},"Action":"sts:AssumeRole"}]}`
			_, err = c.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("Other"), AssumeRolePolicyDocument: aws.String(otherRoot)})
			apiError(t, err, "MalformedPolicyDocument")
			if _, err := c.GetRole(ctx, &awsiam.GetRoleInput{RoleName: aws.String("Other")}); err == nil {
				t.Fatal("a refused CreateRole made the role")
			}

			// AWS managed policies are the partition's.
			readOnly := p + "iam::aws:policy/ReadOnlyAccess"
			if _, err := c.AttachRolePolicy(ctx, &awsiam.AttachRolePolicyInput{RoleName: aws.String("Tower"), PolicyArn: aws.String(readOnly)}); err != nil {
				t.Fatal(err)
			}
			_, err = c.AttachRolePolicy(ctx, &awsiam.AttachRolePolicyInput{RoleName: aws.String("Tower"), PolicyArn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")})
			apiError(t, err, "NoSuchEntity")
			attached, err := c.ListAttachedRolePolicies(ctx, &awsiam.ListAttachedRolePoliciesInput{RoleName: aws.String("Tower")})
			if err != nil {
				t.Fatal(err)
			}
			if len(attached.AttachedPolicies) != 1 || aws.ToString(attached.AttachedPolicies[0].PolicyArn) != readOnly {
				t.Fatalf("attached %+v, want only %s", attached.AttachedPolicies, readOnly)
			}
			got, err := c.GetPolicy(ctx, &awsiam.GetPolicyInput{PolicyArn: aws.String(readOnly)})
			if err != nil {
				t.Fatal(err)
			}
			if aws.ToString(got.Policy.Arn) != readOnly || aws.ToInt32(got.Policy.AttachmentCount) != 1 {
				t.Fatalf("GetPolicy %s (%d attachments), want %s attached once", aws.ToString(got.Policy.Arn), aws.ToInt32(got.Policy.AttachmentCount), readOnly)
			}
			list, err := c.ListPolicies(ctx, &awsiam.ListPoliciesInput{Scope: "AWS", PathPrefix: aws.String("/job-function/"), MaxItems: aws.Int32(1)})
			if err != nil {
				t.Fatal(err)
			}
			if len(list.Policies) != 1 || !strings.HasPrefix(aws.ToString(list.Policies[0].Arn), p+"iam::aws:policy/job-function/") {
				t.Fatalf("ListPolicies %+v: want the partition's AWS managed policies", list.Policies)
			}

			// Sessions are the partition's.
			out, err := st.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: role.Role.Arn, RoleSessionName: aws.String("s1")})
			if err != nil {
				t.Fatal(err)
			}
			if got, want := aws.ToString(out.AssumedRoleUser.Arn), p+"sts::"+acct+":assumed-role/Tower/s1"; got != want {
				t.Fatalf("AssumeRole Arn %s, want %s", got, want)
			}
			_, err = st.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::" + acct + ":role/hpc/Tower"), RoleSessionName: aws.String("s2")})
			apiError(t, err, "AccessDenied")
			sess := aws.Credentials{AccessKeyID: aws.ToString(out.Credentials.AccessKeyId), SecretAccessKey: aws.ToString(out.Credentials.SecretAccessKey), SessionToken: aws.ToString(out.Credentials.SessionToken)}
			id, err = ts.stsIn(sess, tc.region).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
			if err != nil {
				t.Fatal(err)
			}
			if aws.ToString(id.Arn) != aws.ToString(out.AssumedRoleUser.Arn) {
				t.Fatalf("the session is %s, want %s", aws.ToString(id.Arn), aws.ToString(out.AssumedRoleUser.Arn))
			}
			// The session's ReadOnlyAccess (the partition's copy) lets it read IAM.
			if _, err := ts.iamIn(sess, tc.region).GetRole(ctx, &awsiam.GetRoleInput{RoleName: aws.String("Tower")}); err != nil {
				t.Fatal(err)
			}
			fed, err := st.GetFederationToken(ctx, &sts.GetFederationTokenInput{Name: aws.String("bob")})
			if err != nil {
				t.Fatal(err)
			}
			if got, want := aws.ToString(fed.FederatedUser.Arn), p+"sts::"+acct+":federated-user/bob"; got != want {
				t.Fatalf("GetFederationToken Arn %s, want %s", got, want)
			}

			// A policy naming the aws partition's ARN does not match this partition's role.
			key, err := c.CreateAccessKey(ctx, &awsiam.CreateAccessKeyInput{UserName: aws.String("ada")})
			if err != nil {
				t.Fatal(err)
			}
			ada := ts.iamIn(aws.Credentials{AccessKeyID: aws.ToString(key.AccessKey.AccessKeyId), SecretAccessKey: aws.ToString(key.AccessKey.SecretAccessKey)}, tc.region)
			putPolicy := func(resource string) {
				t.Helper()
				doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetRole","Resource":"` + resource + `"}]}`
				if _, err := c.PutUserPolicy(ctx, &awsiam.PutUserPolicyInput{UserName: aws.String("ada"), PolicyName: aws.String("p"), PolicyDocument: aws.String(doc)}); err != nil {
					t.Fatal(err)
				}
			}
			putPolicy("arn:aws:iam::" + acct + ":role/hpc/Tower")
			_, err = ada.GetRole(ctx, &awsiam.GetRoleInput{RoleName: aws.String("Tower")})
			ae := apiError(t, err, "AccessDenied")
			if want := "User: " + p + "iam::" + acct + ":user/ada is not authorized to perform: iam:GetRole on resource: " + p + "iam::" + acct + ":role/hpc/Tower"; !strings.HasPrefix(ae.ErrorMessage(), want) {
				t.Fatalf("denial %q, want %q...", ae.ErrorMessage(), want)
			}
			putPolicy(p + "iam::" + acct + ":role/hpc/Tower")
			if _, err := ada.GetRole(ctx, &awsiam.GetRoleInput{RoleName: aws.String("Tower")}); err != nil {
				t.Fatal(err)
			}

			// Secrets Manager's ARNs are the partition's; an ARN of the aws partition names no secret.
			secrets := ts.smIn(ts.root, tc.region)
			sec := createSecret(t, secrets, "db", "s3cr3t")
			if want := p + "secretsmanager:" + tc.region + ":" + acct + ":secret:db-"; !strings.HasPrefix(aws.ToString(sec.ARN), want) {
				t.Fatalf("CreateSecret ARN %s, want %s...", aws.ToString(sec.ARN), want)
			}
			if got := secretString(t, secrets, aws.ToString(sec.ARN)); got != "s3cr3t" {
				t.Fatalf("value %q", got)
			}
			_, err = secrets.GetSecretValue(ctx, &sm.GetSecretValueInput{SecretId: aws.String("arn:aws" + strings.TrimPrefix(aws.ToString(sec.ARN), p[:len(p)-1]))})
			apiError(t, err, "ResourceNotFoundException")

			// The simulator's caller is the partition's too.
			sim, err := c.SimulatePrincipalPolicy(ctx, &awsiam.SimulatePrincipalPolicyInput{PolicySourceArn: user.User.Arn, ActionNames: []string{"iam:GetRole"}, ResourceArns: []string{p + "iam::" + acct + ":role/hpc/Tower", "arn:aws:iam::" + acct + ":role/hpc/Tower"}})
			if err != nil {
				t.Fatal(err)
			}
			if len(sim.EvaluationResults) != 2 || sim.EvaluationResults[0].EvalDecision != "allowed" || sim.EvaluationResults[1].EvalDecision != "implicitDeny" {
				t.Fatalf("simulation %+v: want the partition's role allowed, the aws partition's not", sim.EvaluationResults)
			}

			// Audit records name the partition's callers and resources.
			if !strings.Contains(audit.text(), `"`+p+`iam::`+acct+`:user/ada"`) || strings.Contains(audit.text(), `"arn:aws:iam::`+acct+`:root"`) {
				t.Fatalf("audit records do not name the partition's principals:\n%s", audit.text())
			}
		})
	}
}

// A request signed for a region of another partition than the key's account is refused as
// AWS refuses a credential it does not hold; IAM takes only its partition's signing region.
func TestPartitionOfTheSigningRegion(t *testing.T) {
	ts := startServerIn(t, "", "cn-north-1")
	ctx := context.Background()
	_, err := ts.stsIn(ts.root, "us-east-1").GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	apiError(t, err, "InvalidClientTokenId")
	_, err = ts.iamIn(ts.root, "us-east-1").ListUsers(ctx, &awsiam.ListUsersInput{})
	apiError(t, err, "InvalidClientTokenId")
	_, err = ts.iamIn(ts.root, "cn-northwest-1").ListUsers(ctx, &awsiam.ListUsersInput{})
	ae := apiError(t, err, "SignatureDoesNotMatch")
	if !strings.Contains(ae.ErrorMessage(), "Credential should be scoped to a valid region, not 'cn-northwest-1'.") {
		t.Fatalf("message %q", ae.ErrorMessage())
	}
	// STS is regional: both China regions take the account's key.
	for _, r := range []string{"cn-north-1", "cn-northwest-1"} {
		if _, err := ts.stsIn(ts.root, r).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
			t.Fatalf("%s: %v", r, err)
		}
	}
	// A session of the partition is refused elsewhere too.
	tok, err := ts.stsIn(ts.root, "cn-north-1").GetSessionToken(ctx, &sts.GetSessionTokenInput{})
	if err != nil {
		t.Fatal(err)
	}
	sess := aws.Credentials{AccessKeyID: aws.ToString(tok.Credentials.AccessKeyId), SecretAccessKey: aws.ToString(tok.Credentials.SecretAccessKey), SessionToken: aws.ToString(tok.Credentials.SessionToken)}
	_, err = ts.stsIn(sess, "eu-west-1").GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	apiError(t, err, "InvalidClientTokenId")
	id, err := ts.stsIn(sess, "cn-northwest-1").GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if got := aws.ToString(id.Arn); got != "arn:aws-cn:iam::"+DefaultAccountID+":root" {
		t.Fatalf("session of %s", got)
	}
}

// The default account keeps its partition: a data directory of an aws account is not served
// for a China region.
func TestPartitionOfTheDefaultAccountIsKept(t *testing.T) {
	dir := t.TempDir()
	ts := startServer(t, dir)
	ts.stop()
	_, err := New(context.Background(), Config{Addr: "127.0.0.1:0", DataDir: dir, Region: "cn-north-1"})
	if err == nil || !strings.Contains(err.Error(), "aws partition") {
		t.Fatalf("New for cn-north-1 over an aws account: %v", err)
	}
}

// iamd's CreateAccount makes an account of the partition it names, or of its region's, or
// the creator's; the account's key then works in its partition only.
func TestCreateAccountInPartition(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	create := func(id string, params url.Values) (aws.Credentials, error) {
		params.Set("Action", "CreateAccount")
		params.Set("AccountId", id)
		body, err := ts.adminCall(ts.root, params)
		if err != nil {
			return aws.Credentials{}, err
		}
		var res struct {
			ID     string `xml:"CreateAccountResult>AccessKeyId"`
			Secret string `xml:"CreateAccountResult>SecretAccessKey"`
		}
		if err := xml.Unmarshal(body, &res); err != nil {
			t.Fatal(err)
		}
		return aws.Credentials{AccessKeyID: res.ID, SecretAccessKey: res.Secret}, nil
	}
	gov, err := create("111111111111", url.Values{"Partition": {"aws-us-gov"}})
	if err != nil {
		t.Fatal(err)
	}
	cn, err := create("222222222222", url.Values{"Region": {"cn-northwest-1"}})
	if err != nil {
		t.Fatal(err)
	}
	plain, err := create("333333333333", url.Values{})
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []url.Values{{"Partition": {"aws-moon"}}, {"Partition": {"aws-cn"}, "Region": {"us-gov-west-1"}}} {
		if _, err := create("444444444444", bad); err == nil || !strings.Contains(err.Error(), "ValidationError") {
			t.Fatalf("CreateAccount %v: %v, want ValidationError", bad, err)
		}
	}
	if _, err := ts.srv.iam.Account(ctx, "444444444444"); err == nil {
		t.Fatal("a refused CreateAccount made the account")
	}
	for _, tc := range []struct {
		creds          aws.Credentials
		region, wrong  string
		account, wantP string
	}{
		{gov, "us-gov-east-1", "us-east-1", "111111111111", "aws-us-gov"},
		{cn, "cn-north-1", "us-gov-west-1", "222222222222", "aws-cn"},
		{plain, "eu-west-1", "cn-north-1", "333333333333", "aws"},
	} {
		id, err := ts.stsIn(tc.creds, tc.region).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := aws.ToString(id.Arn), "arn:"+tc.wantP+":iam::"+tc.account+":root"; got != want {
			t.Fatalf("caller %s, want %s", got, want)
		}
		_, err = ts.stsIn(tc.creds, tc.wrong).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		apiError(t, err, "InvalidClientTokenId")
	}
}
