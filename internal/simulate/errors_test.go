package simulate_test

import (
	"context"
	"strings"
	"testing"

	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/simulate"
)

// Inputs are refused with AWS's errors, in AWS's order.
func TestInputErrors(t *testing.T) {
	sim := newSimulator(t)
	ok := simulate.Input{Account: acct, PolicyInputList: []string{queues}, ActionNames: []string{"sqs:SendMessage"}}
	with := func(change func(*simulate.Input)) simulate.Input {
		in := ok
		change(&in)
		return in
	}
	principal := func(source *string, in simulate.Input) func() error {
		return func() error {
			_, err := sim.Principal(context.Background(), simulate.PrincipalInput{PolicySourceArn: source, Input: in})
			return err
		}
	}
	custom := func(in simulate.Input) func() error {
		return func() error { _, err := simulate.Custom(in); return err }
	}
	cases := []struct {
		name      string
		run       func() error
		code, msg string
	}{
		{"no PolicySourceArn", principal(nil, ok), "ValidationError", "1 validation error detected: Value null at 'policySourceArn' failed to satisfy constraint: Member must not be null"},
		{"a principal that does not exist", principal(str(arnOf("user", "ghost")), ok), "NoSuchEntity", "The user with name ghost cannot be found."},
		{"a bad MaxItems after the principal", principal(str(arnOf("user", "ghost")), with(func(in *simulate.Input) { in.MaxItems = str("x") })), "NoSuchEntity", "The user with name ghost cannot be found."},
		{"no PolicyInputList", custom(with(func(in *simulate.Input) { in.PolicyInputList = nil })), "ValidationError", "1 validation error detected: Value null at 'policyInputList' failed to satisfy constraint: Member must not be null"},
		{"no ActionNames", custom(with(func(in *simulate.Input) { in.ActionNames = nil })), "ValidationError", "1 validation error detected: Value null at 'actionNames' failed to satisfy constraint: Member must not be null"},
		{"an action name too short", custom(with(func(in *simulate.Input) { in.ActionNames = []string{"sqs:A", "s"} })), "ValidationError",
			"1 validation error detected: Value '[sqs:A, s]' at 'actionNames' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to 128, Member must have length greater than or equal to 3]"},
		{"an empty CallerArn", custom(with(func(in *simulate.Input) { in.CallerArn = str("") })), "ValidationError",
			"1 validation error detected: Value '' at 'callerArn' failed to satisfy constraint: Member must have length greater than or equal to 1"},
		{"a document without Resource", custom(with(func(in *simulate.Input) {
			in.PolicyInputList = []string{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:*"}]}`}
		})), "InvalidInput", "Policy statement must contain resources."},
		{"two boundaries", custom(with(func(in *simulate.Input) { in.PermissionsBoundaryPolicyInputList = []string{queues, queues} })), "InvalidInput",
			"You can specify only one permissions boundary policy in PermissionsBoundaryPolicyInputList."},
		{"a resource policy without a caller", custom(with(func(in *simulate.Input) {
			in.ResourcePolicy = str(strings.Replace(queues, `"Effect"`, `"Principal":"*","Effect"`, 1))
		})), "InvalidInput",
			"CallerArn must be specified when the simulation includes a ResourcePolicy and PolicySourceArn is not the ARN of an IAM user."},
		{"a role as the caller", custom(with(func(in *simulate.Input) { in.CallerArn = str(arnOf("role", "worker")) })), "InvalidInput",
			"Invalid CallerArn: arn:aws:iam::123456789012:role/worker. You can specify only the ARN of an IAM user."},
		{"an owner that is no account", custom(with(func(in *simulate.Input) { in.ResourceOwner = str("arn:aws:iam::root") })), "InvalidInput",
			"Invalid ResourceOwner: arn:aws:iam::root. Give an account ID or arn:aws:iam::ACCOUNT-ID:root."},
		{"a value not of its type", custom(with(func(in *simulate.Input) {
			in.ContextEntries = []simulate.ContextEntry{{Name: "aws:MultiFactorAuthAge", Type: "numeric", Values: []string{"soon"}}}
		})), "InvalidInput", "Invalid value soon for the context key aws:MultiFactorAuthAge of type numeric."},
		{"an unknown type", custom(with(func(in *simulate.Input) {
			in.ContextEntries = []simulate.ContextEntry{{Name: "aws:SourceIp", Type: "ipAddress"}}
		})), "ValidationError",
			"1 validation error detected: Value 'ipAddress' at 'contextEntries.1.member.contextKeyType' failed to satisfy constraint: Member must satisfy enum value set: [string, stringList, numeric, numericList, boolean, booleanList, ip, ipList, binary, binaryList, date, dateList]"},
		{"a scenario's resources missing", custom(with(func(in *simulate.Input) {
			in.ResourceHandlingOption = str("EC2-VPC-EBS")
			in.ResourceArns = []string{"arn:aws:ec2:us-east-1:123456789012:instance/*"}
		})), "InvalidInput", "The ResourceHandlingOption EC2-VPC-EBS requires a resource of type image in ResourceArns."},
		{"MaxItems out of range", custom(with(func(in *simulate.Input) { in.MaxItems = str("0") })), "ValidationError",
			"1 validation error detected: Value '0' at 'maxItems' failed to satisfy constraint: Member must have value between 1 and 1000"},
		{"a marker not of a page", custom(with(func(in *simulate.Input) { in.Marker = str("not-a-marker!") })), "InvalidInput", "Invalid Marker."},
		{"context keys without PolicySourceArn", func() error {
			_, err := sim.PrincipalContextKeys(context.Background(), simulate.ContextKeysInput{Account: acct})
			return err
		}, "ValidationError", "1 validation error detected: Value null at 'policySourceArn' failed to satisfy constraint: Member must not be null"},
		{"custom context keys without documents", func() error { _, err := simulate.CustomContextKeys(nil); return err }, "ValidationError",
			"1 validation error detected: Value null at 'policyInputList' failed to satisfy constraint: Member must not be null"},
	}
	for _, c := range cases {
		e, isAWS := awserr.As(c.run())
		if !isAWS || e.Code != c.code || e.Message != c.msg {
			t.Errorf("%s: got %v, want %s: %s", c.name, e, c.code, c.msg)
		}
	}
}
