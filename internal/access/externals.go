package access

import (
	"sort"
	"strings"

	"github.com/iamd-dev/iamd/internal/arn"
	"github.com/iamd-dev/iamd/internal/policy"
)

// addExternals adds the principals trust policies name that the graph does not hold: AWS
// services, identity providers, and the users, roles and roots of accounts outside the
// scope; then those secrets' resource policies name.
func (b *builder) addExternals() {
	defer b.secretExternals() // after the trust policies' (their order is the nodes')
	arns := make([]string, 0, len(b.roles))
	for a := range b.roles {
		arns = append(arns, a)
	}
	sort.Strings(arns)
	for _, ra := range arns {
		trust := b.roles[ra].trust
		if trust == nil {
			continue
		}
		for _, st := range trust.Statements {
			if st.Principal == nil || st.Effect != policy.Allow {
				continue
			}
			for _, s := range st.Principal.Service {
				b.addService(s)
			}
			for _, v := range st.Principal.AWS {
				b.addExternal(v)
			}
			for _, v := range st.Principal.Federated {
				b.addFederated(v, b.roles[ra].role.Account)
			}
		}
	}
}

func (b *builder) addService(name string) {
	if _, ok := b.g.actors[name]; ok {
		return
	}
	p, err := policy.ParsePrincipal(name)
	if err != nil || p.Kind != policy.Service {
		return
	}
	b.addActor(&actor{id: name, kind: KindService, principal: p, set: &policy.Set{}}, name)
}

// externalIdentity stands for the identity policies of an account iamd does not hold: they
// may allow anything, so an edge from its principal says they must (the actor's note).
const externalIdentity = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`

func (b *builder) addExternal(v string) {
	if v == "*" {
		b.addAnyone()
		return
	}
	p, err := policy.ParsePrincipal(v)
	if err != nil {
		return
	}
	if _, held := b.accounts[p.Account]; held {
		return
	}
	partition := arn.PartitionOfARN(p.ID)
	if partition == "" {
		partition = arn.AWS
	}
	switch p.Kind {
	case policy.Account:
		id := arn.IAM(partition, p.Account, "root")
		if _, ok := b.g.actors[id]; ok {
			return
		}
		rp, _ := policy.ParsePrincipal(id)
		b.addActor(&actor{id: id, kind: KindAccount, account: p.Account, principal: rp, set: &policy.Set{},
			note: "account " + p.Account + " is not held here: its principals as its own policies allow"}, "account "+p.Account+" (not held here)")
	case policy.User, policy.Role:
		if _, ok := b.g.actors[p.ID]; ok {
			return
		}
		caller := p
		if p.Kind == policy.Role {
			if caller, err = policy.ParsePrincipal(arn.New(partition, "sts", "", p.Account, "assumed-role/"+p.Name+"/"+sessionName)); err != nil {
				return
			}
		}
		id, err := compile(namedPolicy("identity policies in account "+p.Account+" (not held here)", externalIdentity), policy.Identity)
		if err != nil {
			return
		}
		b.addActor(&actor{id: p.ID, kind: KindExternal, account: p.Account, principal: caller, set: &policy.Set{Identity: []*policy.Policy{id}},
			note: "its identity policies in account " + p.Account + " (not held here) must allow the action"}, p.Name+" ("+p.Account+", not held here)")
	}
}

// addFederated adds an identity provider a trust policy names, when it is an IAM OIDC or
// SAML provider of the role's account (the one STS looks a token's issuer up in, and that
// must exist): its edges are AssumeRoleWithWebIdentity or AssumeRoleWithSAML, the token's
// claims left open.
func (b *builder) addFederated(v, account string) {
	if _, ok := b.g.actors[v]; ok {
		return
	}
	a, err := arn.Parse(v)
	if err != nil || a.Service != "iam" || a.Account != account {
		return
	}
	var action, label string
	var aud [2]string
	switch {
	case strings.HasPrefix(a.Resource, "oidc-provider/"):
		p, err := b.iam.OIDCProvider(b.ctx, account, v)
		if err != nil {
			return
		}
		action, label = "sts:AssumeRoleWithWebIdentity", p.URL
		if len(p.ClientIDs) == 1 {
			aud = [2]string{p.URL + ":aud", p.ClientIDs[0]} // STS accepts no other audience
		}
	case strings.HasPrefix(a.Resource, "saml-provider/"):
		p, err := b.iam.SAMLProvider(b.ctx, account, v)
		if err != nil {
			return
		}
		action, label = "sts:AssumeRoleWithSAML", p.Name
	default:
		return
	}
	p, err := policy.ParsePrincipal(v)
	if err != nil || p.Kind != policy.Federated {
		return
	}
	fa := &actor{id: v, kind: KindFederated, account: account, principal: p, set: &policy.Set{}, assumeAction: action}
	fa.base.Set("aws:FederatedProvider", v)
	if aud[0] != "" {
		fa.base.Set(aud[0], aud[1])
	}
	b.addActor(fa, label)
}

// Anyone is the id of the node standing for every principal of every account the graph does
// not hold, added when a trust policy names "*".
const Anyone = "*"

// addAnyone adds the node for any AWS principal outside the graph: a role of an account
// iamd holds nothing of (the first unused of a few ids stands for it), with identity
// policies that may allow anything, as a principal elsewhere may have.
func (b *builder) addAnyone() {
	if _, ok := b.g.actors[Anyone]; ok {
		return
	}
	account := ""
	for _, id := range []string{"000000000000", "000000000001", "000000000002", "999999999998"} {
		if _, held := b.accounts[id]; !held {
			account = id
			break
		}
	}
	if account == "" {
		return
	}
	p, err := policy.ParsePrincipal(arn.New(arn.AWS, "sts", "", account, "assumed-role/anyone/"+sessionName))
	if err != nil {
		return
	}
	id, err := compile(namedPolicy("identity policies in any other account", externalIdentity), policy.Identity)
	if err != nil {
		return
	}
	b.addActor(&actor{id: Anyone, kind: KindExternal, account: account, principal: p, set: &policy.Set{Identity: []*policy.Policy{id}},
		note: "any principal of any account not held here (the trust names \"*\"), as its own identity policies allow"}, "any AWS principal")
}

// secretExternals adds the principals of accounts outside the scope that secrets' resource
// policies name (and "*").
func (b *builder) secretExternals() {
	arns := make([]string, 0, len(b.secretsOf))
	for a := range b.secretsOf {
		arns = append(arns, a)
	}
	sort.Strings(arns)
	for _, sa := range arns {
		rp := b.secretsOf[sa].policy
		if rp == nil {
			continue
		}
		for _, st := range rp.Statements {
			if st.Principal == nil || st.Effect != policy.Allow {
				continue
			}
			if st.Principal.Wildcard {
				b.addAnyone()
			}
			for _, v := range st.Principal.AWS {
				b.addExternal(v)
			}
		}
	}
}
