package iam

import (
	"context"
	"strings"

	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/docstore"
	"github.com/iamd-dev/iamd/internal/policy"
)

// Inline policies of users, groups and roles: Put/Get/Delete/List{User,Group,Role}Policy
// (Policies) are these, for the kind of the document they are given. Policies are kept by
// name; IAM finds them without regard to case.

// maxPolicyNameLength bounds policyNameType, the PolicyName parameter of every kind.
const maxPolicyNameLength = 128

func checkPolicyName(name string) error {
	return checkName(name, "policyName", maxPolicyNameLength)
}

// putInlinePolicy adds or replaces an inline policy of the entity named entityName (of
// doc's kind), within the kind's quota on the size of all its inline policies together.
func (s *Service) putInlinePolicy(ctx context.Context, doc entityDoc, account, entityName, policyName, document string) error {
	k := doc.kind()
	if err := k.checkExistingName(entityName); err != nil {
		return err
	}
	if err := checkPolicyName(policyName); err != nil {
		return err
	}
	if err := checkPolicy(document, policy.Identity); err != nil {
		return err
	}
	return s.changeEntity(ctx, account, entityName, doc, func(docstore.Tx) error {
		if err := protectedRole(doc); err != nil {
			return err
		}
		policies := doc.inlinePolicies()
		next := putInline(*policies, policyName, document)
		if inlineSize(next) > k.maxInlinePolicySize {
			return awserr.LimitExceeded("Maximum policy size of %d bytes exceeded for %s %s", k.maxInlinePolicySize, k.noun, doc.entityName())
		}
		*policies = next
		return nil
	})
}

// getInlinePolicy returns an inline policy's document.
func (s *Service) getInlinePolicy(ctx context.Context, doc entityDoc, account, entityName, policyName string) (string, error) {
	if err := checkInlinePolicyRef(doc.kind(), entityName, policyName); err != nil {
		return "", err
	}
	if err := s.viewEntity(ctx, account, entityName, doc); err != nil {
		return "", err
	}
	policies := *doc.inlinePolicies()
	name, ok := inlineName(policies, policyName)
	if !ok {
		return "", noSuchInlinePolicy(doc.kind(), policyName)
	}
	return policies[name], nil
}

// deleteInlinePolicy deletes an inline policy.
func (s *Service) deleteInlinePolicy(ctx context.Context, doc entityDoc, account, entityName, policyName string) error {
	if err := checkInlinePolicyRef(doc.kind(), entityName, policyName); err != nil {
		return err
	}
	return s.changeEntity(ctx, account, entityName, doc, func(docstore.Tx) error {
		if err := protectedRole(doc); err != nil {
			return err
		}
		policies := *doc.inlinePolicies()
		name, ok := inlineName(policies, policyName)
		if !ok {
			return noSuchInlinePolicy(doc.kind(), policyName)
		}
		delete(policies, name)
		return nil
	})
}

// listInlinePolicies lists the names of an entity's inline policies in name order.
func (s *Service) listInlinePolicies(ctx context.Context, doc entityDoc, account, entityName string, p Page) (PageOf[string], error) {
	if err := s.viewListed(ctx, account, entityName, doc, p); err != nil {
		return PageOf[string]{}, err
	}
	return paginate(sortedNames(*doc.inlinePolicies()), strings.ToLower, p)
}

// checkInlinePolicyRef validates the parameters that name an inline policy, in AWS's order.
func checkInlinePolicyRef(k *entityKind, entityName, policyName string) error {
	if err := k.checkExistingName(entityName); err != nil {
		return err
	}
	return checkPolicyName(policyName)
}

func noSuchInlinePolicy(k *entityKind, policyName string) error {
	return awserr.NoSuchEntity("The %s policy with name %s cannot be found.", k.noun, policyName)
}

// putInline returns the policies with name's document put in, replacing a policy of the
// name in any case.
func putInline(m map[string]string, name, doc string) map[string]string {
	out := make(map[string]string, len(m)+1)
	for k, v := range m {
		if !strings.EqualFold(k, name) {
			out[k] = v
		}
	}
	out[name] = doc
	return out
}

// inlineName returns the name a policy is stored by, found without regard to case.
func inlineName(m map[string]string, name string) (string, bool) {
	for k := range m {
		if strings.EqualFold(k, name) {
			return k, true
		}
	}
	return "", false
}

// inlineSize is how IAM measures inline policies against the quota: names and documents
// without white space.
func inlineSize(m map[string]string) int {
	n := 0
	for k, v := range m {
		n += len(k) + policySize(v)
	}
	return n
}

// sortedNames returns the policies' names sorted without regard to case.
func sortedNames(m map[string]string) []string {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	return sortedList(names)
}
