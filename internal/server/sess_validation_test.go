package server

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"
)

// AssumeRole's members outside their bounds are refused naming the bound crossed, as AWS's
// validation words it (STS API reference: AssumeRole request parameters).
func TestSessAssumeRoleLengthErrors(t *testing.T) {
	ts := startServer(t, "")
	sessRole(t, ts, "Worker", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":["sts:AssumeRole","sts:SetSourceIdentity"]}]}`, "")
	const roleARN = "arn:aws:iam::123456789012:role/Worker"
	long := func(n int) string { return strings.Repeat("a", n) }
	prefix := "1 validation error detected: Value '"
	for _, tc := range []struct {
		name string
		edit func(*sts.AssumeRoleInput)
		msg  string
	}{
		{"session name too short", func(in *sts.AssumeRoleInput) { in.RoleSessionName = aws.String("x") },
			prefix + "x' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2"},
		{"session name too long", func(in *sts.AssumeRoleInput) { in.RoleSessionName = aws.String(long(65)) },
			prefix + long(65) + "' at 'roleSessionName' failed to satisfy constraint: Member must have length less than or equal to 64"},
		{"session name pattern", func(in *sts.AssumeRoleInput) { in.RoleSessionName = aws.String("a b") },
			prefix + `a b' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]*`},
		{"role ARN too short", func(in *sts.AssumeRoleInput) { in.RoleArn = aws.String("arn:aws:iam::1:role") },
			prefix + "arn:aws:iam::1:role' at 'roleArn' failed to satisfy constraint: Member must have length greater than or equal to 20"},
		{"role ARN too long", func(in *sts.AssumeRoleInput) { in.RoleArn = aws.String(roleARN + long(2049-len(roleARN))) },
			prefix + roleARN + long(2049-len(roleARN)) + "' at 'roleArn' failed to satisfy constraint: Member must have length less than or equal to 2048"},
		{"external id too short", func(in *sts.AssumeRoleInput) { in.ExternalId = aws.String("x") },
			prefix + "x' at 'externalId' failed to satisfy constraint: Member must have length greater than or equal to 2"},
		{"external id too long", func(in *sts.AssumeRoleInput) { in.ExternalId = aws.String(long(1225)) },
			prefix + long(1225) + "' at 'externalId' failed to satisfy constraint: Member must have length less than or equal to 1224"},
		{"external id pattern", func(in *sts.AssumeRoleInput) { in.ExternalId = aws.String("a b") },
			prefix + `a b' at 'externalId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@:\/-]*`},
		{"source identity too short", func(in *sts.AssumeRoleInput) { in.SourceIdentity = aws.String("x") },
			prefix + "x' at 'sourceIdentity' failed to satisfy constraint: Member must have length greater than or equal to 2"},
		{"source identity too long", func(in *sts.AssumeRoleInput) { in.SourceIdentity = aws.String(long(65)) },
			prefix + long(65) + "' at 'sourceIdentity' failed to satisfy constraint: Member must have length less than or equal to 64"},
		{"duration too short", func(in *sts.AssumeRoleInput) { in.DurationSeconds = aws.Int32(899) },
			prefix + "899' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900"},
		{"duration too long", func(in *sts.AssumeRoleInput) { in.DurationSeconds = aws.Int32(43201) },
			prefix + "43201' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200"},
		{"policy ARN too short", func(in *sts.AssumeRoleInput) {
			in.PolicyArns = []ststypes.PolicyDescriptorType{{Arn: aws.String("arn:aws:iam::aws:p")}}
		}, prefix + "arn:aws:iam::aws:p' at 'policyArns.1.member.arn' failed to satisfy constraint: Member must have length greater than or equal to 20"},
		{"tag key too long", func(in *sts.AssumeRoleInput) {
			in.Tags = []ststypes.Tag{{Key: aws.String("k"), Value: aws.String("v")}, {Key: aws.String(long(129)), Value: aws.String("v")}}
		}, prefix + long(129) + "' at 'tags.2.member.key' failed to satisfy constraint: Member must have length less than or equal to 128"},
		{"tag value too long", func(in *sts.AssumeRoleInput) {
			in.Tags = []ststypes.Tag{{Key: aws.String("k"), Value: aws.String(long(257))}}
		}, prefix + long(257) + "' at 'tags.1.member.value' failed to satisfy constraint: Member must have length less than or equal to 256"},
		{"two members", func(in *sts.AssumeRoleInput) {
			in.RoleArn, in.RoleSessionName = aws.String("arn:aws:iam::1:role"), aws.String("x")
		}, "2 validation errors detected: Value 'arn:aws:iam::1:role' at 'roleArn' failed to satisfy constraint: Member must have length greater than or equal to 20; " +
			"Value 'x' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := &sts.AssumeRoleInput{RoleArn: aws.String(roleARN), RoleSessionName: aws.String("ok")}
			tc.edit(in)
			_, err := ts.sts(ts.root).AssumeRole(context.Background(), in)
			ae := apiError(t, err, "ValidationError")
			if httpStatus(err) != 400 {
				t.Fatalf("status %d", httpStatus(err))
			}
			if ae.ErrorMessage() != tc.msg {
				t.Fatalf("message\n %q\nwant\n %q", ae.ErrorMessage(), tc.msg)
			}
		})
	}
	// At the bounds, the call goes through.
	out, err := ts.sts(ts.root).AssumeRole(context.Background(), &sts.AssumeRoleInput{RoleArn: aws.String(roleARN),
		RoleSessionName: aws.String(long(64)), ExternalId: aws.String("ab"), SourceIdentity: aws.String(long(2)), DurationSeconds: aws.Int32(900)})
	if err != nil {
		t.Fatalf("at the bounds: %v", err)
	}
	if !strings.HasSuffix(aws.ToString(out.AssumedRoleUser.Arn), "/"+long(64)) {
		t.Fatalf("assumed %s", aws.ToString(out.AssumedRoleUser.Arn))
	}
}

func TestSessTokenLengthErrors(t *testing.T) {
	ts := startServer(t, "")
	ctx := context.Background()
	c := ts.sts(ts.root)
	for _, tc := range []struct {
		name string
		call func() error
		msg  string
	}{
		{"federated name too short", func() error {
			_, err := c.GetFederationToken(ctx, &sts.GetFederationTokenInput{Name: aws.String("x")})
			return err
		}, "1 validation error detected: Value 'x' at 'name' failed to satisfy constraint: Member must have length greater than or equal to 2"},
		{"federated name too long", func() error {
			_, err := c.GetFederationToken(ctx, &sts.GetFederationTokenInput{Name: aws.String(strings.Repeat("n", 33))})
			return err
		}, "1 validation error detected: Value '" + strings.Repeat("n", 33) + "' at 'name' failed to satisfy constraint: Member must have length less than or equal to 32"},
		{"access key id too long", func() error {
			_, err := c.GetAccessKeyInfo(ctx, &sts.GetAccessKeyInfoInput{AccessKeyId: aws.String(strings.Repeat("A", 129))})
			return err
		}, "1 validation error detected: Value '" + strings.Repeat("A", 129) + "' at 'accessKeyId' failed to satisfy constraint: Member must have length less than or equal to 128"},
		{"access key id too short", func() error {
			_, err := c.GetAccessKeyInfo(ctx, &sts.GetAccessKeyInfoInput{AccessKeyId: aws.String("AKIA")})
			return err
		}, "1 validation error detected: Value 'AKIA' at 'accessKeyId' failed to satisfy constraint: Member must have length greater than or equal to 16"},
	} {
		err := tc.call()
		ae := apiError(t, err, "ValidationError")
		if ae.ErrorMessage() != tc.msg {
			t.Errorf("%s: message\n %q\nwant\n %q", tc.name, ae.ErrorMessage(), tc.msg)
		}
	}
}
