package access

import (
	"sort"

	"github.com/iamd-dev/iamd/internal/arn"
	"github.com/iamd-dev/iamd/internal/iam"
	"github.com/iamd-dev/iamd/internal/policy"
)

// Actions of the can-change edges, by the kind of their target.
var (
	roleChanges  = []string{"iam:PutRolePolicy", "iam:AttachRolePolicy", "iam:UpdateAssumeRolePolicy"}
	userChanges  = []string{"iam:PutUserPolicy", "iam:AttachUserPolicy", "iam:CreateAccessKey", "iam:CreateLoginProfile", "iam:UpdateLoginProfile"}
	groupChanges = []string{"iam:PutGroupPolicy", "iam:AttachGroupPolicy", "iam:AddUserToGroup"}
	policyChange = []string{"iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion"}
)

// changeEdges are the can-change edges: each privilege-escalation action a user or role
// may take on a principal of its account (itself included), and on the customer managed
// policies attached to one.
func (b *builder) changeEdges() {
	for account := range b.heldAccounts() {
		changers := b.changers(account, "iam")
		type target struct {
			id      string
			actions []string
			tags    []iam.Tag
		}
		var targets []target
		holders := map[string][]string{} // customer managed policy ARN -> the principals it is attached to
		for _, r := range b.sortedRoles() {
			if r.role.Account == account {
				targets = append(targets, target{r.role.ARN(), roleChanges, r.role.Tags})
				noteHolders(holders, r.role.ARN(), r.role.AttachedPolicies)
			}
		}
		for _, a := range b.actors {
			if u := b.users[a.id]; u != nil && u.Account == account {
				targets = append(targets, target{a.id, userChanges, u.Tags})
				noteHolders(holders, a.id, u.AttachedPolicies)
			}
		}
		for ga, g := range b.groups {
			if g.group.Account == account {
				targets = append(targets, target{ga, groupChanges, nil})
				noteHolders(holders, ga, g.group.AttachedPolicies)
			}
		}
		sort.Slice(targets, func(i, j int) bool { return targets[i].id < targets[j].id })
		for _, t := range targets {
			var keys policy.Context
			resourceTags(&keys, t.tags)
			for _, a := range changers {
				for _, action := range t.actions {
					if b.over() {
						return
					}
					v := b.decide(a, request{action: action, resource: t.id, account: account, keys: keys})
					if v.allowed {
						b.emit(Edge{From: a.id, To: t.id, Kind: EdgeChange, Action: action, Statements: v.statements, Conditions: v.conditions})
					}
				}
			}
		}
		policies := make([]string, 0, len(holders))
		for p := range holders {
			policies = append(policies, p)
		}
		sort.Strings(policies)
		for _, pa := range policies {
			for _, a := range changers {
				for _, action := range policyChange {
					if b.over() {
						return
					}
					v := b.decide(a, request{action: action, resource: pa, account: account})
					if !v.allowed {
						continue
					}
					for _, h := range holders[pa] {
						b.emit(Edge{From: a.id, To: h, Kind: EdgeChange, Action: action, Via: pa, Statements: v.statements, Conditions: v.conditions})
					}
				}
			}
		}
	}
}

// noteHolders records the customer managed policies attached to a principal (AWS managed
// ones cannot be changed).
func noteHolders(holders map[string][]string, holder string, attached []string) {
	for _, pa := range attached {
		if a, err := arn.Parse(pa); err == nil && a.Account != "aws" && a.Account != "" {
			holders[pa] = append(holders[pa], holder)
		}
	}
}

func (b *builder) heldAccounts() map[string]bool {
	out := map[string]bool{}
	for a := range b.accounts {
		out[a] = true
	}
	return out
}

// secretEdges are the can-read-secret edges: secretsmanager:GetSecretValue with the
// secret's resource policy, for every principal (other accounts' as the policy lets them).
func (b *builder) secretEdges() {
	arns := make([]string, 0, len(b.secretsOf))
	for a := range b.secretsOf {
		arns = append(arns, a)
	}
	sort.Strings(arns)
	for _, sa := range arns {
		s := b.secretsOf[sa]
		for _, a := range b.sources() {
			if a.kind == KindService || a.kind == KindFederated || b.over() {
				continue
			}
			v := b.decide(a, request{action: "secretsmanager:GetSecretValue", resource: sa, account: s.account, resourcePolicy: s.policy, keys: s.keys})
			if v.allowed {
				b.emit(Edge{From: a.id, To: sa, Kind: EdgeReadSecret, Action: "secretsmanager:GetSecretValue", Statements: v.statements, Conditions: v.conditions})
			}
		}
	}
}
