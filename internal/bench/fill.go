package bench

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"sync/atomic"

	"github.com/iamd-dev/iamd/internal/awsclient"
)

// fillPolicy is the inline policy of each role Fill creates; %d is the role's number.
const fillPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"*","Condition":{"StringLike":{"s3:prefix":"iamd-fill-%d/*"}}}]}`

// FillRoleName is the name of role n of a fill with prefix.
func FillRoleName(prefix string, n int) string { return fmt.Sprintf("%s-%07d", prefix, n) }

// Fill is the op that fills an account with roles for benchmarks, through the API: request
// n (numbered across the workers from 0) creates role FillRoleName(prefix, n), trusted by
// EC2, and puts an inline policy on it. A role that exists already is kept and given the
// policy again, so that a fill cut short may be run again to complete it. Bound the run
// with MaxRequests: the number of roles.
func Fill(c *awsclient.Client, prefix string) Op {
	var next atomic.Int64
	return Op{Run: func(ctx context.Context, _, _ int) error {
		// Both calls run to their end once begun, so that a role is not left without its
		// policy by the run's deadline; each call is bounded by the client's timeout.
		ctx = context.WithoutCancel(ctx)
		n := int(next.Add(1) - 1)
		name := FillRoleName(prefix, n)
		_, err := c.Query(ctx, "iam", url.Values{"Action": {"CreateRole"}, "Version": {"2010-05-08"},
			"RoleName": {name}, "AssumeRolePolicyDocument": {benchTrustPolicy}})
		var e *awsclient.Error
		if err != nil && !(errors.As(err, &e) && e.Code == "EntityAlreadyExists") {
			return err
		}
		_, err = c.Query(ctx, "iam", url.Values{"Action": {"PutRolePolicy"}, "Version": {"2010-05-08"},
			"RoleName": {name}, "PolicyName": {"fill"}, "PolicyDocument": {fmt.Sprintf(fillPolicy, n)}})
		return err
	}}
}
