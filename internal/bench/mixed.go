package bench

import (
	"context"
	"encoding/xml"
	"errors"
	"net/url"
	"strconv"
	"sync/atomic"

	"github.com/iamd-dev/iamd/internal/awsclient"
)

// benchWritePolicy is the inline policy the write ops put on their role, a small document.
const benchWritePolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`

// writeSlots is how many inline policy names and tag keys the write ops cycle through:
// the role stays far below IAM's limits however long the run.
const writeSlots = 10

// MixStats counts the calls of the read/write mix by kind.
type MixStats struct {
	GetRole       int64 `json:"getRole"`
	AssumeRole    int64 `json:"assumeRole"`
	PutRolePolicy int64 `json:"putRolePolicy"`
	TagRole       int64 `json:"tagRole"`
}

// selfTrustedRole is a role of the bench's that trusts the caller itself, whoever it is,
// so that it may assume it; create makes it, remove deletes it with the inline policies
// the write ops put on it.
type selfTrustedRole struct {
	c    *awsclient.Client
	name string
	arn  string
}

func (r *selfTrustedRole) create(ctx context.Context) error {
	body, err := r.c.Query(ctx, "sts", url.Values{"Action": {"GetCallerIdentity"}, "Version": {"2011-06-15"}})
	if err != nil {
		return err
	}
	var who struct {
		Arn string `xml:"GetCallerIdentityResult>Arn"`
	}
	if err := xml.Unmarshal(body, &who); err != nil {
		return err
	}
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + who.Arn + `"},"Action":"sts:AssumeRole"}]}`
	_, err = r.c.Query(ctx, "iam", url.Values{"Action": {"CreateRole"}, "Version": {"2010-05-08"},
		"RoleName": {r.name}, "AssumeRolePolicyDocument": {trust}})
	if err != nil {
		return err
	}
	r.arn, err = roleArnOf(ctx, r.c, r.name)
	return err
}

func (r *selfTrustedRole) remove(ctx context.Context) error {
	for n := range writeSlots {
		_, err := r.c.Query(ctx, "iam", url.Values{"Action": {"DeleteRolePolicy"}, "Version": {"2010-05-08"},
			"RoleName": {r.name}, "PolicyName": {"bench-" + strconv.Itoa(n)}})
		var e *awsclient.Error
		if err != nil && !(errors.As(err, &e) && e.Code == "NoSuchEntity") {
			return err
		}
	}
	_, err := r.c.Query(ctx, "iam", url.Values{"Action": {"DeleteRole"}, "Version": {"2010-05-08"}, "RoleName": {r.name}})
	return err
}

func (r *selfTrustedRole) getRole(ctx context.Context) error {
	_, err := r.c.Query(ctx, "iam", url.Values{"Action": {"GetRole"}, "Version": {"2010-05-08"}, "RoleName": {r.name}})
	return err
}

func (r *selfTrustedRole) assumeRole(ctx context.Context, w, i int) error {
	_, err := r.c.Query(ctx, "sts", url.Values{"Action": {"AssumeRole"}, "Version": {"2011-06-15"},
		"RoleArn": {r.arn}, "RoleSessionName": {"bench-" + strconv.Itoa(w) + "-" + strconv.Itoa(i)}})
	return err
}

// putRolePolicy and tagRole are the writes: slot n of writeSlots, overwritten again and again.
func (r *selfTrustedRole) putRolePolicy(ctx context.Context, n int) error {
	_, err := r.c.Query(ctx, "iam", url.Values{"Action": {"PutRolePolicy"}, "Version": {"2010-05-08"},
		"RoleName": {r.name}, "PolicyName": {"bench-" + strconv.Itoa(n%writeSlots)}, "PolicyDocument": {benchWritePolicy}})
	return err
}

func (r *selfTrustedRole) tagRole(ctx context.Context, n, value int) error {
	_, err := r.c.Query(ctx, "iam", url.Values{"Action": {"TagRole"}, "Version": {"2010-05-08"}, "RoleName": {r.name},
		"Tags.member.1.Key": {"bench-" + strconv.Itoa(n%writeSlots)}, "Tags.member.1.Value": {strconv.Itoa(value)}})
	return err
}

// mixed is the read/write mix: of every 20 calls, 9 GetRole and 9 AssumeRole of one role,
// 1 PutRolePolicy and 1 TagRole on it (90% reads, 10% writes), spread over the workers.
func mixed(c *awsclient.Client, name string) Op {
	r := &selfTrustedRole{c: c, name: name}
	var st MixStats
	return Op{
		Setup:    r.create,
		Teardown: r.remove,
		Run: func(ctx context.Context, w, i int) error {
			switch k := (w*7 + i) % 20; {
			case k < 9:
				atomic.AddInt64(&st.GetRole, 1)
				return r.getRole(ctx)
			case k < 18:
				atomic.AddInt64(&st.AssumeRole, 1)
				return r.assumeRole(ctx, w, i)
			case k == 18:
				atomic.AddInt64(&st.PutRolePolicy, 1)
				return r.putRolePolicy(ctx, i)
			default:
				atomic.AddInt64(&st.TagRole, 1)
				return r.tagRole(ctx, i, w)
			}
		},
		Details: func() any {
			return MixStats{atomic.LoadInt64(&st.GetRole), atomic.LoadInt64(&st.AssumeRole),
				atomic.LoadInt64(&st.PutRolePolicy), atomic.LoadInt64(&st.TagRole)}
		},
	}
}

// writer is the IAM writes alone: PutRolePolicy and TagRole in turn on a role of its own,
// the load `iamd bench --writes-per-second` runs beside the op measured.
func writer(c *awsclient.Client, name string) Op {
	r := &selfTrustedRole{c: c, name: name}
	return Op{
		Setup:    r.create,
		Teardown: r.remove,
		Run: func(ctx context.Context, w, i int) error {
			if i%2 == 0 {
				return r.putRolePolicy(ctx, i/2)
			}
			return r.tagRole(ctx, i/2, w)
		},
	}
}
