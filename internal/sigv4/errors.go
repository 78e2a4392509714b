package sigv4

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// ErrUnknownAccessKey is what a [LookupFunc] returns (possibly wrapped) for an
// access key id it does not know. The verifier turns it into
// InvalidClientTokenId.
var ErrUnknownAccessKey = errors.New("sigv4: unknown access key id")

// Error codes returned in [Error.Code]. They are AWS's codes.
const (
	CodeMissingAuthenticationToken        = "MissingAuthenticationToken"
	CodeIncompleteSignature               = "IncompleteSignature"
	CodeInvalidClientTokenID              = "InvalidClientTokenId"
	CodeSignatureDoesNotMatch             = "SignatureDoesNotMatch"
	CodeRequestExpired                    = "RequestExpired"
	CodeAuthorizationQueryParametersError = "AuthorizationQueryParametersError"
	CodeXAmzContentSHA256Mismatch         = "XAmzContentSHA256Mismatch"
	CodeInvalidArgument                   = "InvalidArgument"
	// S3's codes for request bodies (see [PayloadReader]).
	CodeInvalidRequest        = "InvalidRequest"
	CodeIncompleteBody        = "IncompleteBody"
	CodeInvalidChunkSizeError = "InvalidChunkSizeError"
	CodeMalformedTrailerError = "MalformedTrailerError"
	CodeBadDigest             = "BadDigest"
)

// Error is an authentication failure with AWS's error code and message.
//
// HTTPStatus is the status AWS documents for the code in its "Common Errors"
// pages: 403 for MissingAuthenticationToken, IncompleteSignature,
// InvalidClientTokenId and SignatureDoesNotMatch, 400 for RequestExpired and
// the query-parameter errors. Some AWS front ends differ (an unsigned request
// to an IAM or STS Query endpoint is sometimes answered with 400); the status
// is a plain field so a caller can map it.
//
// For SignatureDoesNotMatch caused by a wrong signature, CanonicalRequest and
// StringToSign hold what the server computed, as AWS reports them (see
// [Error.DetailedMessage]); for a chunk or trailer of an aws-chunked body,
// StringToSign is that chunk's or trailer's. They contain the request's
// signed header values (which may include X-Amz-Security-Token) but never a
// secret access key or any key derived from it.
type Error struct {
	Code       string
	Message    string
	HTTPStatus int

	CanonicalRequest string
	StringToSign     string

	// Fields are the elements S3 adds to its <Error> document after
	// Message for some codes (NumberBytesExpected and NumberBytesProvided for
	// IncompleteBody, Chunk and BadChunkSize for InvalidChunkSizeError), in
	// AWS's order.
	Fields []ErrorField
}

// ErrorField is one extra element of an S3 <Error> document.
type ErrorField struct {
	Name, Value string
}

// Error implements the error interface.
func (e *Error) Error() string { return "sigv4: " + e.Code + ": " + e.Message }

// DetailedMessage is Message followed, when they are known, by the canonical
// request and string to sign, in the layout AWS uses for services that
// return them with SignatureDoesNotMatch.
func (e *Error) DetailedMessage() string {
	if e.CanonicalRequest == "" && e.StringToSign == "" {
		return e.Message
	}
	return e.Message +
		"\n\nThe Canonical String for this request should have been\n'" + e.CanonicalRequest + "'" +
		"\n\nThe String-to-Sign should have been\n'" + e.StringToSign + "'\n"
}

func newError(code string, status int, msg string) *Error {
	return &Error{Code: code, Message: msg, HTTPStatus: status}
}

const signatureMismatchText = "The request signature we calculated does not match the signature you provided. " +
	"Check your AWS Secret Access Key and signing method. Consult the service documentation for details."

func errMissingAuthToken() *Error {
	return newError(CodeMissingAuthenticationToken, http.StatusForbidden, "Request is missing Authentication Token")
}

// errHeaderMissingParams is AWS's answer to an Authorization header that is not
// a complete AWS4-HMAC-SHA256 header, or to a request that has no date.
func errHeaderMissingParams(authz string, noCredential, noSignature, noSignedHeaders, noDate bool) *Error {
	var parts []string
	if noCredential {
		parts = append(parts, "Authorization header requires 'Credential' parameter.")
	}
	if noSignature {
		parts = append(parts, "Authorization header requires 'Signature' parameter.")
	}
	if noSignedHeaders {
		parts = append(parts, "Authorization header requires 'SignedHeaders' parameter.")
	}
	if noDate {
		parts = append(parts, "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")
	}
	parts = append(parts, "Authorization="+authz)
	return newError(CodeIncompleteSignature, http.StatusForbidden, strings.Join(parts, " "))
}

func errMissingEqualSign(token, authz string) *Error {
	return newError(CodeIncompleteSignature, http.StatusForbidden,
		fmt.Sprintf("'%s' not a valid key=value pair (missing equal-sign) in Authorization header: '%s'.", token, authz))
}

func errCredentialElements(credential string) *Error {
	return newError(CodeIncompleteSignature, http.StatusForbidden,
		fmt.Sprintf("Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '%s'", credential))
}

func errQueryMissingParams(missing []string) *Error {
	var b strings.Builder
	for _, m := range missing {
		b.WriteString("AWS query-string parameters must include '" + m + "'. ")
	}
	b.WriteString("Re-examine the query-string parameters.")
	return newError(CodeIncompleteSignature, http.StatusForbidden, b.String())
}

func errBadDate(got string) *Error {
	return newError(CodeIncompleteSignature, http.StatusForbidden,
		fmt.Sprintf("Date must be in ISO-8601 'basic format'. Got '%s'. See http://en.wikipedia.org/wiki/ISO_8601", got))
}

func errHostNotSigned() *Error {
	return newError(CodeIncompleteSignature, http.StatusForbidden,
		"'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.")
}

// errRepeatedAuthorization refuses a request with more than one Authorization
// header whose joined value still parses (a second header of bare key=value
// components). When the second header is a signature of its own, AWS's answer
// is errMissingEqualSign for its "AWS4-HMAC-SHA256"; this text is iamd's.
func errRepeatedAuthorization(authz string) *Error {
	return newError(CodeIncompleteSignature, http.StatusForbidden,
		"The request must have exactly one Authorization header. Authorization="+authz)
}

func errBothAuthForms() *Error {
	return newError(CodeInvalidArgument, http.StatusBadRequest,
		"Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified")
}

func errQueryAlgorithm() *Error {
	return newError(CodeAuthorizationQueryParametersError, http.StatusBadRequest,
		`X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"`)
}

func errExpiresNotNumber() *Error {
	return newError(CodeAuthorizationQueryParametersError, http.StatusBadRequest, "X-Amz-Expires should be a number")
}

func errExpiresNegative() *Error {
	return newError(CodeAuthorizationQueryParametersError, http.StatusBadRequest, "X-Amz-Expires must be non-negative")
}

func errExpiresTooLong() *Error {
	return newError(CodeAuthorizationQueryParametersError, http.StatusBadRequest,
		"X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than 604800 seconds")
}

func errInvalidClientTokenID() *Error {
	return newError(CodeInvalidClientTokenID, http.StatusForbidden, "The security token included in the request is invalid.")
}

func errSignatureMismatch(canonicalRequest, stringToSign string) *Error {
	e := newError(CodeSignatureDoesNotMatch, http.StatusForbidden, signatureMismatchText)
	e.CanonicalRequest = canonicalRequest
	e.StringToSign = stringToSign
	return e
}

// errScope reports every way the credential scope is wrong, in AWS's order and
// wording (each sentence ends with ". ", as AWS concatenates them).
func errScope(msgs []string) *Error {
	return newError(CodeSignatureDoesNotMatch, http.StatusForbidden, strings.Join(msgs, ""))
}

func errSignatureExpired(signed, now time.Time, skew time.Duration) *Error {
	return newError(CodeSignatureDoesNotMatch, http.StatusForbidden,
		fmt.Sprintf("Signature expired: %s is now earlier than %s (%s - %s.)",
			formatAmzDate(signed), formatAmzDate(now.Add(-skew)), formatAmzDate(now), skewText(skew)))
}

func errSignatureNotYetCurrent(signed, now time.Time, skew time.Duration) *Error {
	return newError(CodeSignatureDoesNotMatch, http.StatusForbidden,
		fmt.Sprintf("Signature not yet current: %s is still later than %s (%s + %s.)",
			formatAmzDate(signed), formatAmzDate(now.Add(skew)), formatAmzDate(now), skewText(skew)))
}

func errRequestExpired() *Error {
	return newError(CodeRequestExpired, http.StatusBadRequest, "Request has expired.")
}

func errPayloadHashMismatch() *Error {
	return newError(CodeXAmzContentSHA256Mismatch, http.StatusBadRequest,
		"The provided 'x-amz-content-sha256' header does not match what was computed.")
}

func skewText(d time.Duration) string {
	if d%time.Minute == 0 {
		return fmt.Sprintf("%d min", d/time.Minute)
	}
	return fmt.Sprintf("%d sec", d/time.Second)
}
