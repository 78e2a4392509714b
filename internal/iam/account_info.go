package iam

import (
	"context"
	"errors"
	"strings"

	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/docstore"
)

// colAccountAlias indexes account aliases (account "", id the alias): an alias names one
// account on the whole server, as it does in an AWS partition.
const colAccountAlias = "iam.account-alias"

type accountAliasDoc struct {
	Alias   string `json:"alias"`
	Account string `json:"account"`
}

// checkAccountAlias is AWS's ^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$ (Go's regexp has no
// look-ahead), with AWS's message for a value that does not match.
func checkAccountAlias(alias string) error {
	ok := len(alias) >= 3 && len(alias) <= 63
	for i := 0; ok && i < len(alias); i++ {
		c := alias[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case c == '-':
			ok = i > 0 && i < len(alias)-1 && alias[i+1] != '-'
		default:
			ok = false
		}
	}
	if !ok {
		return awserr.ValidationError("The specified value for accountAlias is invalid. It must be a minimum length of 3 characters and maximum length of 63 characters, contain only digits, lowercase letters, and hyphens (-), but cannot begin or end with a hyphen.")
	}
	return nil
}

func loadAccountDoc(tx docstore.Tx, id string, a *Account) error {
	err := tx.Get(docstore.Key{Collection: colAccount, ID: id}, a)
	if errors.Is(err, docstore.ErrNotFound) {
		return awserr.NoSuchEntity("The account %s does not exist.", id)
	}
	return err
}

// CreateAccountAlias gives the account an alias, replacing the one it has (an account has
// one alias at most). An alias already held, by this account or another, is refused.
func (s *Service) CreateAccountAlias(ctx context.Context, account, alias string) error {
	if err := checkAccountAlias(alias); err != nil {
		return err
	}
	return s.update(ctx, func(tx docstore.Tx) error {
		var a Account
		if err := loadAccountDoc(tx, account, &a); err != nil {
			return err
		}
		err := tx.Insert(docstore.Key{Collection: colAccountAlias, ID: alias}, &accountAliasDoc{Alias: alias, Account: account})
		if errors.Is(err, docstore.ErrConflict) {
			return awserr.EntityAlreadyExists("The account alias %s already exists.", alias)
		}
		if err != nil {
			return err
		}
		if a.Alias != "" {
			if err := tx.Delete(docstore.Key{Collection: colAccountAlias, ID: a.Alias}); err != nil && !errors.Is(err, docstore.ErrNotFound) {
				return err
			}
		}
		a.Alias = alias
		return tx.Put(docstore.Key{Collection: colAccount, ID: account}, &a)
	})
}

// DeleteAccountAlias removes the account's alias, which must be the one named.
func (s *Service) DeleteAccountAlias(ctx context.Context, account, alias string) error {
	if err := checkAccountAlias(alias); err != nil {
		return err
	}
	return s.update(ctx, func(tx docstore.Tx) error {
		var a Account
		if err := loadAccountDoc(tx, account, &a); err != nil {
			return err
		}
		if a.Alias != alias {
			return awserr.NoSuchEntity("The account alias %s cannot be found.", alias)
		}
		if err := tx.Delete(docstore.Key{Collection: colAccountAlias, ID: alias}); err != nil && !errors.Is(err, docstore.ErrNotFound) {
			return err
		}
		a.Alias = ""
		return tx.Put(docstore.Key{Collection: colAccount, ID: account}, &a)
	})
}

// ListAccountAliases lists the account's alias (none or one).
func (s *Service) ListAccountAliases(ctx context.Context, account string, p Page) (PageOf[string], error) {
	var a Account
	if err := s.view(ctx, func(tx docstore.Tx) error { return loadAccountDoc(tx, account, &a) }); err != nil {
		return PageOf[string]{}, err
	}
	var aliases []string
	if a.Alias != "" {
		aliases = append(aliases, a.Alias)
	}
	return paginate(aliases, func(s string) string { return s }, p)
}

// SummaryEntry is one entry of GetAccountSummary's SummaryMap.
type SummaryEntry struct {
	Key   string
	Value int
}

// Default IAM quotas as GetAccountSummary reports them (IAM User Guide, "IAM and AWS STS
// quotas").
var summaryQuotas = []SummaryEntry{
	{"UsersQuota", 5000},
	{"GroupsQuota", 300},
	{"RolesQuota", 1000},
	{"PoliciesQuota", 1500},
	{"InstanceProfilesQuota", maxInstanceProfilesPerAccount},
	{"ServerCertificatesQuota", 20},
	{"UserPolicySizeQuota", 2048},
	{"GroupPolicySizeQuota", 5120},
	{"RolePolicySizeQuota", 10240},
	{"AssumeRolePolicySizeQuota", 2048},
	{"PolicySizeQuota", 6144},
	{"GroupsPerUserQuota", 10},
	{"SigningCertificatesPerUserQuota", 2},
	{"AccessKeysPerUserQuota", 2},
	{"AttachedPoliciesPerUserQuota", 10},
	{"AttachedPoliciesPerGroupQuota", 10},
	{"AttachedPoliciesPerRoleQuota", 10},
	{"VersionsPerPolicyQuota", 5},
	{"PolicyVersionsInUseQuota", 10000},
}

// GetAccountSummary counts the account's IAM entities and reports its quotas, with the
// keys AWS uses.
func (s *Service) GetAccountSummary(ctx context.Context, account string) ([]SummaryEntry, error) {
	var out []SummaryEntry
	err := s.view(ctx, func(tx docstore.Tx) error {
		var a Account
		if err := loadAccountDoc(tx, account, &a); err != nil {
			return err
		}
		counts := map[string]string{
			"Users": colUser, "Groups": colGroup, "Roles": colRole, "Policies": colPolicy,
			"InstanceProfiles": colInstanceProfile,
		}
		for _, name := range []string{"Users", "Groups", "Roles", "Policies", "InstanceProfiles"} {
			n, err := listCount(tx, counts[name], account)
			if err != nil {
				return err
			}
			out = append(out, SummaryEntry{name, n})
		}
		inUse, err := attachedPolicyCount(tx, account)
		if err != nil {
			return err
		}
		rootKeys, err := rootHasAccessKey(tx, account)
		if err != nil {
			return err
		}
		rootCerts, err := countOwned(tx, colSigningCertificate, account, credentialOwner{key: rootOwner})
		if err != nil {
			return err
		}
		serverCerts, err := tx.Count(colServerCertificate, account, "")
		if err != nil {
			return err
		}
		tokenVersion, err := globalEndpointTokenVersion(tx, account)
		if err != nil {
			return err
		}
		out = append(out,
			SummaryEntry{"PolicyVersionsInUse", inUse},
			SummaryEntry{"AccountAccessKeysPresent", summaryFlag(rootKeys)},
			SummaryEntry{"AccountMFAEnabled", 0},
			SummaryEntry{"AccountSigningCertificatesPresent", summaryFlag(rootCerts > 0)},
			SummaryEntry{"MFADevices", 0},
			SummaryEntry{"MFADevicesInUse", 0},
			SummaryEntry{"Providers", 0},
			SummaryEntry{"ServerCertificates", serverCerts},
			SummaryEntry{"GlobalEndpointTokenVersion", tokenVersion},
		)
		out = append(out, summaryQuotas...)
		return countMFADevices(tx, account, out)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func summaryFlag(b bool) int {
	if b {
		return 1
	}
	return 0
}

// attachedPolicyCount is the number of managed policy attachments of the account's users, groups
// and roles (a counter kept with the holder index): each is a policy version in use.
func attachedPolicyCount(tx docstore.Tx, account string) (int, error) {
	return listCount(tx, attachmentsCounted, account)
}

// rootHasAccessKey reports whether the account's root user has an access key.
func rootHasAccessKey(tx docstore.Tx, account string) (bool, error) {
	n, err := tx.Count(colUserAccessKey, account, userKeyPrefix(""))
	return n > 0, err
}

// authorizationFilters are the entity types of GetAccountAuthorizationDetails' Filter.
// AWSManagedPolicy selects the AWS managed policies the account uses.
var authorizationFilters = []string{"User", "Role", "Group", "LocalManagedPolicy", "AWSManagedPolicy"}

// RoleDetail is a role with the instance profiles it is in, for GetAccountAuthorizationDetails.
type RoleDetail struct {
	Role             Role
	InstanceProfiles []InstanceProfileWithRoles
}

// AuthorizationDetails is one page of GetAccountAuthorizationDetails: the entities on it,
// each list in name order.
type AuthorizationDetails struct {
	Users       []User
	Groups      []Group
	Roles       []RoleDetail
	Policies    []ManagedPolicy
	IsTruncated bool
	Marker      string
}

// authzItem is one entity of GetAccountAuthorizationDetails; the sort id orders users, then
// groups, then roles, then policies, each by name, so that one marker pages through all: it
// is the kind's digit and the entity's store id (account_details_page.go).
type authzItem struct {
	sortID string
	user   *User
	group  *Group
	role   *Role
	policy *ManagedPolicy
}

// GetAccountAuthorizationDetails returns the account's users, groups, roles and customer
// managed policies (those of the filter's types, all when it is empty) with their policies.
func (s *Service) GetAccountAuthorizationDetails(ctx context.Context, account string, filter []string, p Page) (*AuthorizationDetails, error) {
	want := map[string]bool{}
	for _, f := range filter {
		ok := false
		for _, v := range authorizationFilters {
			ok = ok || f == v
		}
		if !ok {
			return nil, awserr.ValidationError("1 validation error detected: Value '[%s]' at 'filter' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [%s]]",
				strings.Join(filter, ", "), strings.Join(authorizationFilters, ", "))
		}
		want[f] = true
	}
	all := len(want) == 0
	out := &AuthorizationDetails{}
	err := s.view(ctx, func(tx docstore.Tx) error {
		page, err := authorizationPage(tx, account, func(f string) bool { return all || want[f] }, p)
		if err != nil {
			return err
		}
		out.IsTruncated, out.Marker = page.IsTruncated, page.Marker
		for _, it := range page.Items {
			switch {
			case it.user != nil:
				out.Users = append(out.Users, *it.user)
			case it.group != nil:
				out.Groups = append(out.Groups, *it.group)
			case it.role != nil:
				d := RoleDetail{Role: *it.role}
				if err := showTrust(tx, &d.Role); err != nil {
					return err
				}
				profiles, err := rolesProfiles(tx, it.role)
				if err != nil {
					return err
				}
				for i := range profiles {
					roles, err := profileRoles(tx, &profiles[i])
					if err != nil {
						return err
					}
					d.InstanceProfiles = append(d.InstanceProfiles, InstanceProfileWithRoles{Profile: profiles[i], Roles: roles})
				}
				out.Roles = append(out.Roles, d)
			case it.policy != nil:
				out.Policies = append(out.Policies, *it.policy)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
