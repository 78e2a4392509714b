package sts

import (
	"crypto/rand"
	"fmt"
	"math/big"
	"strconv"
	"strings"
)

const secretChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

func random(alphabet string, n int) string {
	b := make([]byte, n)
	max := big.NewInt(int64(len(alphabet)))
	for i := range b {
		v, err := rand.Int(rand.Reader, max)
		if err != nil {
			panic("crypto/rand failed: " + err.Error())
		}
		b[i] = alphabet[v.Int64()]
	}
	return string(b)
}

// sessionKeyID makes a session's access key id: ASIA, the account encoded in eight
// characters of base32 (so that GetAccessKeyInfo can name the account from the id alone, as
// AWS's ids allow), then eight random characters.
func sessionKeyID(account string) string {
	n, _ := strconv.ParseUint(account, 10, 64)
	var enc [8]byte
	for i := 7; i >= 0; i-- {
		enc[i] = accessKeyIDChars[n&31]
		n >>= 5
	}
	return "ASIA" + string(enc[:]) + random(accessKeyIDChars, 8)
}

// AccountOfSessionKey returns the account a session's access key id names.
func AccountOfSessionKey(id string) (string, bool) {
	if len(id) != 20 || id[:4] != "ASIA" {
		return "", false
	}
	var n uint64
	for _, c := range id[4:12] {
		i := strings.IndexRune(accessKeyIDChars, c)
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
