package sts

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/iamd-dev/iamd/internal/iam"
)

// sessionKeyID makes a session's access key id: ASIA, the account encoded in eight
// characters of base32 (so that GetAccessKeyInfo can name the account from the id alone, as
// AWS's ids allow), then eight random characters.
func sessionKeyID(account string) string {
	n, _ := strconv.ParseUint(account, 10, 64)
	var enc [8]byte
	for i := 7; i >= 0; i-- {
		enc[i] = iam.IDAlphabet[n&31]
		n >>= 5
	}
	return "ASIA" + string(enc[:]) + iam.RandomString(iam.IDAlphabet, 8)
}

// AccountOfSessionKey returns the account a session's access key id names.
func AccountOfSessionKey(id string) (string, bool) {
	if len(id) != 20 || id[:4] != "ASIA" {
		return "", false
	}
	var n uint64
	for _, c := range id[4:12] {
		i := strings.IndexRune(iam.IDAlphabet, c)
		if i < 0 {
			return "", false
		}
		n = n<<5 | uint64(i)
	}
	if n > 999999999999 {
		return "", false
	}
	return fmt.Sprintf("%012d", n), true
}
