package ec2

import "github.com/iamd-dev/iamd/internal/awserr"

// maxFilterValues is how many filter values EC2 takes in one call, across its filters.
const maxFilterValues = 200

// checkFilterLimit refuses a call with more filter values than EC2 takes
// (FilterLimitExceeded), before any is matched against an instance.
func checkFilterLimit(filters []Filter) error {
	n := 0
	for _, f := range filters {
		n += max(len(f.Values), 1)
	}
	if n > maxFilterValues {
		return awserr.New("FilterLimitExceeded",
			"The maximum number of filter values specified on a single call is %d", maxFilterValues)
	}
	return nil
}
