package sigv4

import "strings"

// Authorization is a parsed AWS4-HMAC-SHA256 Authorization header.
type Authorization struct {
	// The five elements of Credential=AKID/date/region/service/terminator.
	AccessKeyID string
	Date        string // YYYYMMDD
	Region      string
	Service     string
	Terminator  string // aws4_request in a well-formed header

	SignedHeaders []string // as sent; lowercase and sorted in a well-formed header
	Signature     string   // lowercase hex in a well-formed header
}

// Credential returns the Credential= value.
func (a Authorization) Credential() string {
	return a.AccessKeyID + "/" + a.Date + "/" + a.Region + "/" + a.Service + "/" + a.Terminator
}

// String renders the header value the way AWS SDKs write it.
func (a Authorization) String() string {
	return Algorithm + " Credential=" + a.Credential() +
		", SignedHeaders=" + strings.Join(a.SignedHeaders, ";") +
		", Signature=" + a.Signature
}

// ParseAuthorization parses an Authorization header value. It fails with an
// IncompleteSignature [*Error] carrying AWS's message when the value is not
// AWS4-HMAC-SHA256, lacks Credential, SignedHeaders or Signature, has a
// component without '=' or a Credential that is not five slash-separated
// elements. Components may come in any order, separated by commas and/or
// blanks; unknown components are ignored and the first of repeated ones wins.
func ParseAuthorization(header string) (Authorization, error) {
	f, err := parseAuthorizationFields(header)
	if err != nil {
		return Authorization{}, err
	}
	if !f.hasCredential || !f.hasSignature || !f.hasSignedHeaders {
		return Authorization{}, errHeaderMissingParams(header, !f.hasCredential, !f.hasSignature, !f.hasSignedHeaders, false)
	}
	a, cerr := f.authorization()
	if cerr != nil {
		return Authorization{}, cerr
	}
	return a, nil
}

type authorizationFields struct {
	credential, signedHeaders, signature          string
	hasCredential, hasSignedHeaders, hasSignature bool
}

// parseAuthorizationFields splits the header into its components. A value
// whose scheme is not AWS4-HMAC-SHA256 yields no components (and so the
// "requires ... parameter" error, as AWS answers for Basic or Bearer values).
func parseAuthorizationFields(header string) (authorizationFields, *Error) {
	var f authorizationFields
	rest, ok := strings.CutPrefix(header, Algorithm)
	if !ok || (rest != "" && !isAuthSep(rest[0])) {
		return f, nil
	}
	for tok := range strings.FieldsFuncSeq(rest, func(c rune) bool { return c < 0x80 && isAuthSep(byte(c)) }) {
		key, value, ok := strings.Cut(tok, "=")
		if !ok {
			return authorizationFields{}, errMissingEqualSign(tok, header)
		}
		switch key {
		case "Credential":
			if !f.hasCredential {
				f.credential, f.hasCredential = value, true
			}
		case "SignedHeaders":
			if !f.hasSignedHeaders {
				f.signedHeaders, f.hasSignedHeaders = value, true
			}
		case "Signature":
			if !f.hasSignature {
				f.signature, f.hasSignature = value, true
			}
		}
	}
	return f, nil
}

func isAuthSep(c byte) bool { return c == ',' || c == ' ' || c == '\t' }

func (f authorizationFields) authorization() (Authorization, *Error) {
	parts := strings.Split(f.credential, "/")
	if len(parts) != 5 {
		return Authorization{}, errCredentialElements(f.credential)
	}
	return Authorization{
		AccessKeyID:   parts[0],
		Date:          parts[1],
		Region:        parts[2],
		Service:       parts[3],
		Terminator:    parts[4],
		SignedHeaders: splitSignedHeaders(f.signedHeaders),
		Signature:     f.signature,
	}, nil
}

func splitSignedHeaders(s string) []string {
	if s == "" {
		return []string{}
	}
	return strings.Split(s, ";")
}
