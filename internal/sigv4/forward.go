package sigv4

import (
	"errors"
	"net/http"
	"strings"
	"time"
)

// SignForward re-signs out, a request that res was verified from (or a copy
// of it addressed elsewhere) whose body is that request's
// [Result.PayloadReader], with creds, for forwarding. It modifies out's
// header and query:
//
//   - what authenticated the original goes: Authorization, the presigning
//     query parameters, X-Amz-Security-Token, X-Amz-Date (all replaced by the
//     new signature's), and the Content-Length and Transfer-Encoding headers
//     (the transport writes them from out.ContentLength);
//   - a hashed payload is signed with the same SHA-256, which the
//     PayloadReader checks; UNSIGNED-PAYLOAD stays unsigned; either keeps
//     the original's length as out.ContentLength;
//   - an aws-chunked body is forwarded decoded, as UNSIGNED-PAYLOAD:
//     aws-chunked leaves Content-Encoding, X-Amz-Decoded-Content-Length
//     becomes out.ContentLength (-1, unknown, without it), and X-Amz-Trailer
//     and X-Amz-Sdk-Checksum-Algorithm go. The trailing checksum, verified by
//     the PayloadReader, is not forwarded.
//
// The signature's region and service are res's.
func (s Signer) SignForward(out *http.Request, res *Result, creds Credentials, t time.Time) error {
	if res == nil || res.payload == nil {
		return errors.New("sigv4: SignForward needs a Result returned by Verify or VerifyHeaders")
	}
	if err := checkSignInput(out, creds, res.Region, res.Service); err != nil {
		return err
	}
	out.URL.RawQuery = stripAuthParams(out.URL.RawQuery)
	out.Header.Del("Content-Length")
	out.Header.Del("Transfer-Encoding")
	payload := res.payload.hash
	out.ContentLength = res.payload.contentLength
	if res.payload.chunked() {
		payload = UnsignedPayload
		dropContentCoding(out.Header, "aws-chunked")
		out.Header.Del("X-Amz-Decoded-Content-Length")
		out.Header.Del("X-Amz-Trailer")
		out.Header.Del("X-Amz-Sdk-Checksum-Algorithm")
		out.ContentLength = -1
		if n, ok := parseDecimal(res.payload.decodedLength); ok {
			out.ContentLength = n
		}
	}
	s.signPayload(out, payload, creds, res.Region, res.Service, t)
	return nil
}

// dropContentCoding removes coding from the Content-Encoding list, and the
// header if nothing is left.
func dropContentCoding(h http.Header, coding string) {
	var kept []string
	for _, v := range h.Values("Content-Encoding") {
		for c := range strings.SplitSeq(v, ",") {
			if c = strings.TrimSpace(c); c != "" && !strings.EqualFold(c, coding) {
				kept = append(kept, c)
			}
		}
	}
	if len(kept) == 0 {
		h.Del("Content-Encoding")
		return
	}
	h.Set("Content-Encoding", strings.Join(kept, ","))
}
