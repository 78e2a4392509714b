package imds

import (
	"context"
	"sync"
	"time"

	"github.com/iamd-dev/iamd/internal/ec2"
)

// Rotation: EC2 makes new credentials available well before the old ones expire (at least
// five minutes before, per the EC2 User Guide; in practice about every hour for six-hour
// credentials). iamd renews a session once it is an hour old or has less than
// renewBefore left, whichever comes first; SDKs refresh ahead of Expiration (botocore 15
// minutes, the Go SDK 5), so they always find fresh credentials.
const (
	renewEvery  = time.Hour
	renewBefore = 20 * time.Minute
)

// credsCache holds an instance's current role session.
type credsCache struct {
	mu      sync.Mutex
	key     string // association id and role ARN the session is for
	creds   *ec2.RoleCredentials
	renewAt time.Time
}

// get returns the instance's role session, renewing it when it is due, when the
// instance's association or its profile's role has changed, or when the master key it was
// sealed under has been rotated away.
func (c *credsCache) get(ctx context.Context, svc *ec2.Service, inst *ec2.Instance, role *ec2.Profile, now time.Time) (*ec2.RoleCredentials, error) {
	key := inst.Profile.ID + "\x00" + role.RoleARN
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.creds != nil && c.key == key && now.Before(c.renewAt) && svc.Current(c.creds) {
		return c.creds, nil
	}
	rc, err := svc.RoleCredentials(ctx, inst, role)
	if err != nil {
		return nil, err
	}
	if rc.Denied {
		c.creds = nil // ask again next time: the trust policy may be fixed
		return rc, nil
	}
	c.key, c.creds = key, rc
	life := rc.Credentials.Expiration.Sub(rc.IssuedAt)
	c.renewAt = rc.IssuedAt.Add(min(renewEvery, life-renewBefore))
	return rc, nil
}
