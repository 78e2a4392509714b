package authz

import (
	"strings"

	"github.com/iamd-dev/iamd/internal/authz/denial"
	"github.com/iamd-dev/iamd/internal/policy"
)

// DeniedMessage words a denial as AWS's AccessDenied messages do ("Access denied error
// messages" in the IAM User Guide): who, what, on which resource (none when resource is ""),
// and which kind of policy denied, explicitly or by allowing nothing.
func DeniedMessage(principalARN, action, resource string, d *policy.Decision) string {
	msg := "User: " + principalARN + " is not authorized to perform: " + action
	if resource != "" {
		msg += " on resource: " + resource
	}
	kind := denial.PolicyKind(d.DeniedBy.String())
	if kind == "" {
		kind = "identity-based policy"
	}
	if d.Result == policy.ExplicitDeny {
		article := "a "
		if strings.ContainsRune("aeiou", rune(kind[0])) {
			article = "an "
		}
		return msg + " with an explicit deny in " + article + kind
	}
	return msg + " because no " + kind + " allows the " + action + " action"
}
