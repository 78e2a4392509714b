package sigv4

import (
	"errors"
	"net/http"
	"sort"
	"strings"
	"time"
)

// Signer signs requests. The zero value signs as the AWS SDKs do.
type Signer struct {
	// Options returns the canonicalisation rules for a service; nil means
	// DefaultOptions.
	Options func(service string) Options
	// ContentSHA256Header sets and signs X-Amz-Content-Sha256 (always done
	// for services with S3 payload rules).
	ContentSHA256Header bool
	// UnsignedSessionToken adds X-Amz-Security-Token after signing, so that
	// it is not signed (as some services, such as AWS IoT, require).
	UnsignedSessionToken bool
}

// notSigned are headers that proxies and HTTP stacks add, drop or rewrite;
// signing them would make signatures fragile.
var notSigned = map[string]bool{
	"authorization":     true,
	"connection":        true,
	"expect":            true,
	"proxy-connection":  true,
	"te":                true,
	"transfer-encoding": true,
	"upgrade":           true,
	"user-agent":        true,
	"x-amzn-trace-id":   true,
}

// Sign signs r in the Authorization header form with the zero [Signer].
func Sign(r *http.Request, body []byte, creds Credentials, region, service string, t time.Time) error {
	return Signer{}.Sign(r, body, creds, region, service, t)
}

func (s Signer) options(service string) Options {
	if s.Options != nil {
		return s.Options(service)
	}
	return DefaultOptions(service)
}

// Sign sets X-Amz-Date (to t), X-Amz-Security-Token (for temporary
// credentials) and Authorization on r, signing the host header and every
// header already on r except hop-by-hop ones and User-Agent. body must be
// what will be sent as r's body. An X-Amz-Content-Sha256 of UNSIGNED-PAYLOAD
// already on r is honoured.
func (s Signer) Sign(r *http.Request, body []byte, creds Credentials, region, service string, t time.Time) error {
	if err := checkSignInput(r, creds, region, service); err != nil {
		return err
	}
	payload := HashPayload(body)
	if r.Header.Get("X-Amz-Content-Sha256") == UnsignedPayload {
		payload = UnsignedPayload
	}
	s.signPayload(r, payload, creds, region, service, t)
	return nil
}

// signPayload signs r, already checked by checkSignInput, with payload as its
// payload hash, which it also sets as X-Amz-Content-Sha256 when it is
// UNSIGNED-PAYLOAD, for S3 and when s.ContentSHA256Header asks.
func (s Signer) signPayload(r *http.Request, payload string, creds Credentials, region, service string, t time.Time) {
	opts := s.options(service)
	amzDate := formatAmzDate(t)
	r.Header.Del("Authorization")
	r.Header.Del("X-Amz-Security-Token")
	r.Header.Set("X-Amz-Date", amzDate)
	if creds.SessionToken != "" && !s.UnsignedSessionToken {
		r.Header.Set("X-Amz-Security-Token", creds.SessionToken)
	}
	if payload == UnsignedPayload || s.ContentSHA256Header || opts.S3Payload {
		r.Header.Set("X-Amz-Content-Sha256", payload)
	}

	a := Authorization{
		AccessKeyID: creds.AccessKeyID, Date: amzDate[:8], Region: region, Service: service, Terminator: Terminator,
		SignedHeaders: headersToSign(r),
	}
	cr := CanonicalRequest(r, a.SignedHeaders, payload, opts)
	key := SigningKey(creds.SecretAccessKey, a.Date, region, service)
	a.Signature = Signature(key, StringToSign(amzDate, Scope(a.Date, region, service), cr))
	r.Header.Set("Authorization", a.String())
	if creds.SessionToken != "" && s.UnsignedSessionToken {
		r.Header.Set("X-Amz-Security-Token", creds.SessionToken)
	}
}

func checkSignInput(r *http.Request, creds Credentials, region, service string) error {
	switch {
	case r == nil || r.URL == nil:
		return errors.New("sigv4: request has no URL")
	case creds.AccessKeyID == "" || creds.SecretAccessKey == "":
		return errors.New("sigv4: credentials need an access key id and a secret access key")
	case region == "" || service == "":
		return errors.New("sigv4: region and service are required")
	case strings.ContainsAny(creds.AccessKeyID+region+service, "/ ,\t"):
		return errors.New("sigv4: access key id, region and service must not contain '/', ',' or blanks")
	}
	if r.Header == nil {
		r.Header = http.Header{}
	}
	return nil
}

// headersToSign lists host and the signable headers on r, lowercase and sorted.
func headersToSign(r *http.Request) []string {
	set := map[string]bool{"host": true}
	for k := range r.Header {
		if lk := strings.ToLower(k); !notSigned[lk] {
			set[lk] = true
		}
	}
	names := make([]string, 0, len(set))
	for k := range set {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}
