package sigv4

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Presign signs r in the presigned query form with the zero [Signer].
func Presign(r *http.Request, body []byte, creds Credentials, region, service string, t time.Time, expires time.Duration) error {
	return Signer{}.Presign(r, body, creds, region, service, t, expires)
}

// Presign adds the X-Amz-* authentication parameters to r's query string so
// that r is valid for expires (1 second to 7 days) from t. It signs the host
// header and every header already on r except hop-by-hop ones and
// User-Agent. The payload is the hash of body, or UNSIGNED-PAYLOAD for
// services with S3 payload rules.
func (s Signer) Presign(r *http.Request, body []byte, creds Credentials, region, service string, t time.Time, expires time.Duration) error {
	if err := checkSignInput(r, creds, region, service); err != nil {
		return err
	}
	if expires < time.Second || expires > MaxPresignExpires {
		return errors.New("sigv4: presign expiry must be between 1s and 7 days")
	}
	opts := s.options(service)
	amzDate := formatAmzDate(t)
	a := Authorization{
		AccessKeyID: creds.AccessKeyID, Date: amzDate[:8], Region: region, Service: service, Terminator: Terminator,
		SignedHeaders: headersToSign(r),
	}
	q := stripAuthParams(rawQuery(r))
	add := func(k, v string) {
		if q != "" {
			q += "&"
		}
		q += uriEncode(k, false) + "=" + uriEncode(v, false)
	}
	add("X-Amz-Algorithm", Algorithm)
	add("X-Amz-Credential", a.Credential())
	add("X-Amz-Date", amzDate)
	add("X-Amz-Expires", strconv.FormatInt(int64(expires/time.Second), 10))
	add("X-Amz-SignedHeaders", strings.Join(a.SignedHeaders, ";"))
	if creds.SessionToken != "" && !s.UnsignedSessionToken {
		add("X-Amz-Security-Token", creds.SessionToken)
	}
	r.URL.RawQuery = q

	payload := HashPayload(body)
	if v := r.Header.Get("X-Amz-Content-Sha256"); v == UnsignedPayload || (v == "" && opts.S3Payload) {
		payload = UnsignedPayload
	}
	cr := CanonicalRequest(r, a.SignedHeaders, payload, opts)
	key := SigningKey(creds.SecretAccessKey, a.Date, region, service)
	add(signatureParam, Signature(key, StringToSign(amzDate, Scope(a.Date, region, service), cr)))
	if creds.SessionToken != "" && s.UnsignedSessionToken {
		add("X-Amz-Security-Token", creds.SessionToken)
	}
	r.URL.RawQuery = q
	return nil
}

var authParams = map[string]bool{
	"X-Amz-Algorithm": true, "X-Amz-Credential": true, "X-Amz-Date": true, "X-Amz-Expires": true,
	"X-Amz-SignedHeaders": true, "X-Amz-Security-Token": true, signatureParam: true,
}

// stripAuthParams drops earlier presigning parameters from a raw query,
// keeping the other parameters byte for byte.
func stripAuthParams(raw string) string {
	var kept []string
	for part := range strings.SplitSeq(raw, "&") {
		if part == "" {
			continue
		}
		k, _, _ := strings.Cut(part, "=")
		if !authParams[queryUnescape(k)] {
			kept = append(kept, part)
		}
	}
	return strings.Join(kept, "&")
}

// parseQueryForm reads the presigned (query string) form.
func parseQueryForm(params []queryParam) (*signedRequest, *Error) {
	names := []string{"X-Amz-Algorithm", "X-Amz-Credential", signatureParam, "X-Amz-SignedHeaders", "X-Amz-Date"}
	vals := make(map[string]string, len(names))
	var missing []string
	for _, n := range names {
		val, ok := firstParam(params, n)
		if !ok {
			missing = append(missing, n)
		}
		vals[n] = val
	}
	if len(missing) > 0 {
		return nil, errQueryMissingParams(missing)
	}
	if vals["X-Amz-Algorithm"] != Algorithm {
		return nil, errQueryAlgorithm()
	}
	f := authorizationFields{
		credential: vals["X-Amz-Credential"], hasCredential: true,
		signedHeaders: vals["X-Amz-SignedHeaders"], hasSignedHeaders: true,
		signature: vals[signatureParam], hasSignature: true,
	}
	a, err := f.authorization()
	if err != nil {
		return nil, err
	}
	t, ok := parseAmzDate(vals["X-Amz-Date"])
	if !ok {
		return nil, errBadDate(vals["X-Amz-Date"])
	}
	req := &signedRequest{presigned: true, auth: a, t: t, amzDate: vals["X-Amz-Date"]}
	req.token, req.hasQueryToken = firstParam(params, "X-Amz-Security-Token")
	if s, ok := firstParam(params, "X-Amz-Expires"); ok {
		d, e := parseExpires(s)
		if e != nil {
			return nil, e
		}
		req.expires, req.hasExpires = d, true
	}
	return req, nil
}

func parseExpires(s string) (time.Duration, *Error) {
	if s == "" || len(s) > 18 {
		return 0, errExpiresNotNumber()
	}
	neg := s[0] == '-'
	digits := s
	if neg {
		digits = s[1:]
	}
	if digits == "" {
		return 0, errExpiresNotNumber()
	}
	var n int64
	for i := 0; i < len(digits); i++ {
		c := digits[i]
		if c < '0' || c > '9' {
			return 0, errExpiresNotNumber()
		}
		n = n*10 + int64(c-'0')
	}
	switch {
	case neg && n != 0:
		return 0, errExpiresNegative()
	case n > int64(MaxPresignExpires/time.Second):
		return 0, errExpiresTooLong()
	}
	return time.Duration(n) * time.Second, nil
}
