package sigv4

import (
	"context"
	"crypto/hmac"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// DefaultMaxSkew is how far AWS lets a request's date be from the server's
// clock.
const DefaultMaxSkew = 15 * time.Minute

// MaxPresignExpires is the longest X-Amz-Expires AWS accepts (seven days).
const MaxPresignExpires = 7 * 24 * time.Hour

// LookupFunc returns the secret access key of accessKeyID. It returns an
// error wrapping [ErrUnknownAccessKey] for a key id it does not know (the
// verifier then answers InvalidClientTokenId) or an [*Error] to answer with
// that error as is (for example for a disabled key); any other error is
// returned wrapped, as an internal failure.
type LookupFunc func(ctx context.Context, accessKeyID string) (secret string, err error)

// Verifier checks SigV4-signed requests. Only Lookup is required.
type Verifier struct {
	// Lookup resolves the secret of an access key id.
	Lookup LookupFunc
	// Now is the server clock; nil means time.Now.
	Now func() time.Time
	// MaxSkew is the largest allowed difference between the request date
	// and Now; zero means DefaultMaxSkew (15 minutes).
	MaxSkew time.Duration
	// Region and Service, when set, are the only region and service a
	// credential scope may name.
	Region  string
	Service string
	// RegionFor, when set and not "" for the scope's service and region, is
	// the only region a scope of that service may name: "us-east-1" for a
	// global endpoint such as IAM's ("cn-north-1" for a scope of the aws-cn
	// partition's). It overrides Region for that service.
	RegionFor func(service, scopeRegion string) string
	// Options returns the canonicalisation rules for the scope's service;
	// nil means DefaultOptions.
	Options func(service string) Options
	// RequireSignedSessionToken rejects presigned requests whose
	// X-Amz-Security-Token was added after signing. By default they are
	// accepted, as AWS IoT and the AWS SigV4 test suite expect: the token is
	// then not covered by the signature, so the caller must still check that
	// Result.SessionToken belongs to Result.AccessKeyID (which it must do in
	// any case).
	RequireSignedSessionToken bool
}

// Result describes a request whose signature was verified.
type Result struct {
	AccessKeyID string
	// SessionToken is the X-Amz-Security-Token header (query parameter for
	// presigned requests), empty if absent. The verifier does not check it,
	// and it need not be signed: the caller must check that it belongs to
	// AccessKeyID, and reject any token sent with a long-term key.
	SessionToken string
	Region       string
	Service      string
	// Time is the signing time from X-Amz-Date (or the Date header).
	Time time.Time
	// SignedHeaders are the lowercase names of the signed headers.
	SignedHeaders []string
	// Presigned is true for the query-string form.
	Presigned bool
	// Expires is X-Amz-Expires for presigned requests (zero if absent).
	Expires time.Duration

	// payload is what reading the body needs; a pointer, so that printing a
	// Result never prints the signing key.
	payload *payloadState
}

// signedRequest is what either form of authentication carries.
type signedRequest struct {
	presigned     bool
	auth          Authorization
	amzDate       string // as it enters the string to sign
	t             time.Time
	expires       time.Duration
	hasExpires    bool
	token         string
	hasQueryToken bool
}

// Verify checks the signature of r, whose body the caller has already read
// into body (r.Body is not touched). On success it returns who signed the
// request; on failure an [*Error] (or, when Lookup fails unexpectedly, that
// failure wrapped). For an S3 aws-chunked upload (X-Amz-Content-Sha256
// STREAMING-...) body is not used: the chunks are verified by
// [Result.PayloadReader].
func (v *Verifier) Verify(ctx context.Context, r *http.Request, body []byte) (*Result, error) {
	return v.verify(ctx, r, body, true)
}

// VerifyHeaders checks the signature of r without its body, for a body to be
// streamed rather than read in advance: it takes the payload hash from
// X-Amz-Content-Sha256 (a presigned S3 request without one is
// UNSIGNED-PAYLOAD), and a header-signed request without that header fails
// with S3's InvalidRequest. The body must then be read through
// [Result.PayloadReader], which checks it against that hash or decodes and
// verifies its aws-chunked encoding.
func (v *Verifier) VerifyHeaders(ctx context.Context, r *http.Request) (*Result, error) {
	return v.verify(ctx, r, nil, false)
}

// verify is Verify, or VerifyHeaders when haveBody is false.
func (v *Verifier) verify(ctx context.Context, r *http.Request, body []byte, haveBody bool) (*Result, error) {
	if v == nil || v.Lookup == nil {
		return nil, errors.New("sigv4: Verifier.Lookup is not set")
	}
	params := parseQuery(rawQuery(r))
	// Repeated header fields are one comma-separated list (RFC 9110): AWS reads
	// two Authorization headers as one value, which a second signature spoils.
	authzValues := r.Header.Values("Authorization")
	authz := strings.Join(authzValues, ",")
	presigned := false
	for _, k := range []string{"X-Amz-Algorithm", "X-Amz-Credential", signatureParam} {
		if _, ok := firstParam(params, k); ok {
			presigned = true
		}
	}

	var req *signedRequest
	var perr *Error
	switch {
	case authz != "" && presigned:
		return nil, errBothAuthForms()
	case authz != "":
		req, perr = parseHeaderForm(r, authz)
		if perr == nil && len(authzValues) > 1 {
			perr = errRepeatedAuthorization(authz)
		}
	case presigned:
		req, perr = parseQueryForm(params)
	default:
		return nil, errMissingAuthToken()
	}
	if perr != nil {
		return nil, perr
	}

	now := time.Now
	if v.Now != nil {
		now = v.Now
	}
	skew := v.MaxSkew
	if skew <= 0 {
		skew = DefaultMaxSkew
	}
	if e := v.checkScope(req); e != nil {
		return nil, e
	}
	if e := checkTime(req, now().UTC(), skew); e != nil {
		return nil, e
	}
	signed := make([]string, len(req.auth.SignedHeaders))
	for i, h := range req.auth.SignedHeaders {
		signed[i] = strings.ToLower(h)
	}
	if !slices.Contains(signed, "host") {
		return nil, errHostNotSigned()
	}

	secret, err := v.Lookup(ctx, req.auth.AccessKeyID)
	if err != nil {
		var se *Error
		switch {
		case errors.As(err, &se):
			return nil, se
		case errors.Is(err, ErrUnknownAccessKey):
			return nil, errInvalidClientTokenID()
		default:
			return nil, fmt.Errorf("sigv4: looking up access key: %w", err)
		}
	}

	a := req.auth
	opts := DefaultOptions(a.Service)
	if v.Options != nil {
		opts = v.Options(a.Service)
	}
	payload, perr := payloadHash(r, params, req.presigned, body, haveBody, opts)
	if perr != nil {
		return nil, perr
	}
	key := SigningKey(secret, a.Date, a.Region, a.Service)
	scope := Scope(a.Date, a.Region, a.Service)
	cr := canonicalRequest(r, signed, payload, opts, nil)
	sts := StringToSign(req.amzDate, scope, cr)
	if !signatureEqual(Signature(key, sts), a.Signature) {
		matched := false
		if req.presigned && req.hasQueryToken && !v.RequireSignedSessionToken {
			// The token may have been appended after signing.
			cr2 := canonicalRequest(r, signed, payload, opts, func(k string) bool { return k == "X-Amz-Security-Token" })
			matched = signatureEqual(Signature(key, StringToSign(req.amzDate, scope, cr2)), a.Signature)
		}
		if !matched {
			return nil, errSignatureMismatch(cr, sts)
		}
	}

	return &Result{
		AccessKeyID:   a.AccessKeyID,
		SessionToken:  req.token,
		Region:        a.Region,
		Service:       a.Service,
		Time:          req.t,
		SignedHeaders: signed,
		Presigned:     req.presigned,
		Expires:       req.expires,
		payload:       newPayloadState(r, payload, opts, chunkChain{key: key, amzDate: req.amzDate, scope: scope, previous: a.Signature}),
	}, nil
}

func signatureEqual(computed, provided string) bool {
	return hmac.Equal([]byte(computed), []byte(provided))
}

// parseHeaderForm reads the Authorization header form.
func parseHeaderForm(r *http.Request, authz string) (*signedRequest, *Error) {
	f, err := parseAuthorizationFields(authz)
	if err != nil {
		return nil, err
	}
	date, fromDateHeader := r.Header.Get("X-Amz-Date"), false
	if date == "" {
		date = r.Header.Get("Date")
		fromDateHeader = date != ""
	}
	if !f.hasCredential || !f.hasSignature || !f.hasSignedHeaders || date == "" {
		return nil, errHeaderMissingParams(authz, !f.hasCredential, !f.hasSignature, !f.hasSignedHeaders, date == "")
	}
	a, err := f.authorization()
	if err != nil {
		return nil, err
	}
	req := &signedRequest{auth: a, token: r.Header.Get("X-Amz-Security-Token")}
	if fromDateHeader {
		t, perr := http.ParseTime(date)
		if perr != nil {
			return nil, errBadDate(date)
		}
		req.t, req.amzDate = t.UTC(), formatAmzDate(t)
	} else {
		t, ok := parseAmzDate(date)
		if !ok {
			return nil, errBadDate(date)
		}
		req.t, req.amzDate = t, date
	}
	return req, nil
}

func parseAmzDate(s string) (time.Time, bool) {
	t, err := time.Parse(amzDateLayout, s)
	if err != nil || t.Format(amzDateLayout) != s {
		return time.Time{}, false
	}
	return t, true
}

// checkScope compares the credential scope with the request, reporting every
// problem at once as AWS does.
func (v *Verifier) checkScope(req *signedRequest) *Error {
	a := req.auth
	var msgs []string
	region := v.Region
	if v.RegionFor != nil {
		if r := v.RegionFor(a.Service, a.Region); r != "" {
			region = r
		}
	}
	if a.Region == "" || (region != "" && a.Region != region) {
		msgs = append(msgs, fmt.Sprintf("Credential should be scoped to a valid region, not '%s'. ", a.Region))
	}
	if v.Service != "" && a.Service != v.Service {
		msgs = append(msgs, fmt.Sprintf("Credential should be scoped to correct service: '%s'. ", v.Service))
	}
	if a.Terminator != Terminator {
		msgs = append(msgs, fmt.Sprintf("Credential should be scoped with a valid terminator: '%s', not '%s'. ", Terminator, a.Terminator))
	}
	if day := req.t.Format(scopeDateLayout); a.Date != day {
		msgs = append(msgs, fmt.Sprintf("Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '%s' != '%s', from '%s'. ",
			a.Date, day, req.amzDate))
	}
	if len(msgs) > 0 {
		return errScope(msgs)
	}
	return nil
}

// checkTime enforces the clock skew and, for presigned requests, X-Amz-Expires.
func checkTime(req *signedRequest, now time.Time, skew time.Duration) *Error {
	if req.t.After(now.Add(skew)) {
		return errSignatureNotYetCurrent(req.t, now, skew)
	}
	if req.presigned && req.hasExpires {
		if now.After(req.t.Add(req.expires)) {
			return errRequestExpired()
		}
		return nil
	}
	if req.t.Before(now.Add(-skew)) {
		return errSignatureExpired(req.t, now, skew)
	}
	return nil
}

// payloadHash returns the payload hash that enters the canonical request.
// Without the body (haveBody false) it is the one the client claims, checked
// later by Result.PayloadReader.
func payloadHash(r *http.Request, params []queryParam, presigned bool, body []byte, haveBody bool, opts Options) (string, *Error) {
	claimed, ok := "", false
	if vs := r.Header.Values("X-Amz-Content-Sha256"); len(vs) > 0 {
		claimed, ok = vs[0], true
	} else if presigned && opts.S3Payload {
		claimed, ok = firstParam(params, "X-Amz-Content-Sha256")
	}
	switch {
	case !ok && presigned && opts.S3Payload:
		return UnsignedPayload, nil
	case !ok && !haveBody:
		return "", errMissingContentSHA256()
	case !ok:
		return HashPayload(body), nil
	case claimed == UnsignedPayload, opts.S3Payload && isStreaming(claimed), !haveBody:
		return claimed, nil
	}
	actual := HashPayload(body)
	switch {
	case strings.EqualFold(claimed, actual):
		return claimed, nil
	case opts.S3Payload:
		return "", errPayloadHashMismatch()
	default:
		// Other services sign what they received: the real hash, which a
		// wrong header cannot match.
		return actual, nil
	}
}
