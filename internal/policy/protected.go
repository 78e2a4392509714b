package policy

import (
	"strings"

	"github.com/iamd-dev/iamd/internal/arn"
)

// isProtected reports whether the request would change a resource that AWS owns inside
// an account: an AWS managed policy (arn:aws:iam::aws:policy/...) or a role AWS reserves for
// itself (path /aws-reserved/, such as IAM Identity Center's AWSReservedSSO_* roles), or the
// alias of an AWS managed KMS key (alias/aws/...). No
// policy can allow that; reading them (Get*, List*, Generate*, Simulate*) stays possible.
func isProtected(req *Request) bool {
	if !req.resourceIsARN {
		return false
	}
	res := arn.Part(req.Resource, req.resourceParts, 5)
	owner := arn.Part(req.Resource, req.resourceParts, 4)
	var protected bool
	switch arn.Part(req.Resource, req.resourceParts, 2) {
	case "iam":
		protected = (owner == "aws" && strings.HasPrefix(res, "policy/")) || strings.HasPrefix(res, "role/aws-reserved/")
	case "kms":
		protected = strings.HasPrefix(res, "alias/aws/") // aliases of AWS managed keys
	}
	if !protected {
		return false
	}
	name := req.lowerAction[strings.IndexByte(req.lowerAction, ':')+1:]
	for _, read := range [...]string{"get", "list", "generate", "simulate"} {
		if strings.HasPrefix(name, read) {
			return false
		}
	}
	return true
}
