package access

import (
	"sort"

	"github.com/iamd-dev/iamd/internal/arn"
	"github.com/iamd-dev/iamd/internal/iam"
	"github.com/iamd-dev/iamd/internal/policy"
)

// edges decides every edge of the graph, until the decisions' bound, then the edges of
// users with the policies of groups they can add themselves to.
func (b *builder) edges() {
	b.memberships()
	b.serviceAssumes = b.assumeEdges()
	b.fromActors()
	b.groupEdges()
}

// fromActors decides the edges of the sources (every actor, or b.src) but can-assume.
func (b *builder) fromActors() {
	b.passEdges(b.serviceAssumes)
	b.launchEdges(b.serviceAssumes)
	b.changeEdges()
	b.secretEdges()
}

// sources are the actors whose edges are decided: every actor, or b.src.
func (b *builder) sources() []*actor {
	if b.src != nil {
		return b.src
	}
	return b.actors
}

// emit adds an edge of a source: to the graph, or to b.collect.
func (b *builder) emit(e Edge) {
	if b.collect == nil {
		b.addEdge(e)
		return
	}
	if e.Statements == nil {
		e.Statements = []string{}
	}
	*b.collect = append(*b.collect, e)
}

// groupEdges decides, for each user that can add itself to a group it is not in
// (iam:AddUserToGroup), the edges it has with the group's policies as well. They are kept
// apart from the graph's (the user has them only once in the group), from the group, and
// carry that requirement; reach follows them from the group.
func (b *builder) groupEdges() {
	b.g.groupEdges = map[state][]Edge{}
	for _, e := range b.g.Edges {
		if e.Kind != EdgeChange || e.Action != "iam:AddUserToGroup" {
			continue
		}
		u, gi := b.g.actors[e.From], b.groups[e.To]
		if u == nil || u.kind != KindUser || gi == nil || slicesContains(b.users[u.id].Groups, gi.group.Name) {
			continue
		}
		a := *u
		set := *u.set
		set.Identity = append(append([]*policy.Policy(nil), set.Identity...), gi.identity...)
		a.set, a.services = &set, nil
		var out []Edge
		b.src, b.collect = []*actor{&a}, &out
		b.assumeEdges()
		b.fromActors()
		b.src, b.collect = nil, nil
		note := Condition{Note: u.id + " adds itself to the group first (iam:AddUserToGroup); the edge is its own, with the group's policies"}
		for i := range out {
			out[i].From = e.To
			out[i].Conditions = append(append([]Condition{}, out[i].Conditions...), note)
		}
		b.g.groupEdges[state{node: e.To, user: u.id}] = out
	}
}

func slicesContains(names []string, name string) bool {
	for _, n := range names {
		if n == name {
			return true
		}
	}
	return false
}

// over reports that the decisions' or the edges' bound is reached, and marks the graph
// truncated.
func (b *builder) over() bool {
	if b.decisions >= b.limits.MaxDecisions || len(b.g.Edges) >= b.limits.MaxEdges {
		b.g.Truncated = true
		return true
	}
	return false
}

func (b *builder) sortedRoles() []*roleInfo {
	out := make([]*roleInfo, 0, len(b.roles))
	for _, r := range b.roles {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].role.ARN() < out[j].role.ARN() })
	return out
}

// memberships are the member-of edges: a user's groups.
func (b *builder) memberships() {
	byName := map[string]string{} // account/name -> group ARN
	for a, g := range b.groups {
		byName[g.group.Account+"/"+g.group.Name] = a
	}
	for _, a := range b.actors {
		u := b.users[a.id]
		if u == nil {
			continue
		}
		for _, gname := range u.Groups {
			if b.over() {
				return
			}
			if ga, ok := byName[u.Account+"/"+gname]; ok {
				b.addEdge(Edge{From: a.id, To: ga, Kind: EdgeMemberOf})
			}
		}
	}
}

// assumeEdges are the can-assume edges; it returns, by role ARN, the verdicts of the
// services its trust policy lets assume it.
func (b *builder) assumeEdges() map[string]map[string]verdict {
	services := map[string]map[string]verdict{}
	for _, r := range b.sortedRoles() {
		roleARN := r.role.ARN()
		for _, a := range b.sources() {
			if a.id == roleARN || b.over() {
				continue
			}
			action := "sts:AssumeRole"
			if a.assumeAction != "" {
				if a.account != r.role.Account {
					continue // STS finds a token's provider in the role's account
				}
				action = a.assumeAction
			}
			v := b.decide(a, request{action: action, resource: roleARN, account: r.role.Account, resourcePolicy: r.trust})
			if !v.allowed {
				continue
			}
			b.emit(Edge{From: a.id, To: roleARN, Kind: EdgeAssume, Action: action, Statements: v.statements, Conditions: v.conditions})
			if a.kind == KindService {
				if services[roleARN] == nil {
					services[roleARN] = map[string]verdict{}
				}
				services[roleARN][a.id] = v
			}
		}
	}
	return services
}

// changers are the actors whose IAM changes, launches and passed roles the graph follows:
// users and roles (an account's root may do all of it already) whose identity policies may
// allow an action of each of the services.
func (b *builder) changers(account string, services ...string) []*actor {
	var out []*actor
	for _, a := range b.sources() {
		if a.account == account && (a.kind == KindUser || a.kind == KindRole) && mayAllowAll(a, services) {
			out = append(out, a)
		}
	}
	return out
}

func mayAllowAll(a *actor, services []string) bool {
	for _, s := range services {
		if !a.mayAllow(s) {
			return false
		}
	}
	return true
}

// passEdges are the can-pass-to-service edges: iam:PassRole of a role to each service its
// trust policy lets assume it.
func (b *builder) passEdges(services map[string]map[string]verdict) {
	for _, r := range b.sortedRoles() {
		roleARN := r.role.ARN()
		names := make([]string, 0, len(services[roleARN]))
		for s := range services[roleARN] {
			names = append(names, s)
		}
		sort.Strings(names)
		for _, s := range names {
			for _, a := range b.changers(r.role.Account, "iam") {
				if b.over() {
					return
				}
				var keys policy.Context
				keys.Set("iam:PassedToService", s)
				v := b.decide(a, request{action: "iam:PassRole", resource: roleARN, account: r.role.Account, keys: keys})
				if v.allowed {
					b.emit(Edge{From: a.id, To: roleARN, Kind: EdgePassToService, Action: "iam:PassRole", Service: s,
						Statements: v.statements, Conditions: v.conditions})
				}
			}
		}
	}
}

// launchEdges are the can-launch-with-profile edges, as EC2 authorizes RunInstances with
// an instance profile (ec2:RunInstances on the instances and the network and storage
// resources a launch uses, iam:PassRole of the profile's role to EC2), and the
// profile-role edges of profiles whose role EC2 may assume.
func (b *builder) launchEdges(services map[string]map[string]verdict) {
	for _, ip := range b.profiles {
		if len(ip.Roles) == 0 {
			continue
		}
		role := ip.Roles[0]
		roleARN, profileARN, account := role.ARN(), ip.Profile.ARN(), ip.Profile.Account
		partition := b.accounts[account]
		ec2Principal := arn.ServicePrincipal("ec2", partition)
		if v, ok := services[roleARN][ec2Principal]; ok && b.src == nil && !b.over() {
			b.addEdge(Edge{From: profileARN, To: roleARN, Kind: EdgeProfileRole, Action: "sts:AssumeRole", Service: ec2Principal,
				Statements: v.statements, Conditions: v.conditions})
		}
		if b.region == "" {
			continue
		}
		instances := arn.New(partition, "ec2", b.region, account, "instance/*")
		var inst policy.Context
		inst.Set("ec2:Region", b.region)
		inst.Set("ec2:InstanceProfile", profileARN)
		var regional policy.Context
		regional.Set("ec2:Region", b.region)
		reqs := []request{{action: "ec2:RunInstances", resource: instances, account: account, keys: inst}}
		for _, kind := range []string{"network-interface", "security-group", "subnet", "volume"} {
			reqs = append(reqs, request{action: "ec2:RunInstances", resource: arn.New(partition, "ec2", b.region, account, kind+"/*"), account: account, keys: regional})
		}
		var pass policy.Context
		pass.Set("iam:PassedToService", ec2Principal)
		pass.Set("iam:AssociatedResourceArn", instances)
		reqs = append(reqs, request{action: "iam:PassRole", resource: roleARN, account: account, keys: pass})
		for _, a := range b.changers(account, "ec2", "iam") {
			if b.over() {
				return
			}
			if e, ok := b.all(a, reqs); ok {
				e.From, e.To, e.Kind, e.Action = a.id, profileARN, EdgeLaunchProfile, "ec2:RunInstances + iam:PassRole"
				b.emit(e)
			}
		}
	}
}

// all decides several requests that must all be allowed, and merges their statements and
// conditions into one edge.
func (b *builder) all(a *actor, reqs []request) (Edge, bool) {
	var e Edge
	seen := map[string]bool{}
	for _, r := range reqs {
		v := b.decide(a, r)
		if !v.allowed {
			return Edge{}, false
		}
		for _, s := range v.statements {
			if !seen[s] {
				seen[s] = true
				e.Statements = append(e.Statements, s)
			}
		}
		for _, c := range v.conditions {
			k := c.Key + "\x00" + c.Note + "\x00" + c.Statement
			if !seen[k] {
				seen[k] = true
				e.Conditions = append(e.Conditions, c)
			}
		}
	}
	return e, true
}

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
