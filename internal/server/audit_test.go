package server

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
)

// Denials are audited as denials whatever the service's protocol calls them: IAM's
// AccessDenied, Secrets Manager's AccessDeniedException, EC2's UnauthorizedOperation.
func TestAuditRecordsDenialsOfEveryProtocol(t *testing.T) {
	ts, audit := startAuditedServer(t)
	ctx := context.Background()
	nobody := userWithKey(t, ts, "nobody", "")
	_, err := ts.iam(nobody).ListRoles(ctx, &awsiam.ListRolesInput{})
	apiError(t, err, "AccessDenied")
	_, err = secretsmanager.NewFromConfig(ts.config(nobody)).ListSecrets(ctx, &secretsmanager.ListSecretsInput{})
	apiError(t, err, "AccessDeniedException")
	_, err = ec2.NewFromConfig(ts.config(nobody)).RunInstances(ctx, &ec2.RunInstancesInput{
		ImageId: aws.String("ami-0abcdef1234567890"), MinCount: aws.Int32(1), MaxCount: aws.Int32(1)})
	apiError(t, err, "UnauthorizedOperation")

	want := map[string]string{"iam:ListRoles": "AccessDenied", "secretsmanager:ListSecrets": "AccessDeniedException", "ec2:RunInstances": "UnauthorizedOperation"}
	for _, e := range audit.events(t) {
		code, ok := want[e.Action]
		if !ok {
			continue
		}
		if e.Decision != "denied" || e.ErrorCode != code || e.Caller != "arn:aws:iam::123456789012:user/nobody" {
			t.Errorf("%s audited as %s %s by %s, want denied %s", e.Action, e.Decision, e.ErrorCode, e.Caller, code)
		}
		delete(want, e.Action)
	}
	if len(want) > 0 {
		t.Fatalf("not audited: %v", want)
	}
}
