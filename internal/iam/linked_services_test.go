package iam

import (
	"strings"
	"testing"

	"github.com/iamd-dev/iamd/internal/managedpolicies"
)

// TestLinkedServicesNameEmbeddedPolicies: every service-linked role iamd makes gets a policy
// AWS publishes under /aws-service-role/, and its name is a valid role name.
func TestLinkedServicesNameEmbeddedPolicies(t *testing.T) {
	for principal, l := range linkedServices {
		if l.principal != principal || !strings.HasSuffix(principal, ".amazonaws.com") {
			t.Errorf("%s: principal %q", principal, l.principal)
		}
		p, ok := managedpolicies.Lookup(l.policyARN("aws"))
		if !ok || p.Path != serviceRolePath {
			t.Errorf("%s: %s is not an embedded /aws-service-role/ policy", principal, l.policyARN("aws"))
		}
		if err := roleKind.checkName(l.roleName); err != nil || !strings.HasPrefix(l.roleName, "AWSServiceRoleFor") {
			t.Errorf("%s: role name %q: %v", principal, l.roleName, err)
		}
	}
}

func TestDeletionTaskRoleARN(t *testing.T) {
	for id, want := range map[string]string{
		"task/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS/00000000-0000-4000-8000-000000000000": "arn:aws:iam::1:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS",
		"task/aws-service-role/AWSServiceRoleForECS/u":                                                      "",
		"task/service-role/x.amazonaws.com/R/u":                                                             "",
		"task/aws-service-role/x.amazonaws.com//u":                                                          "",
		"nonsense": "",
	} {
		got, err := DeletionTaskRoleARN("aws", "1", id)
		if got != want || (want == "") != (err != nil) {
			t.Errorf("%s: %q %v, want %q", id, got, err, want)
		}
	}
}
