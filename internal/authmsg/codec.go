package authmsg

import (
	"bytes"
	"compress/flate"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"

	"github.com/iamd-dev/iamd/internal/secretbox"
)

// What the STS layer answers for a message that does not decode. The code is AWS's (STS's
// service model: awsQueryError InvalidAuthorizationMessageException, sent with 400); the text
// is not pinned from AWS.
const (
	InvalidErrorCode = "InvalidAuthorizationMessageException"
	InvalidMessage   = "The message is invalid."
)

// MaxEncodedLen is the longest EncodedMessage DecodeAuthorizationMessage accepts (AWS's
// length constraint: 1 to 10240 characters).
const MaxEncodedLen = 10240

// maxJSON bounds what a message inflates to.
const maxJSON = 1 << 20

// version is the first byte of every sealed message; another format gets another byte.
const version = 1

var (
	// ErrInvalid is returned by Decode for anything but a message Encode made for the same
	// account: another account's message, tampered, truncated or malformed input.
	ErrInvalid = errors.New("authmsg: invalid authorization message")
	// ErrTooLarge is returned by Encode when even the shortened message exceeds MaxEncodedLen.
	ErrTooLarge = errors.New("authmsg: authorization message too large")
)

var encoding = base64.RawURLEncoding.Strict()

// Codec encodes and decodes authorization failure messages. It is safe for concurrent use.
type Codec struct{ box *secretbox.Box }

// NewCodec makes a Codec sealing with box, which must not be nil.
func NewCodec(box *secretbox.Box) *Codec {
	if box == nil {
		panic("authmsg: NewCodec with a nil secretbox")
	}
	return &Codec{box: box}
}

func sealContext(account string) string { return "authmsg:" + account }

// Encode seals f's JSON for account and returns it in the URL-safe base64 alphabet
// (A-Z a-z 0-9 - _, no padding). A message that would exceed MaxEncodedLen is shortened,
// first by leaving out the request's condition keys, then the matched statements'
// conditions; ErrTooLarge if it still does not fit.
func (c *Codec) Encode(account string, f Failure) (string, error) {
	if account == "" {
		return "", errors.New("authmsg: Encode without an account")
	}
	for attempt := 0; ; attempt++ {
		switch attempt {
		case 1:
			f.Conditions = nil
		case 2:
			sts := make([]Statement, len(f.Statements))
			for i, s := range f.Statements {
				s.Conditions = nil
				sts[i] = s
			}
			f.Statements = sts
		case 3:
			return "", ErrTooLarge
		}
		s, err := c.encode(account, f.JSON())
		if err != nil {
			return "", err
		}
		if len(s) <= MaxEncodedLen {
			return s, nil
		}
	}
}

func (c *Codec) encode(account string, msg []byte) (string, error) {
	var z bytes.Buffer
	z.WriteByte(version)
	w, err := flate.NewWriter(&z, flate.BestCompression)
	if err != nil {
		return "", err
	}
	if _, err := w.Write(msg); err != nil {
		return "", err
	}
	if err := w.Close(); err != nil {
		return "", err
	}
	// The seal begins with a random nonce, so one message in 64 would begin with "-",
	// which the aws CLI reads as an option (`--encoded-message -x...` fails with
	// "expected one argument"). Sealing again with a fresh nonce costs nothing and keeps
	// the command a denied user copies from the error working.
	for try := 0; ; try++ {
		sealed, err := c.box.Seal(z.Bytes(), sealContext(account))
		if err != nil {
			return "", err
		}
		s := encoding.EncodeToString(sealed)
		if s[0] != '-' || try == maxReseals {
			return s, nil
		}
	}
}

// maxReseals bounds the re-sealing that keeps an encoded message from beginning with "-";
// the chance of needing more is 64^-maxReseals.
const maxReseals = 16

// Decode returns the JSON of a message Encode made for account, or ErrInvalid.
func (c *Codec) Decode(account, encoded string) ([]byte, error) {
	if account == "" || len(encoded) == 0 || len(encoded) > MaxEncodedLen || !urlSafe(encoded) {
		return nil, ErrInvalid
	}
	sealed, err := encoding.DecodeString(encoded)
	if err != nil {
		return nil, ErrInvalid
	}
	z, err := c.box.Open(sealed, sealContext(account))
	if err != nil || len(z) < 1 || z[0] != version {
		return nil, ErrInvalid
	}
	r := flate.NewReader(bytes.NewReader(z[1:]))
	msg, err := io.ReadAll(io.LimitReader(r, maxJSON+1))
	if err != nil || len(msg) > maxJSON || !json.Valid(msg) {
		return nil, ErrInvalid
	}
	return msg, nil
}

// urlSafe reports whether s holds only the URL-safe base64 alphabet; the decoder itself
// would skip line breaks, which AWS refuses.
func urlSafe(s string) bool {
	for i := 0; i < len(s); i++ {
		switch b := s[i]; {
		case 'A' <= b && b <= 'Z', 'a' <= b && b <= 'z', '0' <= b && b <= '9', b == '-', b == '_':
		default:
			return false
		}
	}
	return true
}
