package server

import (
	"testing"

	"github.com/iamd-dev/iamd/internal/api/iamapi"
)

// The last-accessed actions in the enumeration of every IAM action (arn_enumerate_test.go):
// the entities named by their Arn parameter.
func init() {
	ghost := func(kind string) string { return "arn:aws:iam::" + arnAcct + ":" + kind + "/ghost" }
	for name, e := range map[string]arnEntity{
		"arn-role":   {"Arn", arnRole, arnRole, "arn:aws:iam::" + arnAcct + ":role/pr1", ghost("role"), ghost("role")},
		"arn-user":   {"Arn", arnUser, arnUser, "arn:aws:iam::" + arnAcct + ":user/pu1", ghost("user"), ghost("user")},
		"arn-group":  {"Arn", arnGroup, arnGroup, "arn:aws:iam::" + arnAcct + ":group/pg1", ghost("group"), ghost("group")},
		"arn-policy": {"Arn", arnPolicy, arnPolicy, "arn:aws:iam::" + arnAcct + ":policy/pp1", ghost("policy"), ghost("policy")},
	} {
		moreARNEntities[name] = e
	}
	arnKindEntities[iamapi.OnAccessTarget] = []string{"arn-role", "arn-user", "arn-group", "arn-policy"}
	arnKindEntities[iamapi.OnIdentityARN] = []string{"arn-role", "arn-user", "arn-group"}
	arnCases["GenerateServiceLastAccessedDetails"] = arnCase{entity: "arn-policy"}
	arnCases["ListPoliciesGrantingServiceAccess"] = arnCase{entity: "arn-role", params: map[string]string{"ServiceNamespaces.member.1": "s3"}}
	arnCases["GetServiceLastAccessedDetails"] = arnCase{resource: "*", params: map[string]string{"JobId": "00000000-0000-4000-8000-000000000000"}}
	arnCases["GetServiceLastAccessedDetailsWithEntities"] = arnCase{resource: "*", params: map[string]string{
		"JobId": "00000000-0000-4000-8000-000000000000", "ServiceNamespace": "s3"}}
}

// TestLastAccessedOnEveryKindOfEntity: the enumeration calls each action on one kind of
// entity; Generate takes four kinds and ListPoliciesGrantingServiceAccess three, each
// authorized on the entity's real ARN.
func TestLastAccessedOnEveryKindOfEntity(t *testing.T) {
	f := newARNFixture(t)
	for action, entities := range map[string][]string{
		"GenerateServiceLastAccessedDetails": {"arn-role", "arn-user", "arn-group", "arn-policy"},
		"ListPoliciesGrantingServiceAccess":  {"arn-role", "arn-user", "arn-group"},
	} {
		for _, name := range entities {
			c := arnCases[action]
			c.entity = name
			e := f.entities[name]
			wantDeniedOn(t, f.call(t, f.den, action, c, e.value), "den", action, e.real, true)
			wantDeniedOn(t, f.call(t, f.pathless, action, c, e.value), "pathless", action, e.real, false)
			wantDeniedOn(t, f.call(t, f.nobody, action, c, e.ghostValue), "nobody (unknown name)", action, e.ghostARN, false)
			if err := f.call(t, f.admin, action, c, e.value); err != nil {
				t.Errorf("%s on %s as admin: %v", action, name, err)
			}
		}
	}
}
