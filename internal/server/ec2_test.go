package server

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsec2 "github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/iamd-dev/iamd/internal/awsclient"
	"github.com/iamd-dev/iamd/internal/docstore"
	"github.com/iamd-dev/iamd/internal/sigv4"
)

const ec2Trust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`

var instanceIDPattern = regexp.MustCompile(`^i-0[0-9a-f]{16}$`)

func (ts *testServer) ec2(creds aws.Credentials) *awsec2.Client {
	return awsec2.NewFromConfig(ts.config(creds))
}

// machineRole creates (as root) a role with the trust policy and an inline policy, and an
// instance profile of the same name holding it; it returns the profile's ARN.
func machineRole(t *testing.T, ts *testServer, name, trust, policy string) string {
	t.Helper()
	ctx := context.Background()
	c := ts.iam(ts.root)
	mustDo(t, func() error {
		_, err := c.CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(trust)})
		return err
	})
	if policy != "" {
		mustDo(t, func() error {
			_, err := c.PutRolePolicy(ctx, &awsiam.PutRolePolicyInput{RoleName: aws.String(name), PolicyName: aws.String("p"), PolicyDocument: aws.String(policy)})
			return err
		})
	}
	var arn string
	mustDo(t, func() error {
		out, err := c.CreateInstanceProfile(ctx, &awsiam.CreateInstanceProfileInput{InstanceProfileName: aws.String(name)})
		if err == nil {
			arn = aws.ToString(out.InstanceProfile.Arn)
		}
		return err
	})
	mustDo(t, func() error {
		_, err := c.AddRoleToInstanceProfile(ctx, &awsiam.AddRoleToInstanceProfileInput{InstanceProfileName: aws.String(name), RoleName: aws.String(name)})
		return err
	})
	return arn
}

// launch runs one instance with the profile (by name, "" for none) as root.
func launch(t *testing.T, ts *testServer, profile string, opts ...func(*awsec2.RunInstancesInput)) ec2types.Instance {
	t.Helper()
	in := &awsec2.RunInstancesInput{ImageId: aws.String("ami-0abcdef1234567890"), InstanceType: ec2types.InstanceTypeT3Micro,
		MinCount: aws.Int32(1), MaxCount: aws.Int32(1)}
	if profile != "" {
		in.IamInstanceProfile = &ec2types.IamInstanceProfileSpecification{Name: aws.String(profile)}
	}
	for _, o := range opts {
		o(in)
	}
	out, err := ts.ec2(ts.root).RunInstances(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	return out.Instances[0]
}

func describe(t *testing.T, c *awsec2.Client, in *awsec2.DescribeInstancesInput) []ec2types.Instance {
	t.Helper()
	out, err := c.DescribeInstances(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	var list []ec2types.Instance
	for _, r := range out.Reservations {
		list = append(list, r.Instances...)
	}
	return list
}

func ids(list []ec2types.Instance) string {
	var out []string
	for _, i := range list {
		out = append(out, aws.ToString(i.InstanceId))
	}
	return strings.Join(out, ",")
}

func TestRunDescribeTerminate(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	profileARN := machineRole(t, ts, "Tower-Role", ec2Trust, "")
	c := ts.ec2(ts.root)

	out, err := c.RunInstances(ctx, &awsec2.RunInstancesInput{
		ImageId: aws.String("ami-0abcdef1234567890"), InstanceType: ec2types.InstanceTypeT3Micro, MinCount: aws.Int32(2), MaxCount: aws.Int32(2),
		IamInstanceProfile: &ec2types.IamInstanceProfileSpecification{Arn: aws.String(profileARN)},
		MetadataOptions:    &ec2types.InstanceMetadataOptionsRequest{HttpTokens: ec2types.HttpTokensStateRequired, HttpPutResponseHopLimit: aws.Int32(2)},
		TagSpecifications: []ec2types.TagSpecification{{ResourceType: ec2types.ResourceTypeInstance, Tags: []ec2types.Tag{
			{Key: aws.String("Name"), Value: aws.String("tower")}, {Key: aws.String("team"), Value: aws.String("seqera")}}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(aws.ToString(out.ReservationId), "r-0") || aws.ToString(out.OwnerId) != "123456789012" || len(out.Instances) != 2 {
		t.Fatalf("reservation %+v", out)
	}
	first := out.Instances[0]
	if !instanceIDPattern.MatchString(aws.ToString(first.InstanceId)) || first.State.Name != ec2types.InstanceStateNamePending || aws.ToInt32(first.State.Code) != 0 {
		t.Fatalf("launched %s in state %+v", aws.ToString(first.InstanceId), first.State)
	}
	if aws.ToString(first.IamInstanceProfile.Arn) != profileARN || !strings.HasPrefix(aws.ToString(first.IamInstanceProfile.Id), "AIPA") {
		t.Fatalf("profile %+v", first.IamInstanceProfile)
	}
	if first.MetadataOptions.HttpTokens != ec2types.HttpTokensStateRequired || aws.ToInt32(first.MetadataOptions.HttpPutResponseHopLimit) != 2 ||
		first.MetadataOptions.HttpEndpoint != ec2types.InstanceMetadataEndpointStateEnabled || first.InstanceType != ec2types.InstanceTypeT3Micro {
		t.Fatalf("metadata options %+v", first.MetadataOptions)
	}
	if first.LaunchTime == nil || aws.ToString(first.Placement.AvailabilityZone) != "us-east-1a" || len(first.Tags) != 2 {
		t.Fatalf("instance %+v", first)
	}
	a, b := aws.ToString(out.Instances[0].InstanceId), aws.ToString(out.Instances[1].InstanceId)
	other := launch(t, ts, "", func(in *awsec2.RunInstancesInput) { in.InstanceType = ec2types.InstanceTypeM5Large })
	o := aws.ToString(other.InstanceId)

	// By id, grouped by reservation; running now.
	got := describe(t, c, &awsec2.DescribeInstancesInput{InstanceIds: []string{a, o}})
	if len(got) != 2 || got[0].State.Name != ec2types.InstanceStateNameRunning || aws.ToInt32(got[0].State.Code) != 16 {
		t.Fatalf("described %+v", got)
	}
	res, err := c.DescribeInstances(ctx, &awsec2.DescribeInstancesInput{})
	if err != nil || len(res.Reservations) != 2 {
		t.Fatalf("reservations %v %v", res, err)
	}

	// Filters.
	for _, tc := range []struct {
		name   string
		values []string
		want   int
	}{
		{"tag:Name", []string{"tower"}, 2}, {"tag:Name", []string{"tow*"}, 2}, {"tag-key", []string{"team"}, 2},
		{"instance-state-name", []string{"running"}, 3}, {"instance-state-name", []string{"stopped"}, 0},
		{"iam-instance-profile.arn", []string{profileARN}, 2}, {"image-id", []string{"ami-0abcdef1234567890"}, 3},
		{"instance-type", []string{"m5.large"}, 1}, {"instance-type", []string{"m5.large", "t3.micro"}, 3}, {"instance-id", []string{b}, 1},
	} {
		list := describe(t, c, &awsec2.DescribeInstancesInput{Filters: []ec2types.Filter{{Name: aws.String(tc.name), Values: tc.values}}})
		if len(list) != tc.want {
			t.Errorf("filter %s=%v: %d instances (%s), want %d", tc.name, tc.values, len(list), ids(list), tc.want)
		}
	}
	list := describe(t, c, &awsec2.DescribeInstancesInput{Filters: []ec2types.Filter{
		{Name: aws.String("tag:team"), Values: []string{"seqera"}}, {Name: aws.String("instance-id"), Values: []string{a}}}})
	if ids(list) != a {
		t.Fatalf("two filters: %s", ids(list))
	}

	// Errors, as EC2 words them.
	_, err = c.DescribeInstances(ctx, &awsec2.DescribeInstancesInput{InstanceIds: []string{"i-0000000000000000f"}})
	if ae := apiError(t, err, "InvalidInstanceID.NotFound"); ae.ErrorMessage() != "The instance ID 'i-0000000000000000f' does not exist" || httpStatus(err) != 400 {
		t.Fatalf("%s (%d)", ae.ErrorMessage(), httpStatus(err))
	}
	_, err = c.DescribeInstances(ctx, &awsec2.DescribeInstancesInput{InstanceIds: []string{"tower"}})
	if ae := apiError(t, err, "InvalidInstanceID.Malformed"); ae.ErrorMessage() != `Invalid id: "tower"` {
		t.Fatal(ae.ErrorMessage())
	}
	_, err = c.DescribeInstances(ctx, &awsec2.DescribeInstancesInput{Filters: []ec2types.Filter{{Name: aws.String("colour"), Values: []string{"x"}}}})
	if ae := apiError(t, err, "InvalidParameterValue"); ae.ErrorMessage() != "The filter 'colour' is invalid" {
		t.Fatal(ae.ErrorMessage())
	}
	_, err = c.DescribeInstances(ctx, &awsec2.DescribeInstancesInput{InstanceIds: []string{a}, MaxResults: aws.Int32(5)})
	apiError(t, err, "InvalidParameterCombination")
	_, err = c.RunInstances(ctx, &awsec2.RunInstancesInput{ImageId: aws.String("ami-0abcdef1234567890"), MinCount: aws.Int32(1), MaxCount: aws.Int32(1),
		MetadataOptions: &ec2types.InstanceMetadataOptionsRequest{HttpPutResponseHopLimit: aws.Int32(65)}})
	apiError(t, err, "InvalidParameterValue")
	_, err = c.RunInstances(ctx, &awsec2.RunInstancesInput{ImageId: aws.String("ami-0abcdef1234567890"), MinCount: aws.Int32(1), MaxCount: aws.Int32(1),
		IamInstanceProfile: &ec2types.IamInstanceProfileSpecification{Name: aws.String("Nope")}})
	if ae := apiError(t, err, "InvalidParameterValue"); !strings.Contains(ae.ErrorMessage(), "Invalid IAM Instance Profile name") {
		t.Fatal(ae.ErrorMessage())
	}
	_, err = c.RunInstances(ctx, &awsec2.RunInstancesInput{ImageId: aws.String("tower"), MinCount: aws.Int32(1), MaxCount: aws.Int32(1)})
	apiError(t, err, "InvalidAMIID.Malformed")
	if n := len(describe(t, c, &awsec2.DescribeInstancesInput{})); n != 3 {
		t.Fatalf("failed launches changed something: %d instances", n)
	}

	// Terminate: shutting-down now, terminated afterwards and when terminated again.
	term, err := c.TerminateInstances(ctx, &awsec2.TerminateInstancesInput{InstanceIds: []string{a}})
	if err != nil {
		t.Fatal(err)
	}
	ch := term.TerminatingInstances[0]
	if aws.ToString(ch.InstanceId) != a || ch.CurrentState.Name != ec2types.InstanceStateNameShuttingDown || aws.ToInt32(ch.CurrentState.Code) != 32 ||
		ch.PreviousState.Name != ec2types.InstanceStateNameRunning {
		t.Fatalf("terminate %+v %+v", ch.CurrentState, ch.PreviousState)
	}
	got = describe(t, c, &awsec2.DescribeInstancesInput{InstanceIds: []string{a}})
	if got[0].State.Name != ec2types.InstanceStateNameTerminated || aws.ToInt32(got[0].State.Code) != 48 || got[0].StateReason == nil {
		t.Fatalf("after terminate %+v", got[0].State)
	}
	term, err = c.TerminateInstances(ctx, &awsec2.TerminateInstancesInput{InstanceIds: []string{a}})
	if err != nil || term.TerminatingInstances[0].CurrentState.Name != ec2types.InstanceStateNameTerminated ||
		term.TerminatingInstances[0].PreviousState.Name != ec2types.InstanceStateNameTerminated {
		t.Fatalf("terminate again %+v %v", term, err)
	}
	_, err = c.TerminateInstances(ctx, &awsec2.TerminateInstancesInput{InstanceIds: []string{b, "i-0000000000000000f", "i-0000000000000000e"}})
	if ae := apiError(t, err, "InvalidInstanceID.NotFound"); ae.ErrorMessage() != "The instance IDs 'i-0000000000000000f, i-0000000000000000e' do not exist" {
		t.Fatal(ae.ErrorMessage())
	}
	if got := describe(t, c, &awsec2.DescribeInstancesInput{InstanceIds: []string{b}}); got[0].State.Name != ec2types.InstanceStateNameRunning {
		t.Fatal("a failed terminate changed an instance")
	}
	if list := describe(t, c, &awsec2.DescribeInstancesInput{Filters: []ec2types.Filter{{Name: aws.String("instance-state-name"), Values: []string{"running"}}}}); len(list) != 2 {
		t.Fatalf("running after terminate: %s", ids(list))
	}
}

func TestDescribeInstancesPages(t *testing.T) {
	ts := startServer(t, "")
	c := ts.ec2(ts.root)
	_, err := c.RunInstances(context.Background(), &awsec2.RunInstancesInput{ImageId: aws.String("ami-0abcdef1234567890"), MinCount: aws.Int32(7), MaxCount: aws.Int32(7)})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	pages := 0
	p := awsec2.NewDescribeInstancesPaginator(c, &awsec2.DescribeInstancesInput{MaxResults: aws.Int32(5)})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, r := range page.Reservations {
			for _, i := range r.Instances {
				seen[aws.ToString(i.InstanceId)] = true
			}
		}
	}
	if pages != 2 || len(seen) != 7 {
		t.Fatalf("%d pages, %d instances", pages, len(seen))
	}
}

func TestInstanceProfileAssociations(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	towerARN := machineRole(t, ts, "Tower-Role", ec2Trust, "")
	otherARN := machineRole(t, ts, "Other-Role", ec2Trust, "")
	c := ts.ec2(ts.root)
	inst := launch(t, ts, "")
	id := aws.ToString(inst.InstanceId)

	assoc, err := c.AssociateIamInstanceProfile(ctx, &awsec2.AssociateIamInstanceProfileInput{InstanceId: aws.String(id),
		IamInstanceProfile: &ec2types.IamInstanceProfileSpecification{Name: aws.String("Tower-Role")}})
	if err != nil {
		t.Fatal(err)
	}
	a := assoc.IamInstanceProfileAssociation
	if !regexp.MustCompile(`^iip-assoc-0[0-9a-f]{16}$`).MatchString(aws.ToString(a.AssociationId)) || aws.ToString(a.InstanceId) != id ||
		aws.ToString(a.IamInstanceProfile.Arn) != towerARN || a.State != ec2types.IamInstanceProfileAssociationStateAssociating {
		t.Fatalf("association %+v", a)
	}
	_, err = c.AssociateIamInstanceProfile(ctx, &awsec2.AssociateIamInstanceProfileInput{InstanceId: aws.String(id),
		IamInstanceProfile: &ec2types.IamInstanceProfileSpecification{Name: aws.String("Other-Role")}})
	if ae := apiError(t, err, "IncorrectState"); ae.ErrorMessage() != "There is an existing association for instance "+id {
		t.Fatal(ae.ErrorMessage())
	}
	list, err := c.DescribeIamInstanceProfileAssociations(ctx, &awsec2.DescribeIamInstanceProfileAssociationsInput{
		Filters: []ec2types.Filter{{Name: aws.String("instance-id"), Values: []string{id}}}})
	if err != nil || len(list.IamInstanceProfileAssociations) != 1 || list.IamInstanceProfileAssociations[0].State != ec2types.IamInstanceProfileAssociationStateAssociated {
		t.Fatalf("describe associations %+v %v", list, err)
	}
	if got := describe(t, c, &awsec2.DescribeInstancesInput{InstanceIds: []string{id}}); aws.ToString(got[0].IamInstanceProfile.Arn) != towerARN {
		t.Fatalf("instance profile %+v", got[0].IamInstanceProfile)
	}

	rep, err := c.ReplaceIamInstanceProfileAssociation(ctx, &awsec2.ReplaceIamInstanceProfileAssociationInput{AssociationId: a.AssociationId,
		IamInstanceProfile: &ec2types.IamInstanceProfileSpecification{Arn: aws.String(otherARN)}})
	if err != nil {
		t.Fatal(err)
	}
	r := rep.IamInstanceProfileAssociation
	if aws.ToString(r.AssociationId) == aws.ToString(a.AssociationId) || aws.ToString(r.IamInstanceProfile.Arn) != otherARN {
		t.Fatalf("replaced %+v", r)
	}
	_, err = c.ReplaceIamInstanceProfileAssociation(ctx, &awsec2.ReplaceIamInstanceProfileAssociationInput{AssociationId: a.AssociationId,
		IamInstanceProfile: &ec2types.IamInstanceProfileSpecification{Arn: aws.String(towerARN)}})
	apiError(t, err, "InvalidAssociationID.NotFound")

	dis, err := c.DisassociateIamInstanceProfile(ctx, &awsec2.DisassociateIamInstanceProfileInput{AssociationId: r.AssociationId})
	if err != nil || dis.IamInstanceProfileAssociation.State != ec2types.IamInstanceProfileAssociationStateDisassociating {
		t.Fatalf("disassociate %+v %v", dis, err)
	}
	if got := describe(t, c, &awsec2.DescribeInstancesInput{InstanceIds: []string{id}}); got[0].IamInstanceProfile != nil {
		t.Fatalf("profile after disassociation %+v", got[0].IamInstanceProfile)
	}
	_, err = c.DisassociateIamInstanceProfile(ctx, &awsec2.DisassociateIamInstanceProfileInput{AssociationId: r.AssociationId})
	apiError(t, err, "InvalidAssociationID.NotFound")

	mod, err := c.ModifyInstanceMetadataOptions(ctx, &awsec2.ModifyInstanceMetadataOptionsInput{InstanceId: aws.String(id), HttpTokens: ec2types.HttpTokensStateRequired})
	if err != nil || mod.InstanceMetadataOptions.HttpTokens != ec2types.HttpTokensStateRequired || mod.InstanceMetadataOptions.State != ec2types.InstanceMetadataOptionsStatePending {
		t.Fatalf("modify %+v %v", mod, err)
	}
	if got := describe(t, c, &awsec2.DescribeInstancesInput{InstanceIds: []string{id}}); got[0].MetadataOptions.HttpTokens != ec2types.HttpTokensStateRequired ||
		got[0].MetadataOptions.State != ec2types.InstanceMetadataOptionsStateApplied {
		t.Fatalf("options %+v", got[0].MetadataOptions)
	}
}

// Seed 003: the director may launch VMs only with the roles it may pass; a failure carries
// an encoded message that names iam:PassRole and the role.
func TestRunInstancesNeedsPassRole(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	machineRole(t, ts, "deployed-vm", ec2Trust, "")
	director := userWithKey(t, ts, "director", "")
	root := ts.iam(ts.root)
	put := func(doc string) {
		mustDo(t, func() error {
			_, err := root.PutUserPolicy(ctx, &awsiam.PutUserPolicyInput{UserName: aws.String("director"), PolicyName: aws.String("director"), PolicyDocument: aws.String(doc)})
			return err
		})
	}
	c := ts.ec2(director)
	run := func() (*awsec2.RunInstancesOutput, error) {
		return c.RunInstances(ctx, &awsec2.RunInstancesInput{ImageId: aws.String("ami-0abcdef1234567890"), InstanceType: ec2types.InstanceTypeM3Xlarge,
			MinCount: aws.Int32(1), MaxCount: aws.Int32(1), IamInstanceProfile: &ec2types.IamInstanceProfileSpecification{Name: aws.String("deployed-vm")}})
	}
	decode := func(err error) map[string]any {
		t.Helper()
		ae := apiError(t, err, "UnauthorizedOperation")
		if httpStatus(err) != 403 {
			t.Fatalf("status %d", httpStatus(err))
		}
		const prefix = "You are not authorized to perform this operation. Encoded authorization failure message: "
		msg := ae.ErrorMessage()
		if !strings.HasPrefix(msg, prefix) {
			t.Fatalf("message %q", msg)
		}
		out, err := ts.sts(ts.root).DecodeAuthorizationMessage(ctx, &sts.DecodeAuthorizationMessageInput{EncodedMessage: aws.String(msg[len(prefix):])})
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(aws.ToString(out.DecodedMessage)), &m); err != nil {
			t.Fatal(err)
		}
		return m
	}

	// Nothing allowed: ec2:RunInstances on the instance is the first refusal.
	_, err := run()
	m := decode(err)
	ctxm := m["context"].(map[string]any)
	if ctxm["action"] != "ec2:RunInstances" || ctxm["resource"] != "arn:aws:ec2:us-east-1:123456789012:instance/*" || m["allowed"] != false {
		t.Fatalf("decoded %v", m)
	}

	// ec2 allowed, but not passing the role.
	put(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ec2:RunInstances","ec2:DescribeInstances"],"Resource":"*"}]}`)
	_, err = run()
	m = decode(err)
	ctxm = m["context"].(map[string]any)
	if ctxm["action"] != "iam:PassRole" || ctxm["resource"] != "arn:aws:iam::123456789012:role/deployed-vm" {
		t.Fatalf("decoded %v", m)
	}
	if p := ctxm["principal"].(map[string]any); p["arn"] != "arn:aws:iam::123456789012:user/director" || !strings.HasPrefix(p["id"].(string), "AIDA") {
		t.Fatalf("principal %v", p)
	}
	if !strings.Contains(toJSON(m), `"iam:PassedToService"`) {
		t.Fatalf("conditions %v", m)
	}
	if n := len(describe(t, c, &awsec2.DescribeInstancesInput{})); n != 0 {
		t.Fatalf("a refused launch left %d instances", n)
	}

	// The director's policy from the BOSH document, plus ec2: launching works; passing to
	// another service does not count.
	put(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::123456789012:role/deployed-vm",
	  "Condition":{"StringEquals":{"iam:PassedToService":"ec2.amazonaws.com"}}},
	  {"Effect":"Allow","Action":["ec2:RunInstances","ec2:DescribeInstances"],"Resource":"*"}]}`)
	out, err := run()
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.Instances[0].IamInstanceProfile.Arn) != "arn:aws:iam::123456789012:instance-profile/deployed-vm" {
		t.Fatalf("profile %+v", out.Instances[0].IamInstanceProfile)
	}

	// Conditions on the launch: only t3.micro with IMDSv2 required. As in AWS's examples, the
	// instance's keys are asked of the instance resource; the image and the network resources
	// a launch uses have none.
	put(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:RunInstances","Resource":"arn:aws:ec2:*:*:instance/*",
	  "Condition":{"StringEquals":{"ec2:InstanceType":"t3.micro","ec2:MetadataHttpTokens":"required"}}},
	  {"Effect":"Allow","Action":"ec2:RunInstances","NotResource":"arn:aws:ec2:*:*:instance/*"}]}`)
	plain := &awsec2.RunInstancesInput{ImageId: aws.String("ami-0abcdef1234567890"), InstanceType: ec2types.InstanceTypeT3Micro, MinCount: aws.Int32(1), MaxCount: aws.Int32(1)}
	_, err = c.RunInstances(ctx, plain)
	apiError(t, err, "UnauthorizedOperation")
	plain.MetadataOptions = &ec2types.InstanceMetadataOptionsRequest{HttpTokens: ec2types.HttpTokensStateRequired}
	plain.DryRun = aws.Bool(true)
	_, err = c.RunInstances(ctx, plain)
	apiError(t, err, "DryRunOperation")
	plain.DryRun = nil
	if _, err = c.RunInstances(ctx, plain); err != nil {
		t.Fatal(err)
	}
	// Tags on creation need ec2:CreateTags with ec2:CreateAction.
	plain.TagSpecifications = []ec2types.TagSpecification{{ResourceType: ec2types.ResourceTypeInstance, Tags: []ec2types.Tag{{Key: aws.String("Name"), Value: aws.String("vm")}}}}
	_, err = c.RunInstances(ctx, plain)
	if m := decode(err); m["context"].(map[string]any)["action"] != "ec2:CreateTags" {
		t.Fatalf("decoded %v", m)
	}

	// Describe calls are refused in plain words.
	_, err = c.DescribeInstances(ctx, &awsec2.DescribeInstancesInput{})
	if ae := apiError(t, err, "UnauthorizedOperation"); ae.ErrorMessage() != "You are not authorized to perform this operation. User: arn:aws:iam::123456789012:user/director is not authorized to perform: ec2:DescribeInstances because no identity-based policy allows the ec2:DescribeInstances action" {
		t.Fatal(ae.ErrorMessage())
	}
}

func toJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// rootEC2AtClock starts a server whose clock reads now (set to the present time here, in
// Unix seconds) and returns a root EC2 Query client signing with the same clock: call
// takes Action and parameters as key, value pairs and returns the raw XML body.
func rootEC2AtClock(t *testing.T, now *atomic.Int64) (*testServer, func(kv ...string) (string, error)) {
	now.Store(time.Now().Unix())
	clock := func() time.Time { return time.Unix(now.Load(), 0) }
	ts := startServerAt(t, "", clock)
	c := awsclient.New(awsclient.Config{Endpoint: ts.endpoint, Region: "us-east-1", Credentials: sigv4.Credentials{AccessKeyID: testRootKey, SecretAccessKey: testRootSecret}}, 1)
	c.Now = clock
	return ts, func(kv ...string) (string, error) {
		v := url.Values{"Version": {"2016-11-15"}}
		for i := 0; i < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		body, err := c.Query(context.Background(), "ec2", v)
		return string(body), err
	}
}

// A terminated instance stays visible for about an hour, then is gone (and its document is
// removed at a later launch).
func TestTerminatedInstancesDisappear(t *testing.T) {
	var now atomic.Int64
	ts, call := rootEC2AtClock(t, &now)
	body, err := call("Action", "RunInstances", "ImageId", "ami-0abcdef1234567890", "MinCount", "1", "MaxCount", "1")
	if err != nil {
		t.Fatal(err)
	}
	id := between(body, "<instanceId>", "</instanceId>")
	if _, err := call("Action", "TerminateInstances", "InstanceId.1", id); err != nil {
		t.Fatal(err)
	}
	now.Add(59 * 60)
	if body, err := call("Action", "DescribeInstances", "InstanceId.1", id); err != nil || !strings.Contains(body, "<name>terminated</name>") {
		t.Fatalf("59 minutes after: %v %s", err, body)
	}
	now.Add(2 * 60)
	_, err = call("Action", "DescribeInstances", "InstanceId.1", id)
	var ae *awsclient.Error
	if !errors.As(err, &ae) || ae.Code != "InvalidInstanceID.NotFound" {
		t.Fatalf("61 minutes after: %v", err)
	}
	if _, err := call("Action", "RunInstances", "ImageId", "ami-0abcdef1234567890", "MinCount", "1", "MaxCount", "1"); err != nil {
		t.Fatal(err)
	}
	var n int
	mustDo(t, func() error {
		return ts.srv.store.View(context.Background(), func(tx docstore.Tx) error {
			var err error
			n, err = tx.Count("ec2.instance", "123456789012", "")
			return err
		})
	})
	if n != 1 {
		t.Fatalf("%d instance documents, want 1", n)
	}
}
