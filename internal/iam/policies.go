package iam

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/iamd-dev/iamd/internal/arn"
	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/docstore"
	"github.com/iamd-dev/iamd/internal/managedpolicies"
)

// Managed policy quotas (IAM User Guide, "IAM and AWS STS quotas").
const (
	maxManagedPolicySize = 6144 // PolicySize, counted without white space
	maxPolicyVersions    = 5
)

var (
	// policyPathPattern is AWS's policyPathType, stricter than the path of other entities.
	policyPathPattern = regexp.MustCompile(`^((/[A-Za-z0-9\.,\+@=_-]+)*)/$`)
	versionIDPattern  = regexp.MustCompile(`^v[1-9][0-9]*(\.[A-Za-z0-9-]*)?$`)
)

// CreatePolicyInput is CreatePolicy's parameters.
type CreatePolicyInput struct {
	Account     string
	Name        string
	Path        string
	Description string
	Document    string
	Tags        []Tag
}

// CreatePolicy creates a customer managed policy with its document as version v1.
func (s *Service) CreatePolicy(ctx context.Context, in CreatePolicyInput) (*ManagedPolicy, error) {
	if err := checkPolicyName(in.Name); err != nil {
		return nil, err
	}
	path, err := checkPolicyPath(in.Path, "path")
	if err != nil {
		return nil, err
	}
	if err := checkManagedPolicyDocument(in.Document); err != nil {
		return nil, err
	}
	if err := checkDescription(in.Description); err != nil {
		return nil, err
	}
	if err := checkTags(in.Tags); err != nil {
		return nil, err
	}
	now := s.clock()
	p := &ManagedPolicy{
		Account: in.Account, Name: in.Name, ID: newID(prefixPolicy), Path: path, Description: in.Description,
		CreateDate: now, UpdateDate: now, DefaultVersion: "v1", NextVersion: 2,
		Versions: []PolicyVersion{{ID: "v1", Document: in.Document, CreateDate: now}},
		Tags:     in.Tags,
	}
	err = s.update(ctx, func(tx docstore.Tx) error {
		partition, err := partitionOf(tx, in.Account)
		if err != nil {
			return err
		}
		p.Partition = stored(partition)
		err = tx.Insert(key(colPolicy, in.Account, in.Name), p)
		if errors.Is(err, docstore.ErrConflict) {
			return awserr.EntityAlreadyExists("A policy called %s already exists. Duplicate names are not allowed.", in.Name)
		}
		if err != nil {
			return err
		}
		return listedAdd(tx, colPolicy, in.Account, p.Path, p.Name)
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// GetPolicy returns a customer managed policy by its ARN.
func (s *Service) GetPolicy(ctx context.Context, account, policyARN string) (*ManagedPolicy, error) {
	var p ManagedPolicy
	err := s.view(ctx, func(tx docstore.Tx) error { return getManagedPolicy(tx, account, policyARN, &p) })
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// getManagedPolicy reads a policy of the account by ARN, with AWS's error when there is none.
func getManagedPolicy(tx docstore.Tx, account, policyARN string, p *ManagedPolicy) error {
	err := findManagedPolicy(tx, account, policyARN, p)
	if errors.Is(err, docstore.ErrNotFound) {
		return awserr.NoSuchEntity("Policy %s was not found.", policyARN)
	}
	return err
}

// findManagedPolicy validates a policy ARN and reads the policy it names, returning
// docstore.ErrNotFound when the account has no such policy (an AWS managed policy, another
// account's, a wrong path).
func findManagedPolicy(tx docstore.Tx, account, policyARN string, p *ManagedPolicy) error {
	if err := checkPolicyARN(policyARN); err != nil {
		return err
	}
	if managedpolicies.IsAWSManaged(policyARN) {
		return awsManagedPolicy(tx, account, policyARN, p)
	}
	name, ok := policyNameFromARN(account, policyARN)
	if !ok {
		return docstore.ErrNotFound
	}
	if err := tx.Get(key(colPolicy, account, name), p); err != nil {
		return err
	}
	if p.ARN() != policyARN {
		return docstore.ErrNotFound
	}
	return nil
}

// changePolicy reads a policy, lets fn change it, and stores it, in one transaction.
func (s *Service) changePolicy(ctx context.Context, account, policyARN string, fn func(tx docstore.Tx, p *ManagedPolicy) error) (*ManagedPolicy, error) {
	var p ManagedPolicy
	err := s.update(ctx, func(tx docstore.Tx) error {
		if err := getManagedPolicy(tx, account, policyARN, &p); err != nil {
			return err
		}
		if p.IsAWSManaged() {
			return awsManagedImmutable(policyARN)
		}
		if err := fn(tx, &p); err != nil {
			return err
		}
		return tx.Put(key(colPolicy, account, p.Name), &p)
	})
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// DeletePolicy deletes a policy that is attached to nothing, is no permissions boundary and
// has no version but its default one.
func (s *Service) DeletePolicy(ctx context.Context, account, policyARN string) error {
	return s.update(ctx, func(tx docstore.Tx) error {
		var p ManagedPolicy
		if err := getManagedPolicy(tx, account, policyARN, &p); err != nil {
			return err
		}
		switch {
		case p.IsAWSManaged():
			return awsManagedImmutable(policyARN)
		case p.AttachmentCount > 0 || p.BoundaryUseCount > 0:
			return awserr.DeleteConflict("Cannot delete a policy attached to entities.")
		case len(p.Versions) > 1:
			return awserr.DeleteConflict("This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.")
		}
		if err := tx.Delete(key(colPolicy, account, p.Name)); err != nil {
			return err
		}
		return listedRemove(tx, colPolicy, account, p.Path, p.Name)
	})
}

// ListPoliciesInput is ListPolicies' parameters.
type ListPoliciesInput struct {
	Account      string
	Scope        string // All (default), AWS or Local
	OnlyAttached bool
	PathPrefix   string
	UsageFilter  string // "", PermissionsPolicy or PermissionsBoundary
	Page         Page
}

// ListPolicies lists managed policies in name order: the account's own (Scope Local), the
// AWS managed ones with the account's use of them (Scope AWS), or both (All, the default).
//
// Every customer managed policy can serve as a permissions policy and as a boundary, so the
// usage filter narrows the list only together with OnlyAttached: to the policies attached as
// permissions policies, or to those in use as boundaries.
func (s *Service) ListPolicies(ctx context.Context, in ListPoliciesInput) (PageOf[ManagedPolicy], error) {
	if err := checkEnumParam(in.Scope, "scope", "All", "AWS", "Local"); err != nil {
		return PageOf[ManagedPolicy]{}, err
	}
	if err := checkEnumParam(in.UsageFilter, "policyUsageFilter", "PermissionsPolicy", "PermissionsBoundary"); err != nil {
		return PageOf[ManagedPolicy]{}, err
	}
	prefix, err := checkPolicyPath(in.PathPrefix, "pathPrefix")
	if err != nil {
		return PageOf[ManagedPolicy]{}, err
	}
	keep := func(p *ManagedPolicy) bool {
		if in.OnlyAttached {
			switch in.UsageFilter {
			case "PermissionsPolicy":
				return p.AttachmentCount > 0
			case "PermissionsBoundary":
				return p.BoundaryUseCount > 0
			default:
				return p.AttachmentCount > 0 || p.BoundaryUseCount > 0
			}
		}
		return true
	}
	max, err := in.Page.maxItems()
	if err != nil {
		return PageOf[ManagedPolicy]{}, err
	}
	after, err := decodeMarker(in.Page.Marker)
	if err != nil {
		return PageOf[ManagedPolicy]{}, err
	}
	// The customer managed policies come from the store after the marker's store cursor;
	// the AWS managed ones from the embedded list. Both are merged in the order of
	// policySortID, which puts a customer policy before an AWS one of the same name.
	var local, aws []ManagedPolicy
	err = s.view(ctx, func(tx docstore.Tx) error {
		if in.Scope != "AWS" {
			cursor, _, _ := strings.Cut(after, "\x00")
			var err error
			index := colPolicy
			if in.OnlyAttached {
				index = policiesInUse
			}
			local, _, err = readListed[ManagedPolicy](tx, colPolicy, index, in.Account, prefix, cursor, max+1, keep)
			if err != nil {
				return err
			}
		}
		if in.Scope == "Local" {
			return nil
		}
		uses, err := awsPolicyUses(tx, in.Account)
		if err != nil {
			return err
		}
		partition, err := partitionOf(tx, in.Account)
		if err != nil {
			return err
		}
		for _, mp := range managedpolicies.Default().Policies {
			if !strings.HasPrefix(mp.Path, prefix) {
				continue
			}
			p := fromAWSManaged(mp, partition, false)
			u := uses[p.ARN()]
			p.AttachmentCount, p.BoundaryUseCount = u.AttachmentCount, u.BoundaryUseCount
			if keep(&p) && (after == "" || policySortID(&p, prefix) > after) {
				aws = append(aws, p)
			}
		}
		return nil
	})
	if err != nil {
		return PageOf[ManagedPolicy]{}, err
	}
	sort.Slice(aws, func(i, j int) bool { return policySortID(&aws[i], prefix) < policySortID(&aws[j], prefix) })
	var out PageOf[ManagedPolicy]
	for len(out.Items) < max && (len(local) > 0 || len(aws) > 0) {
		if len(aws) == 0 || (len(local) > 0 && policySortID(&local[0], prefix) < policySortID(&aws[0], prefix)) {
			out.Items, local = append(out.Items, local[0]), local[1:]
		} else {
			out.Items, aws = append(out.Items, aws[0]), aws[1:]
		}
	}
	if len(local) > 0 || len(aws) > 0 {
		out.IsTruncated, out.Marker = true, encodeMarker(policySortID(&out.Items[len(out.Items)-1], prefix))
	}
	return out, nil
}

// policySortID orders ListPolicies: by the store cursor of readListed (the lower-cased name
// for every path, path and name under a PathPrefix), then by account, AWS's last.
func policySortID(p *ManagedPolicy, prefix string) string {
	id := strings.ToLower(p.Name)
	if prefix != "/" {
		id = pathIndexID(p.Path, p.Name)
	}
	return id + "\x00" + p.Account
}

// CreatePolicyVersion adds a version to a policy, which becomes the default one when
// setAsDefault is true.
func (s *Service) CreatePolicyVersion(ctx context.Context, account, policyARN, document string, setAsDefault bool) (*PolicyVersion, error) {
	if err := checkManagedPolicyDocument(document); err != nil {
		return nil, err
	}
	var v PolicyVersion
	_, err := s.changePolicy(ctx, account, policyARN, func(_ docstore.Tx, p *ManagedPolicy) error {
		if len(p.Versions) >= maxPolicyVersions {
			return awserr.LimitExceeded("A managed policy can have up to %d versions. Before you create a new version, you must delete an existing version.", maxPolicyVersions)
		}
		if p.NextVersion < 2 {
			p.NextVersion = len(p.Versions) + 1
		}
		now := s.clock()
		v = PolicyVersion{ID: "v" + strconv.Itoa(p.NextVersion), Document: document, CreateDate: now}
		p.NextVersion++
		p.Versions = append(p.Versions, v)
		p.UpdateDate = now
		if setAsDefault {
			p.DefaultVersion = v.ID
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &v, nil
}

// GetPolicyVersion returns one version of a policy, with the policy.
func (s *Service) GetPolicyVersion(ctx context.Context, account, policyARN, versionID string) (*ManagedPolicy, *PolicyVersion, error) {
	if err := checkVersionID(versionID); err != nil {
		return nil, nil, err
	}
	p, err := s.GetPolicy(ctx, account, policyARN)
	if err != nil {
		return nil, nil, err
	}
	i := p.versionIndex(versionID)
	if i < 0 {
		return nil, nil, noSuchVersion(policyARN, versionID)
	}
	return p, &p.Versions[i], nil
}

// ListPolicyVersions lists a policy's versions, the newest first, with the policy.
func (s *Service) ListPolicyVersions(ctx context.Context, account, policyARN string, pg Page) (*ManagedPolicy, PageOf[PolicyVersion], error) {
	p, err := s.GetPolicy(ctx, account, policyARN)
	if err != nil {
		return nil, PageOf[PolicyVersion]{}, err
	}
	versions := append([]PolicyVersion(nil), p.Versions...)
	sort.Slice(versions, func(i, j int) bool { return versionNumber(versions[i].ID) > versionNumber(versions[j].ID) })
	page, err := paginate(versions, func(v PolicyVersion) string {
		return fmt.Sprintf("%010d", 1<<30-versionNumber(v.ID))
	}, pg)
	if err != nil {
		return nil, PageOf[PolicyVersion]{}, err
	}
	return p, page, nil
}

// DeletePolicyVersion deletes a version that is not the default one.
func (s *Service) DeletePolicyVersion(ctx context.Context, account, policyARN, versionID string) error {
	if err := checkVersionID(versionID); err != nil {
		return err
	}
	_, err := s.changePolicy(ctx, account, policyARN, func(_ docstore.Tx, p *ManagedPolicy) error {
		i := p.versionIndex(versionID)
		switch {
		case i < 0:
			return noSuchVersion(policyARN, versionID)
		case p.Versions[i].ID == p.DefaultVersion:
			return awserr.DeleteConflict("Cannot delete the default version of a policy.")
		}
		p.Versions = append(p.Versions[:i:i], p.Versions[i+1:]...)
		return nil
	})
	return err
}

// SetDefaultPolicyVersion makes a version the one in force.
func (s *Service) SetDefaultPolicyVersion(ctx context.Context, account, policyARN, versionID string) error {
	if err := checkVersionID(versionID); err != nil {
		return err
	}
	_, err := s.changePolicy(ctx, account, policyARN, func(_ docstore.Tx, p *ManagedPolicy) error {
		i := p.versionIndex(versionID)
		if i < 0 {
			return noSuchVersion(policyARN, versionID)
		}
		p.DefaultVersion = p.Versions[i].ID
		return nil
	})
	return err
}

// TagPolicy adds or replaces tags of a policy.
func (s *Service) TagPolicy(ctx context.Context, account, policyARN string, tags []Tag) error {
	if err := checkTags(tags); err != nil {
		return err
	}
	_, err := s.changePolicy(ctx, account, policyARN, func(_ docstore.Tx, p *ManagedPolicy) error {
		return addTags(&p.Tags, tags)
	})
	return err
}

// UntagPolicy removes tags of a policy by key.
func (s *Service) UntagPolicy(ctx context.Context, account, policyARN string, keys []string) error {
	if err := checkTagKeys(keys); err != nil {
		return err
	}
	_, err := s.changePolicy(ctx, account, policyARN, func(_ docstore.Tx, p *ManagedPolicy) error {
		removeTags(&p.Tags, keys)
		return nil
	})
	return err
}

// ListPolicyTags lists a policy's tags in the order they were added.
func (s *Service) ListPolicyTags(ctx context.Context, account, policyARN string, pg Page) (PageOf[Tag], error) {
	p, err := s.GetPolicy(ctx, account, policyARN)
	if err != nil {
		return PageOf[Tag]{}, err
	}
	return paginateInOrder(p.Tags, pg)
}

// DefaultVersionDocument returns the document of the policy's default version.
func (p *ManagedPolicy) DefaultVersionDocument() string {
	if i := p.versionIndex(p.DefaultVersion); i >= 0 {
		return p.Versions[i].Document
	}
	return ""
}

func (p *ManagedPolicy) versionIndex(id string) int {
	for i, v := range p.Versions {
		if v.ID == id {
			return i
		}
	}
	return -1
}

func versionNumber(id string) int {
	s := strings.TrimPrefix(id, "v")
	if i := strings.IndexByte(s, '.'); i >= 0 {
		s = s[:i]
	}
	n, _ := strconv.Atoi(s)
	return n
}

func noSuchVersion(policyARN, versionID string) error {
	return awserr.NoSuchEntity("Policy %s version %s does not exist or is not attachable.", policyARN, versionID)
}

// checkManagedPolicyDocument validates a managed policy's document: an identity policy of
// Version 2012-10-17 within the PolicySize quota.
func checkManagedPolicyDocument(doc string) error {
	if err := checkManagedPolicy(doc); err != nil {
		return err
	}
	if policySize(doc) > maxManagedPolicySize {
		return awserr.LimitExceeded("Cannot exceed quota for PolicySize: %d", maxManagedPolicySize)
	}
	return nil
}

// checkPolicyPath validates a managed policy's path or a policy PathPrefix ("/" when empty).
func checkPolicyPath(value, member string) (string, error) {
	if value == "" {
		return "/", nil
	}
	switch {
	case len(value) > 512:
		return "", constraint(value, member, "Member must have length less than or equal to 512")
	case !policyPathPattern.MatchString(value):
		return "", constraint(value, member, `Member must satisfy regular expression pattern: ((/[A-Za-z0-9\.,\+@=_-]+)*)/`)
	}
	return value, nil
}

// checkPolicyARN validates a PolicyArn parameter: its length, and that it is an ARN at all.
func checkPolicyARN(value string) error {
	switch {
	case len(value) < 20:
		return constraint(value, "policyArn", "Member must have length greater than or equal to 20")
	case len(value) > 2048:
		return constraint(value, "policyArn", "Member must have length less than or equal to 2048")
	}
	a, err := arn.Parse(value)
	if err != nil || a.Service != "iam" || a.Resource == "" {
		return awserr.InvalidInput("ARN %s is not valid.", value)
	}
	return nil
}

func checkVersionID(value string) error {
	if !versionIDPattern.MatchString(value) {
		return constraint(value, "versionId", `Member must satisfy regular expression pattern: v[1-9][0-9]*(\.[A-Za-z0-9-]*)?`)
	}
	return nil
}

// checkEnumParam validates an optional enumerated parameter.
func checkEnumParam(value, member string, allowed ...string) error {
	if value == "" {
		return nil
	}
	for _, a := range allowed {
		if value == a {
			return nil
		}
	}
	return constraint(value, member, "Member must satisfy enum value set: ["+strings.Join(allowed, ", ")+"]")
}
