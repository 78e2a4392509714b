package lint

import (
	"strings"

	"github.com/iamd-dev/iamd/internal/policy"
)

// sourceKeys are the condition keys that tie a service principal's request to the
// resource, account or organization it acts for (the cross-service confused deputy
// guidance).
var sourceKeys = []string{"aws:sourcearn", "aws:sourceaccount", "aws:sourceorgid", "aws:sourceorgpaths"}

// undocumentedSource are service principals whose AWS documentation creates their roles'
// trust policies without source conditions and documents no aws:SourceArn or
// aws:SourceAccount on the role's assumption: a condition on them could stop the service
// from assuming the role, so the linter does not ask for one.
var undocumentedSource = map[string]bool{
	"ec2.amazonaws.com": true,
}

// checkServicePrincipals reports service principals allowed without an aws:SourceArn,
// aws:SourceAccount or aws:SourceOrgID condition. In a resource policy the service then
// acts on the resource for whoever configures it, in any account: a SECURITY_WARNING. In
// a trust policy the service uses the role only after a principal of the role's own
// account passed it (iam:PassRole does not pass roles across accounts), so the condition
// is defence in depth: a WARNING, and none for services AWS documents without one.
func (s *stmt) checkServicePrincipals() {
	p := s.st.Principal
	if p == nil || len(p.Service) == 0 || s.hasCondition(sourceKeys) {
		return
	}
	for j, svc := range p.Service {
		at := s.path("Principal", "Service", j)
		if s.l.opts.Kind == policy.Resource {
			s.l.add(SecurityWarning, "SERVICE_PRINCIPAL_WITHOUT_SOURCE_CONDITION", at,
				"The policy lets %s act on this resource with no aws:SourceArn, aws:SourceAccount or aws:SourceOrgID condition: the service does so on behalf of any account that points its own resources here (the cross-service confused deputy).",
				`add "Condition": {"StringEquals": {"aws:SourceAccount": "<your account>"}} (or "ArnLike": {"aws:SourceArn": "<the resource that calls>"})`, svc)
			continue
		}
		if undocumentedSource[strings.ToLower(svc)] {
			continue
		}
		s.l.add(Warning, "SERVICE_PRINCIPAL_WITHOUT_SOURCE_CONDITION", at,
			"The role trusts %s with no aws:SourceAccount or aws:SourceArn condition. Not a takeover: the service uses the role only when a principal of this account passes it (iam:PassRole does not cross accounts), and AWS's own examples often omit the condition; AWS recommends it where the service sets the keys, as defence against the cross-service confused deputy.",
			`add "Condition": {"StringEquals": {"aws:SourceAccount": "<this account>"}} if the service documents the key for its role (check before: a condition the service does not meet stops it assuming the role)`, svc)
	}
}
