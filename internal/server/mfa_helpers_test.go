package server

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
)

// The tests' own TOTP (RFC 6238: HMAC-SHA1, six digits, 30-second steps), written apart
// from iamd's so that a fault in either shows.

func totpAt(t *testing.T, seed string, step int64) string {
	t.Helper()
	key, err := base32.StdEncoding.DecodeString(strings.ToUpper(seed))
	if err != nil {
		t.Fatalf("seed %q is not Base32: %v", seed, err)
	}
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], uint64(step))
	mac := hmac.New(sha1.New, key)
	mac.Write(msg[:])
	sum := mac.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	bin := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	return fmt.Sprintf("%06d", bin%1000000)
}

func stepOf(t time.Time) int64 { return t.Unix() / 30 }

// mfaClock is a server clock the test moves: it stands still, 10 s into a TOTP step near
// the real time (requests are signed with the real time, which must stay within SigV4's
// skew of it), until the test moves it.
type mfaClock struct {
	mu  sync.Mutex
	now time.Time
}

func newMFAClock() *mfaClock {
	base := time.Now().Truncate(30 * time.Second).Add(10 * time.Second)
	return &mfaClock{now: base}
}

func (c *mfaClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *mfaClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func (c *mfaClock) step() int64 { return stepOf(c.Now()) }

// newDevice creates a virtual MFA device as root and returns its serial number and seed.
func newDevice(t *testing.T, ts *testServer, name, path string) (string, string) {
	t.Helper()
	in := &awsiam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String(name)}
	if path != "" {
		in.Path = aws.String(path)
	}
	out, err := ts.iam(ts.root).CreateVirtualMFADevice(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.VirtualMFADevice.SerialNumber), string(out.VirtualMFADevice.Base32StringSeed)
}

// enableDevice enables a device for a user with the codes of the clock's previous step and
// its current one (both used up), then moves the clock to the next step, whose code is the
// device's next.
func enableDevice(t *testing.T, ts *testServer, clock *mfaClock, user, serial, seed string) {
	t.Helper()
	s := clock.step()
	_, err := ts.iam(ts.root).EnableMFADevice(context.Background(), &awsiam.EnableMFADeviceInput{
		UserName: aws.String(user), SerialNumber: aws.String(serial),
		AuthenticationCode1: aws.String(totpAt(t, seed, s-1)), AuthenticationCode2: aws.String(totpAt(t, seed, s)),
	})
	if err != nil {
		t.Fatal(err)
	}
	clock.advance(30 * time.Second)
}
