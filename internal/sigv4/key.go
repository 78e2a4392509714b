package sigv4

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"time"
)

// Algorithm is the only signing algorithm SigV4 verifiers accept.
const Algorithm = "AWS4-HMAC-SHA256"

// Terminator is the last element of every SigV4 credential scope.
const Terminator = "aws4_request"

// UnsignedPayload is the payload hash a client may send instead of the body's
// SHA-256 (in X-Amz-Content-Sha256) to leave the body unsigned.
const UnsignedPayload = "UNSIGNED-PAYLOAD"

const (
	amzDateLayout   = "20060102T150405Z" // ISO 8601 basic format, as in X-Amz-Date
	scopeDateLayout = "20060102"
)

func formatAmzDate(t time.Time) string { return t.UTC().Format(amzDateLayout) }

// HashPayload returns the lowercase hex SHA-256 of body, the payload hash of
// a signed request.
func HashPayload(body []byte) string {
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:])
}

// Scope returns the credential scope date/region/service/aws4_request, where
// date is YYYYMMDD.
func Scope(date, region, service string) string {
	return date + "/" + region + "/" + service + "/" + Terminator
}

// StringToSign returns the SigV4 string to sign for a canonical request
// signed at amzDate (ISO 8601 basic format, e.g. 20150830T123600Z) within
// the given credential scope.
func StringToSign(amzDate, scope, canonicalRequest string) string {
	sum := sha256.Sum256([]byte(canonicalRequest))
	return Algorithm + "\n" + amzDate + "\n" + scope + "\n" + hex.EncodeToString(sum[:])
}

// SigningKey derives the SigV4 signing key from a secret access key and the
// elements of a credential scope (date is YYYYMMDD). The key is as sensitive
// as the secret for that day, region and service: never log it.
func SigningKey(secret, date, region, service string) []byte {
	k := hmacSHA256([]byte("AWS4"+secret), date)
	k = hmacSHA256(k, region)
	k = hmacSHA256(k, service)
	return hmacSHA256(k, Terminator)
}

// Signature returns the lowercase hex HMAC-SHA256 of stringToSign under
// signingKey: the value of Signature= / X-Amz-Signature.
func Signature(signingKey []byte, stringToSign string) string {
	return hex.EncodeToString(hmacSHA256(signingKey, stringToSign))
}

func hmacSHA256(key []byte, data string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(data))
	return m.Sum(nil)
}
