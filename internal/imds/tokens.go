package imds

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"strings"
	"time"
)

// Token TTLs AWS accepts (X-aws-ec2-metadata-token-ttl-seconds).
const (
	minTokenTTL = 1
	maxTokenTTL = 21600
)

// tokens issues and checks IMDSv2 session tokens: the instance id and the expiry, signed
// with a key that lives only in this process (tokens do not survive a restart, as they do
// not survive an instance's reboot).
type tokens struct{ key [32]byte }

func newTokens() *tokens {
	t := &tokens{}
	_, _ = rand.Read(t.key[:])
	return t
}

func (t *tokens) mac(instanceID string, expires int64) []byte {
	h := hmac.New(sha256.New, t.key[:])
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(expires))
	h.Write(b[:])
	h.Write([]byte(instanceID))
	return h.Sum(nil)
}

// issue returns a token for the instance valid until expires.
func (t *tokens) issue(instanceID string, expires time.Time) string {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(expires.Unix()))
	return base64.RawURLEncoding.EncodeToString(append(b[:], t.mac(instanceID, expires.Unix())...)) + "=="
}

// valid reports whether token was issued for the instance and has not expired at now.
func (t *tokens) valid(token, instanceID string, now time.Time) bool {
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimSuffix(token, "=="))
	if err != nil || len(raw) != 8+sha256.Size {
		return false
	}
	expires := int64(binary.BigEndian.Uint64(raw[:8]))
	if !hmac.Equal(raw[8:], t.mac(instanceID, expires)) {
		return false
	}
	return now.Unix() < expires
}
