package authz

import (
	"testing"

	"github.com/iamd-dev/iamd/internal/policy"
)

// AWS's AccessDenied texts ("Access denied error messages", IAM User Guide).
func TestDeniedMessage(t *testing.T) {
	const who, act, res = "arn:aws:iam::123456789012:user/bob", "iam:CreateRole", "arn:aws:iam::123456789012:role/x"
	prefix := "User: " + who + " is not authorized to perform: iam:CreateRole on resource: " + res
	cases := []struct {
		d    policy.Decision
		want string
	}{
		{policy.Decision{Result: policy.ImplicitDeny, DeniedBy: policy.LayerIdentity}, prefix + " because no identity-based policy allows the iam:CreateRole action"},
		{policy.Decision{Result: policy.ExplicitDeny, DeniedBy: policy.LayerIdentity}, prefix + " with an explicit deny in an identity-based policy"},
		{policy.Decision{Result: policy.ImplicitDeny, DeniedBy: policy.LayerBoundary}, prefix + " because no permissions boundary allows the iam:CreateRole action"},
		{policy.Decision{Result: policy.ExplicitDeny, DeniedBy: policy.LayerSCP}, prefix + " with an explicit deny in a service control policy"},
		{policy.Decision{Result: policy.ExplicitDeny, DeniedBy: policy.LayerResource}, prefix + " with an explicit deny in a resource-based policy"},
		{policy.Decision{Result: policy.ImplicitDeny, DeniedBy: policy.LayerSession}, prefix + " because no session policy allows the iam:CreateRole action"},
	}
	for _, c := range cases {
		if got := DeniedMessage(who, act, res, &c.d); got != c.want {
			t.Errorf("got  %s\nwant %s", got, c.want)
		}
	}
}
