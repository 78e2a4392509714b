package sigv4

import (
	"crypto/sha256"
	"encoding/hex"
)

// The algorithms that open the strings to sign of an aws-chunked body's
// chunks and of its trailing headers.
const (
	chunkAlgorithm   = "AWS4-HMAC-SHA256-PAYLOAD"
	trailerAlgorithm = "AWS4-HMAC-SHA256-TRAILER"
)

// emptySHA256 is the hex SHA-256 of nothing, which stands for a chunk's
// (absent) headers in its string to sign.
var emptySHA256 = HashPayload(nil)

// chunkChain verifies the signatures of an aws-chunked body: each signs its
// chunk (or the trailing headers) and the signature before it, starting from
// the request's own ("seed") signature.
type chunkChain struct {
	key      []byte
	amzDate  string
	scope    string
	previous string
}

// chunkStringToSign is the string to sign of a chunk whose data has the
// SHA-256 sum.
func (c *chunkChain) chunkStringToSign(sum []byte) string {
	return chunkAlgorithm + "\n" + c.amzDate + "\n" + c.scope + "\n" + c.previous + "\n" +
		emptySHA256 + "\n" + hex.EncodeToString(sum)
}

// trailerStringToSign is the string to sign of the trailing headers, in
// their canonical form (name:value\n for each).
func (c *chunkChain) trailerStringToSign(canonical string) string {
	sum := sha256.Sum256([]byte(canonical))
	return trailerAlgorithm + "\n" + c.amzDate + "\n" + c.scope + "\n" + c.previous + "\n" + hex.EncodeToString(sum[:])
}

// verify checks provided against the signature of stringToSign and, if it
// matches, makes it the previous signature.
func (c *chunkChain) verify(stringToSign, provided string) *Error {
	computed := Signature(c.key, stringToSign)
	if !signatureEqual(computed, provided) {
		return errChunkSignature(stringToSign)
	}
	c.previous = computed
	return nil
}
