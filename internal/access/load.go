package access

import (
	"fmt"
	"sort"

	"github.com/iamd-dev/iamd/internal/arn"
	"github.com/iamd-dev/iamd/internal/iam"
	"github.com/iamd-dev/iamd/internal/policy"
	"github.com/iamd-dev/iamd/internal/secrets"
)

// loadAccount reads an account's root, users, groups, roles, instance profiles and secrets.
func (b *builder) loadAccount(account string) error {
	partition, err := b.iam.Partition(b.ctx, account)
	if err != nil {
		return err
	}
	b.accounts[account] = partition
	root := iam.RootARN(partition, account)
	rp, err := policy.ParsePrincipal(root)
	if err != nil {
		return err
	}
	ra := &actor{id: root, kind: KindAccount, account: account, principal: rp, set: &policy.Set{}, acts: true}
	ra.base.Set("aws:userid", account)
	b.addActor(ra, "root of "+account)

	if err := eachPage(func(p iam.Page) (iam.PageOf[iam.Group], error) { return b.iam.ListGroups(b.ctx, account, "", p) }, func(g iam.Group) error {
		gi := &groupInfo{group: g}
		if err := b.compileGroup(gi); err != nil {
			return err
		}
		b.groups[g.ARN()] = gi
		b.addNode(Node{ID: g.ARN(), Kind: KindGroup, Account: account, Label: g.Name})
		return b.bound()
	}); err != nil {
		return err
	}
	if err := eachPage(func(p iam.Page) (iam.PageOf[iam.User], error) { return b.iam.ListUsers(b.ctx, account, "", p) }, func(u iam.User) error {
		pp, err := b.iam.UserPolicies(b.ctx, account, u.Name)
		if err != nil {
			return err
		}
		set, err := compileSet(pp)
		if err != nil {
			return err
		}
		p, err := policy.ParsePrincipal(u.ARN())
		if err != nil {
			return err
		}
		a := &actor{id: u.ARN(), kind: KindUser, account: account, principal: p, set: set, acts: true, userName: u.Name}
		a.base.Set("aws:userid", u.ID)
		devices, err := b.iam.ListMFADevices(b.ctx, account, u.Name, iam.Page{MaxItems: 1})
		if err != nil {
			return err
		}
		if len(devices.Items) == 0 {
			// Without an MFA device no request of the user's carries MFA: long-term keys
			// carry no MFA key at all, sessions "false".
			a.absent = []string{"aws:multifactorauthpresent", "aws:multifactorauthage"}
		}
		principalTags(&a.base, u.Tags)
		uu := u
		b.users[u.ARN()] = &uu
		b.addActor(a, u.Name)
		return b.bound()
	}); err != nil {
		return err
	}
	if err := eachPage(func(p iam.Page) (iam.PageOf[iam.Role], error) { return b.iam.ListRoles(b.ctx, account, "", p) }, func(r iam.Role) error {
		pp, err := b.iam.RolePolicies(b.ctx, account, r.Name)
		if err != nil {
			return err
		}
		set, err := compileSet(pp)
		if err != nil {
			return err
		}
		_, trust, err := b.iam.RoleTrust(b.ctx, account, r.Name)
		if err != nil {
			return err
		}
		// A role acts as its sessions: aws:PrincipalArn is the role's ARN.
		p, err := policy.ParsePrincipal(arn.New(partition, "sts", "", account, "assumed-role/"+r.Name+"/"+sessionName))
		if err != nil {
			return err
		}
		a := &actor{id: r.ARN(), kind: KindRole, account: account, principal: p, set: set, acts: true}
		a.base.Set("aws:userid", r.ID+":"+sessionName)
		principalTags(&a.base, r.Tags)
		b.roles[r.ARN()] = &roleInfo{role: r, trust: trust}
		b.addActor(a, r.Name)
		return b.bound()
	}); err != nil {
		return err
	}
	if err := eachPage(func(p iam.Page) (iam.PageOf[iam.InstanceProfileWithRoles], error) {
		return b.iam.ListInstanceProfiles(b.ctx, account, "", p)
	}, func(ip iam.InstanceProfileWithRoles) error {
		b.profiles = append(b.profiles, ip)
		b.addNode(Node{ID: ip.Profile.ARN(), Kind: KindInstanceProfile, Account: account, Label: ip.Profile.Name})
		return nil
	}); err != nil {
		return err
	}
	return b.loadSecrets(account)
}

// bound refuses an account set larger than the limits.
func (b *builder) bound() error {
	if b.countPrincipals() > b.limits.MaxPrincipals {
		return fmt.Errorf("%w (%d)", ErrTooLarge, b.limits.MaxPrincipals)
	}
	return nil
}

// loadSecrets reads the account's secrets of the builder's region.
func (b *builder) loadSecrets(account string) error {
	if b.secrets == nil || b.region == "" {
		return nil
	}
	token := ""
	for range 100000 {
		list, next, err := b.secrets.List(b.ctx, secrets.ListInput{Account: account, Region: b.region, NextToken: token, MaxResults: 100})
		if err != nil {
			return err
		}
		for _, sec := range list {
			rp, err := b.secrets.EvaluatedPolicy(b.ctx, sec)
			if err != nil {
				return err
			}
			si := &secretInfo{arn: sec.ARN(), account: account, policy: rp}
			secretKeys(&si.keys, sec)
			b.secretsOf[si.arn] = si
			b.addNode(Node{ID: si.arn, Kind: KindSecret, Account: account, Label: sec.Name})
		}
		if next == "" {
			return nil
		}
		token = next
	}
	return nil
}

// secretKeys are the condition keys Secrets Manager sets for a secret (as the API does).
func secretKeys(ctx *policy.Context, s *secrets.Secret) {
	ctx.Set("secretsmanager:SecretId", s.ARN())
	for _, t := range s.Tags {
		ctx.Set("secretsmanager:ResourceTag/"+t.Key, t.Value)
		ctx.Set("aws:ResourceTag/"+t.Key, t.Value)
	}
	if s.Rotation != nil && s.Rotation.LambdaARN != "" {
		ctx.Set("secretsmanager:resource/AllowRotationLambdaArn", s.Rotation.LambdaARN)
	}
	primary := s.PrimaryRegion
	if primary == "" {
		primary = s.Region
	}
	ctx.Set("secretsmanager:SecretPrimaryRegion", primary)
}

// eachPage calls fn with every item of a paged IAM list.
func eachPage[T any](list func(iam.Page) (iam.PageOf[T], error), fn func(T) error) error {
	marker := ""
	for range 1000000 {
		page, err := list(iam.Page{Marker: marker, MaxItems: 1000})
		if err != nil {
			return err
		}
		for _, it := range page.Items {
			if err := fn(it); err != nil {
				return err
			}
		}
		if !page.IsTruncated {
			return nil
		}
		marker = page.Marker
	}
	return nil
}

// compileSet compiles a user's or role's policies as the authorizer does.
func compileSet(pp iam.PrincipalPolicies) (*policy.Set, error) {
	set := &policy.Set{}
	for _, np := range pp.Identity {
		p, err := compile(np, policy.Identity)
		if err != nil {
			return nil, err
		}
		set.Identity = append(set.Identity, p)
	}
	if pp.Boundary != nil && pp.Boundary.Document != "" {
		p, err := compile(*pp.Boundary, policy.Boundary)
		if err != nil {
			return nil, err
		}
		set.Boundary = p
	}
	return set, nil
}

func (b *builder) compileGroup(gi *groupInfo) error {
	add := func(name, doc string) error {
		p, err := compile(iam.NamedPolicy{Name: name, Document: doc}, policy.Identity)
		if err != nil {
			return err
		}
		gi.identity = append(gi.identity, p)
		return nil
	}
	names := make([]string, 0, len(gi.group.InlinePolicies))
	for n := range gi.group.InlinePolicies {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if err := add(n, gi.group.InlinePolicies[n]); err != nil {
			return err
		}
	}
	for _, pa := range gi.group.AttachedPolicies {
		doc, err := b.iam.PolicyDocument(b.ctx, gi.group.Account, pa)
		if err != nil {
			continue // detached since, or gone
		}
		if err := add(pa, doc); err != nil {
			return err
		}
	}
	return nil
}

func compile(np iam.NamedPolicy, kind policy.Kind) (*policy.Policy, error) {
	p, err := policy.Parse([]byte(np.Document), kind)
	if err != nil {
		return nil, fmt.Errorf("stored policy %s no longer parses: %w", np.Name, err)
	}
	p.Name = np.Name
	return p, nil
}
