package iam

import (
	"encoding/json"
	"errors"

	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/docstore"
	"github.com/iamd-dev/iamd/internal/managedpolicies"
)

// AWS managed policies (arn:aws:iam::aws:policy/PATH/NAME) are shared by every account and
// read from the embedded managedpolicies data; nothing of them is stored but, per account,
// how many of its entities use each one (AttachmentCount and PermissionsBoundaryUsageCount
// are counted per account, as AWS reports them).
const colAWSPolicyUse = "iam.aws-policy-use" // id: the policy's ARN

// awsAccount is the account of AWS managed policies in their ARN.
const awsAccount = "aws"

// awsPolicyUse is how an account uses one AWS managed policy.
type awsPolicyUse struct {
	ARN              string `json:"arn"`
	AttachmentCount  int    `json:"attachmentCount"`
	BoundaryUseCount int    `json:"boundaryUseCount"`
}

// IsAWSManaged reports whether the policy is an AWS managed policy.
func (p *ManagedPolicy) IsAWSManaged() bool { return p.Account == awsAccount }

// awsManagedPolicy reads an AWS managed policy with the account's use of it, or returns
// docstore.ErrNotFound.
func awsManagedPolicy(tx docstore.Tx, account, policyARN string, p *ManagedPolicy) error {
	mp, ok := managedpolicies.Lookup(policyARN)
	if !ok {
		return docstore.ErrNotFound
	}
	partition, err := partitionOf(tx, account)
	if err != nil {
		return err
	}
	*p = fromAWSManaged(mp, partition, true)
	if p.ARN() != policyARN {
		return docstore.ErrNotFound // another partition's copy: not one the account can use
	}
	var use awsPolicyUse
	switch err := tx.Get(key(colAWSPolicyUse, account, policyARN), &use); {
	case err == nil:
		p.AttachmentCount, p.BoundaryUseCount = use.AttachmentCount, use.BoundaryUseCount
	case !errors.Is(err, docstore.ErrNotFound):
		return err
	}
	return nil
}

// fromAWSManaged presents an AWS managed policy as the partition's managed policy with its
// default version (with its document when withDocument is set).
func fromAWSManaged(mp *managedpolicies.Policy, partition string, withDocument bool) ManagedPolicy {
	v := PolicyVersion{ID: mp.DefaultVersion, CreateDate: mp.UpdateDate}
	if withDocument {
		v.Document = mp.DocumentIn(partition)
	}
	return ManagedPolicy{
		Account: awsAccount, Partition: stored(partition), Name: mp.Name, ID: mp.ID, Path: mp.Path,
		CreateDate: mp.CreateDate, UpdateDate: mp.UpdateDate, DefaultVersion: mp.DefaultVersion,
		Versions: []PolicyVersion{v},
	}
}

// putPolicy stores a managed policy read by findManagedPolicy: a customer managed policy
// whole, an AWS managed one as the account's use counts only.
func putPolicy(tx docstore.Tx, account string, p *ManagedPolicy) error {
	if !p.IsAWSManaged() {
		if err := syncPolicyInUse(tx, account, p); err != nil {
			return err
		}
		return tx.Put(key(colPolicy, account, p.Name), p)
	}
	k := key(colAWSPolicyUse, account, p.ARN())
	if p.AttachmentCount <= 0 && p.BoundaryUseCount <= 0 {
		if err := tx.Delete(k); err != nil && !errors.Is(err, docstore.ErrNotFound) {
			return err
		}
		return nil
	}
	return tx.Put(k, awsPolicyUse{ARN: p.ARN(), AttachmentCount: p.AttachmentCount, BoundaryUseCount: p.BoundaryUseCount})
}

// awsPolicyUses returns the account's use of AWS managed policies by ARN.
func awsPolicyUses(tx docstore.Tx, account string) (map[string]awsPolicyUse, error) {
	uses := map[string]awsPolicyUse{}
	err := tx.List(colAWSPolicyUse, account, "", "", func(_ string, raw []byte) error {
		var u awsPolicyUse
		if err := json.Unmarshal(raw, &u); err != nil {
			return err
		}
		uses[u.ARN] = u
		return nil
	})
	return uses, err
}

// awsManagedImmutable is the answer to a change of an AWS managed policy. The API refuses
// such calls before they reach the domain (no policy can allow them, see
// policy.isProtected); this keeps the domain from storing one if a caller ever did not.
func awsManagedImmutable(policyARN string) error {
	return awserr.AccessDenied("Cannot change the AWS managed policy " + policyARN + ".")
}
