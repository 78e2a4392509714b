package access

import (
	"sort"

	"github.com/iamd-dev/iamd/internal/arn"
	"github.com/iamd-dev/iamd/internal/policy"
)

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
