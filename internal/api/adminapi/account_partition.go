package adminapi

import (
	"github.com/iamd-dev/iamd/internal/arn"
	"github.com/iamd-dev/iamd/internal/awserr"
)

// accountPartition is the partition CreateAccount makes the account in: the one Partition
// names (aws, aws-cn, aws-us-gov, ...), or the one of the region Region names (cn-north-1:
// aws-cn), or else the creating account's own. An account belongs to one partition for
// good: its ARNs name it, and only requests signed for its partition's regions reach it.
func accountPartition(c call) (string, error) {
	partition, region := c.In.Get("Partition"), c.In.Get("Region")
	if partition != "" && !arn.IsPartition(partition) {
		return "", awserr.ValidationError("Partition %q is not an AWS partition.", partition)
	}
	if region != "" {
		if partition != "" && arn.PartitionOf(region) != partition {
			return "", awserr.ValidationError("Region %s is not in the partition %s.", region, partition)
		}
		return arn.PartitionOf(region), nil
	}
	if partition != "" {
		return partition, nil
	}
	return c.Caller.Principal.Partition(), nil
}
