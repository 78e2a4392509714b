package iamapi

import "github.com/iamd-dev/iamd/internal/awserr"

// require refuses a call without one of the parameters AWS requires, as AWS's validation
// does: pairs of the parameter and its member name in the message (ServerCertificateName,
// serverCertificateName).
func (c *call) require(pairs ...string) error {
	for i := 0; i+1 < len(pairs); i += 2 {
		if !c.q.Has(pairs[i]) {
			return awserr.ValidationError("1 validation error detected: Value null at '%s' failed to satisfy constraint: Member must not be null", pairs[i+1])
		}
	}
	return nil
}
