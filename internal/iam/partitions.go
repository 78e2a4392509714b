package iam

import (
	"context"
	"errors"

	"github.com/iamd-dev/iamd/internal/arn"
	"github.com/iamd-dev/iamd/internal/docstore"
)

// An account belongs to one AWS partition (aws, aws-cn, aws-us-gov, ...), chosen when it is
// created: its entities' ARNs, its sessions' and the AWS managed policies it attaches
// (arn:aws-cn:iam::aws:policy/...) all name it, and an ARN of another partition names nothing
// of the account.

// partitionOf returns the account's partition: aws for an account stored without one, or
// for one this server does not hold (whose entities do not exist either).
func partitionOf(tx docstore.Tx, account string) (string, error) {
	var a Account
	err := tx.Get(docstore.Key{Collection: colAccount, ID: account}, &a)
	if errors.Is(err, docstore.ErrNotFound) {
		return arn.AWS, nil
	}
	return arn.OrDefault(a.Partition), err
}

// Partition returns the partition of the account (aws for an account the server does not
// hold).
func (s *Service) Partition(ctx context.Context, account string) (string, error) {
	var p string
	err := s.view(ctx, func(tx docstore.Tx) (err error) {
		p, err = partitionOf(tx, account)
		return err
	})
	return p, err
}

// stored returns how an entity's partition is kept: "" for aws, as records written before
// partitions were kept have it.
func stored(partition string) string {
	if partition == arn.AWS {
		return ""
	}
	return partition
}
