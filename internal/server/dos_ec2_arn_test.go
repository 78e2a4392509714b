package server

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsec2 "github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// EC2 authorizes on the real ARNs of what a call touches: the stored instance's (its
// account and region), the instance profile's with its path (ec2:InstanceProfile) and its
// role's with its path (iam:PassRole). A Deny on a real ARN refuses; an Allow on an ARN
// built from the names alone (no path, another region) grants nothing.
func TestEC2AuthorizesOnRealARNs(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	const (
		acct        = "123456789012"
		roleARN     = "arn:aws:iam::" + acct + ":role/pc/vm-role"
		bareRole    = "arn:aws:iam::" + acct + ":role/vm-role"
		profileARN  = "arn:aws:iam::" + acct + ":instance-profile/pc/vm-profile"
		bareProfile = "arn:aws:iam::" + acct + ":instance-profile/vm-profile"
	)
	iamc := ts.iam(ts.root)
	mustDo(t, func() error {
		_, err := iamc.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("vm-role"), Path: aws.String("/pc/"), AssumeRolePolicyDocument: aws.String(ec2Trust)})
		return err
	})
	mustDo(t, func() error {
		out, err := iamc.CreateInstanceProfile(ctx, &awsiam.CreateInstanceProfileInput{InstanceProfileName: aws.String("vm-profile"), Path: aws.String("/pc/")})
		if err == nil && aws.ToString(out.InstanceProfile.Arn) != profileARN {
			t.Fatalf("profile ARN %s", aws.ToString(out.InstanceProfile.Arn))
		}
		return err
	})
	mustDo(t, func() error {
		_, err := iamc.AddRoleToInstanceProfile(ctx, &awsiam.AddRoleToInstanceProfileInput{InstanceProfileName: aws.String("vm-profile"), RoleName: aws.String("vm-role")})
		return err
	})
	c := ts.ec2(userWithKey(t, ts, "launcher", ""))
	put := func(statements ...string) {
		t.Helper()
		doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:*","Resource":"*"},` + strings.Join(statements, ",") + `]}`
		mustDo(t, func() error {
			_, err := iamc.PutUserPolicy(ctx, &awsiam.PutUserPolicyInput{UserName: aws.String("launcher"), PolicyName: aws.String("p"), PolicyDocument: aws.String(doc)})
			return err
		})
	}
	// refusedOn asserts an UnauthorizedOperation whose decoded message names the action and
	// resource.
	refusedOn := func(err error, action, resource string) {
		t.Helper()
		ae := apiError(t, err, "UnauthorizedOperation")
		_, encoded, ok := strings.Cut(ae.ErrorMessage(), "Encoded authorization failure message: ")
		if !ok {
			t.Fatalf("message %q", ae.ErrorMessage())
		}
		out, err := ts.sts(ts.root).DecodeAuthorizationMessage(ctx, &sts.DecodeAuthorizationMessageInput{EncodedMessage: aws.String(encoded)})
		if err != nil {
			t.Fatal(err)
		}
		var m struct {
			Context struct{ Action, Resource string } `json:"context"`
		}
		if err := json.Unmarshal([]byte(aws.ToString(out.DecodedMessage)), &m); err != nil {
			t.Fatal(err)
		}
		if m.Context.Action != action || m.Context.Resource != resource {
			t.Fatalf("refused %s on %s, want %s on %s", m.Context.Action, m.Context.Resource, action, resource)
		}
	}
	runWith := func(profile *ec2types.IamInstanceProfileSpecification) (*awsec2.RunInstancesOutput, error) {
		return c.RunInstances(ctx, &awsec2.RunInstancesInput{ImageId: aws.String("ami-0abcdef1234567890"), InstanceType: ec2types.InstanceTypeT3Micro,
			MinCount: aws.Int32(1), MaxCount: aws.Int32(1), IamInstanceProfile: profile})
	}
	run := func() (*awsec2.RunInstancesOutput, error) {
		return runWith(&ec2types.IamInstanceProfileSpecification{Name: aws.String("vm-profile")})
	}
	passOn := func(effect, resource string) string {
		return `{"Effect":"` + effect + `","Action":"iam:PassRole","Resource":"` + resource + `"}`
	}

	// iam:PassRole is asked of the role's real ARN, with its path.
	put(passOn("Allow", bareRole))
	_, err := run()
	refusedOn(err, "iam:PassRole", roleARN)
	put(passOn("Allow", "*"), passOn("Deny", roleARN))
	_, err = run()
	refusedOn(err, "iam:PassRole", roleARN)
	put(passOn("Allow", roleARN))
	out, err := run()
	if err != nil {
		t.Fatal(err)
	}
	if got := aws.ToString(out.Instances[0].IamInstanceProfile.Arn); got != profileARN {
		t.Fatalf("instance's profile %s", got)
	}
	// The profile named by an ARN without its path is not the profile.
	_, err = runWith(&ec2types.IamInstanceProfileSpecification{Arn: aws.String(bareProfile)})
	apiError(t, err, "InvalidParameterValue")

	// ec2:InstanceProfile is the profile's real ARN.
	onProfile := func(arn string) string {
		return `{"Effect":"Deny","Action":"ec2:RunInstances","Resource":"*","Condition":{"ArnEquals":{"ec2:InstanceProfile":"` + arn + `"}}}`
	}
	put(passOn("Allow", roleARN), onProfile(profileARN))
	_, err = run()
	refusedOn(err, "ec2:RunInstances", "arn:aws:ec2:us-east-1:"+acct+":instance/*")
	put(passOn("Allow", roleARN), onProfile(bareProfile))
	if _, err := run(); err != nil {
		t.Fatalf("a Deny on the path-less profile ARN refused the launch: %v", err)
	}

	// An existing instance: the association calls pass the role's real ARN.
	plain, err := runWith(nil)
	if err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(plain.Instances[0].InstanceId)
	associate := func() (*awsec2.AssociateIamInstanceProfileOutput, error) {
		return c.AssociateIamInstanceProfile(ctx, &awsec2.AssociateIamInstanceProfileInput{InstanceId: aws.String(id),
			IamInstanceProfile: &ec2types.IamInstanceProfileSpecification{Arn: aws.String(profileARN)}})
	}
	put(passOn("Allow", bareRole))
	_, err = associate()
	refusedOn(err, "iam:PassRole", roleARN)
	put(passOn("Allow", roleARN))
	assoc, err := associate()
	if err != nil {
		t.Fatal(err)
	}
	put(passOn("Allow", bareRole))
	_, err = c.ReplaceIamInstanceProfileAssociation(ctx, &awsec2.ReplaceIamInstanceProfileAssociationInput{
		AssociationId: assoc.IamInstanceProfileAssociation.AssociationId, IamInstanceProfile: &ec2types.IamInstanceProfileSpecification{Name: aws.String("vm-profile")}})
	refusedOn(err, "iam:PassRole", roleARN)

	// Actions on the instance are asked of its real ARN: its account and region.
	instanceARN := "arn:aws:ec2:us-east-1:" + acct + ":instance/" + id
	onInstance := func(effect, action, arn string) string {
		return `{"Effect":"` + effect + `","Action":"` + action + `","Resource":"` + arn + `"}`
	}
	put(onInstance("Deny", "ec2:StopInstances", instanceARN))
	_, err = c.StopInstances(ctx, &awsec2.StopInstancesInput{InstanceIds: []string{id}})
	refusedOn(err, "ec2:StopInstances", instanceARN)
	put(onInstance("Deny", "ec2:ModifyInstanceMetadataOptions", instanceARN))
	_, err = c.ModifyInstanceMetadataOptions(ctx, &awsec2.ModifyInstanceMetadataOptionsInput{InstanceId: aws.String(id), HttpTokens: ec2types.HttpTokensStateRequired})
	refusedOn(err, "ec2:ModifyInstanceMetadataOptions", instanceARN)
	put(onInstance("Deny", "ec2:DisassociateIamInstanceProfile", instanceARN))
	_, err = c.DisassociateIamInstanceProfile(ctx, &awsec2.DisassociateIamInstanceProfileInput{AssociationId: assoc.IamInstanceProfileAssociation.AssociationId})
	refusedOn(err, "ec2:DisassociateIamInstanceProfile", instanceARN)

	// With only an Allow on the instance in another region (ec2:* gone), nothing is granted.
	mustDo(t, func() error {
		_, err := iamc.PutUserPolicy(ctx, &awsiam.PutUserPolicyInput{UserName: aws.String("launcher"), PolicyName: aws.String("p"),
			PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[` + onInstance("Allow", "ec2:TerminateInstances", "arn:aws:ec2:us-west-2:"+acct+":instance/"+id) + `]}`)})
		return err
	})
	_, err = c.TerminateInstances(ctx, &awsec2.TerminateInstancesInput{InstanceIds: []string{id}})
	refusedOn(err, "ec2:TerminateInstances", instanceARN)
	mustDo(t, func() error {
		_, err := iamc.PutUserPolicy(ctx, &awsiam.PutUserPolicyInput{UserName: aws.String("launcher"), PolicyName: aws.String("p"),
			PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[` + onInstance("Allow", "ec2:TerminateInstances", instanceARN) + `]}`)})
		return err
	})
	if _, err := c.TerminateInstances(ctx, &awsec2.TerminateInstancesInput{InstanceIds: []string{id}}); err != nil {
		t.Fatalf("an Allow on the instance's ARN did not grant: %v", err)
	}
}
