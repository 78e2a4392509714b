package policy_test

import (
	"testing"

	"github.com/iamd-dev/iamd/internal/policy"
)

// A Resource list that holds an entry with a variable the request cannot resolve
// (${aws:username} for a role session) and an entry that matches: the unresolvable entry
// matches nothing and the others still count, in Allow and in Deny statements alike
// (docs/CONFORMANCE.md, "Policy variables with no value").
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html#policy-vars-no-value
func TestUserGuide_policy_variables_with_no_value_in_a_resource_list(t *testing.T) {
	const (
		session = "arn:aws:sts::123456789012:assumed-role/Reader/David"
		user    = "arn:aws:iam::123456789012:user/David"
		shared  = "arn:aws:s3:::amzn-s3-demo-bucket/shared/report.csv"
		own     = "arn:aws:s3:::amzn-s3-demo-bucket/home/David/notes.txt"
		mixed   = `["arn:aws:s3:::amzn-s3-demo-bucket/home/${aws:username}/*", "arn:aws:s3:::amzn-s3-demo-bucket/shared/*"]`
		allowS3 = `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}`
	)
	allowMixed := `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":` + mixed + `}}`
	denyMixed := `{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"s3:GetObject","Resource":` + mixed + `}}`
	get := func(name string, identity []string, principal, resource string, ctx map[string][]string, want policy.Result) ugCase {
		return ugCase{name: name, identity: identity, principal: principal, action: "s3:GetObject", resourceARN: resource,
			resourceAccount: "123456789012", ctx: ctx, want: want}
	}
	username := kv("aws:username", "David")
	runUG(t, []ugCase{
		get("Allow: a role session reaches the entry without a variable", []string{allowMixed}, session, shared, nil, policy.Allowed),
		get("Allow: a role session does not reach the entry it cannot resolve", []string{allowMixed}, session, own, nil, policy.ImplicitDeny),
		get("Allow: a user reaches both entries", []string{allowMixed}, user, own, username, policy.Allowed),
		get("Deny: the entry without a variable still denies a role session", []string{allowS3, denyMixed}, session, shared, nil, policy.ExplicitDeny),
		get("Deny: the unresolvable entry denies nothing", []string{allowS3, denyMixed}, session, own, nil, policy.Allowed),
		get("Deny: for a user both entries deny", []string{allowS3, denyMixed}, user, own, username, policy.ExplicitDeny),
	})
}
