package access

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/iamd-dev/iamd/internal/policy"
)

// maxWitnesses bounds the contexts tried for one request when the stored state alone does
// not let it through.
const maxWitnesses = 32

// request is one question to the engine: may the actor make it?
type request struct {
	action, resource, account string
	resourcePolicy            *policy.Policy
	keys                      policy.Context // keys the stored state fixes for the resource
	extra                     *policy.Policy // one more identity policy of the actor's (a policy it could be given)
}

// verdict is the engine's answer with what made it so.
type verdict struct {
	allowed    bool
	statements []string
	conditions []Condition
}

// decide asks the engine whether the actor may make the request: first with the keys the
// stored state fixes alone, then, when that is refused, with values of the keys the caller
// chooses (sts:ExternalId, aws:SourceIp, ...) taken from the conditions of the policies
// involved. An allowed witness is reduced to the keys that matter, which the verdict's
// conditions list. No value is guessed that the engine did not then allow.
func (b *builder) decide(a *actor, r request) verdict { return decide(a, r, &b.decisions) }

// decide is builder.decide counting the engine's decisions in count.
func decide(a *actor, r request, count *int) verdict {
	set := *a.set
	set.Resource = r.resourcePolicy
	if r.extra != nil {
		set.Identity = append(slices.Clip(set.Identity), r.extra)
	}
	base := a.contextIn(r.account)
	if keys := r.keys.Keys(); len(keys) > 0 {
		base = base.Clone()
		for _, k := range keys {
			v, _ := r.keys.Get(k)
			base.Set(k, v...)
		}
	}
	eval := func(w witness) policy.Decision {
		ctx := base
		if len(w) > 0 {
			ctx = base.Clone()
			for k, as := range w {
				ctx.Set(k, as.values...)
			}
		}
		*count++
		req := policy.NewRequest(a.principal, r.action, r.resource, r.account, ctx)
		return policy.Evaluate(&set, req)
	}
	d := eval(nil)
	if d.Result == policy.Allowed {
		return verdict{allowed: true, statements: deciding(&d), conditions: a.notes()}
	}
	for _, w := range witnesses(&set, &base, a.absent) {
		d = eval(w)
		if d.Result != policy.Allowed {
			continue
		}
		for _, k := range w.keys() { // drop the keys the allow does not need
			as := w[k]
			delete(w, k)
			if dd := eval(w); dd.Result == policy.Allowed {
				d = dd
				continue
			}
			w[k] = as
		}
		d = eval(w)
		conds := a.notes()
		for _, k := range w.keys() {
			as := w[k]
			conds = append(conds, Condition{Key: as.key, Operator: as.operator, Values: as.values, Statement: as.statement})
		}
		return verdict{allowed: true, statements: deciding(&d), conditions: conds}
	}
	return verdict{}
}

// contextIn is the actor's fixed keys with those the engine derives from the principal
// and the resource's account, made once per account: a request given it sets no key, so
// that one context serves every request of the actor in the account (the engine only adds
// the keys a context lacks).
func (a *actor) contextIn(account string) policy.Context {
	if c, ok := a.contexts[account]; ok {
		return c
	}
	if a.contexts == nil {
		a.contexts = map[string]policy.Context{}
	}
	req := policy.NewRequest(a.principal, "sts:GetCallerIdentity", "*", account, a.base.Clone())
	a.contexts[account] = req.Context
	return req.Context
}

// notes are the conditions every edge of the actor carries.
func (a *actor) notes() []Condition {
	if a.note == "" {
		return []Condition{}
	}
	return []Condition{{Note: a.note}}
}

// deciding names the statements that allowed a request, as POLICY/SID.
func deciding(d *policy.Decision) []string {
	out := []string{}
	for _, m := range d.Deciding() {
		s := statementName(m.Policy, m.Statement)
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

func statementName(p *policy.Policy, st *policy.Statement) string {
	if st.Sid != "" {
		return p.Name + "/" + st.Sid
	}
	return fmt.Sprintf("%s/#%d", p.Name, st.Index)
}

// assignment is a value a witness gives a key, and the condition it came from.
type assignment struct {
	key, operator, statement string
	values                   []string
}

// witness is a choice of values for keys the caller supplies, by lower-cased key.
type witness map[string]assignment

func (w witness) keys() []string {
	ks := make([]string, 0, len(w))
	for k := range w {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func (w witness) String() string {
	var sb strings.Builder
	for _, k := range w.keys() {
		fmt.Fprintf(&sb, "%s=%q;", k, w[k].values)
	}
	return sb.String()
}

// witnesses are the contexts worth trying: every statement's values together, then each
// statement's alone, then each pair of statements of two policies (a trust policy's and an
// identity policy's), at most maxWitnesses, none twice.
func witnesses(set *policy.Set, fixed *policy.Context, absent []string) []witness {
	type stmtWitness struct {
		policy int
		w      witness
	}
	var per []stmtWitness
	policies := append(append([]*policy.Policy{}, set.Identity...), set.Resource, set.Boundary)
	for pi, p := range policies {
		if p == nil {
			continue
		}
		for _, st := range p.Statements {
			w := witness{}
			for _, c := range st.Conditions {
				lk := strings.ToLower(c.Key)
				if fixed.Has(c.Key) || isFixedKey(lk) || slices.Contains(absent, lk) {
					continue
				}
				if _, ok := w[lk]; ok {
					continue
				}
				if vals := candidate(c, st.Effect); vals != nil {
					w[lk] = assignment{key: c.Key, operator: c.Operator, statement: statementName(p, st), values: vals}
				}
			}
			if len(w) > 0 {
				per = append(per, stmtWitness{pi, w})
			}
		}
	}
	if len(per) == 0 {
		return nil
	}
	var out []witness
	seen := map[string]bool{}
	add := func(w witness) {
		if len(out) < maxWitnesses && !seen[w.String()] {
			seen[w.String()] = true
			out = append(out, w)
		}
	}
	all := witness{}
	for _, s := range per {
		for k, a := range s.w {
			if _, ok := all[k]; !ok {
				all[k] = a
			}
		}
	}
	add(all)
	for _, s := range per {
		add(clone(s.w))
	}
	for i := range per {
		for j := i + 1; j < len(per); j++ {
			if per[i].policy == per[j].policy {
				continue
			}
			w := clone(per[i].w)
			for k, a := range per[j].w {
				if _, ok := w[k]; !ok {
					w[k] = a
				}
			}
			add(w)
		}
	}
	return out
}

func clone(w witness) witness {
	out := make(witness, len(w))
	for k, v := range w {
		out[k] = v
	}
	return out
}

// fixedPrefixes are the condition keys the stored state decides (the principal's and the
// resource's): a request cannot choose them, so no witness sets them; where the state
// leaves one absent, it is absent.
var fixedPrefixes = []string{
	"aws:principal", "aws:resource", "aws:userid", "aws:username", "aws:federatedprovider",
	"iam:resourcetag/", "secretsmanager:resourcetag/", "secretsmanager:secretid",
	"secretsmanager:secretprimaryregion", "secretsmanager:resource/",
	"iam:passedtoservice", "ec2:instanceprofile", "ec2:region",
}

func isFixedKey(lowerKey string) bool {
	for _, p := range fixedPrefixes {
		if strings.HasPrefix(lowerKey, p) {
			return true
		}
	}
	return false
}
