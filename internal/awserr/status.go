package awserr

// Statuses is a protocol's table from error code to the HTTP status AWS sends the code with.
// A code the table does not name has the status of AWS's common errors (Common below), and
// any other code is a client error, 400.
type Statuses map[string]int

// Status is the HTTP status of an error's code under the table.
func (t Statuses) Status(e *Error) int {
	if s, ok := t[e.Code]; ok {
		return s
	}
	if s, ok := Common[e.Code]; ok {
		return s
	}
	return 400
}

// Sender reports whether AWS blames the caller for the error (Type "Sender" in Query errors,
// every status below 500).
func (t Statuses) Sender(e *Error) bool { return t.Status(e) < 500 }

// Common are the statuses of the errors every AWS protocol answers with the same status: the
// signature and credential failures (SigV4's codes, with the statuses package sigv4 gives
// them), and failures at the HTTP level.
var Common = Statuses{
	"MissingAuthenticationToken":        403,
	"IncompleteSignature":               403,
	"InvalidClientTokenId":              403,
	"SignatureDoesNotMatch":             403,
	"ExpiredToken":                      403,
	"RequestExpired":                    400,
	"AuthorizationQueryParametersError": 400,
	"XAmzContentSHA256Mismatch":         400,
	"InvalidArgument":                   400,
	"MalformedHttpRequestException":     400,
	"RequestEntityTooLarge":             413,
	"InternalFailure":                   500,
	"ServiceUnavailable":                503,
}
