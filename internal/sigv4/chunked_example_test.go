package sigv4

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// AWS's published examples of aws-chunked uploads (Amazon S3 API Reference,
// "Signature Calculations for the Authorization Header: Transferring Payload
// in Multiple Chunks" and "... Including Trailing Headers"): a PUT of 66560
// bytes of 'a' in chunks of 64 KiB, 1 KiB and 0, with the example keys.
const (
	exampleAKID   = "AKIAIOSFODNN7EXAMPLE"
	exampleSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
)

var exampleTime = time.Date(2013, 5, 24, 0, 0, 0, 0, time.UTC)

type exampleUpload struct {
	payloadHash   string
	signedHeaders string
	seed          string
	chunkSigs     [3]string
	trailer       string // the trailing header lines, CRLF-terminated
}

var (
	exampleSigned = exampleUpload{
		payloadHash:   StreamingSignedPayload,
		signedHeaders: "content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class",
		seed:          "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9",
		chunkSigs: [3]string{
			"ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648",
			"0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497",
			"b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9",
		},
	}
	exampleTrailer = exampleUpload{
		payloadHash:   StreamingSignedPayloadTrailer,
		signedHeaders: "content-encoding;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class;x-amz-trailer",
		seed:          "106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e",
		chunkSigs: [3]string{
			"b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2",
			"1c1344b170168f8e65b41376b44b20fe354e373826ccbbe2c1d40a8cae51e5c7",
			"2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992",
		},
		trailer: "x-amz-checksum-crc32c:sOO8/Q==\r\n" +
			"x-amz-trailer-signature:d81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435\r\n",
	}
)

func (u exampleUpload) body() []byte {
	var b bytes.Buffer
	b.WriteString("10000;chunk-signature=" + u.chunkSigs[0] + "\r\n")
	b.Write(bytes.Repeat([]byte("a"), 65536))
	b.WriteString("\r\n400;chunk-signature=" + u.chunkSigs[1] + "\r\n")
	b.Write(bytes.Repeat([]byte("a"), 1024))
	b.WriteString("\r\n0;chunk-signature=" + u.chunkSigs[2] + "\r\n")
	b.WriteString(u.trailer + "\r\n")
	return b.Bytes()
}

func (u exampleUpload) request(body []byte) *http.Request {
	r := httptest.NewRequest("PUT", "https://s3.amazonaws.com/examplebucket/chunkObject.txt", bytes.NewReader(body))
	r.Header.Set("X-Amz-Date", "20130524T000000Z")
	r.Header.Set("X-Amz-Storage-Class", "REDUCED_REDUNDANCY")
	r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+exampleAKID+"/20130524/us-east-1/s3/aws4_request,SignedHeaders="+
		u.signedHeaders+",Signature="+u.seed)
	r.Header.Set("X-Amz-Content-Sha256", u.payloadHash)
	r.Header.Set("Content-Encoding", "aws-chunked")
	r.Header.Set("X-Amz-Decoded-Content-Length", "66560")
	r.Header.Set("Content-Length", "66824")
	if u.trailer != "" {
		r.Header.Set("X-Amz-Trailer", "x-amz-checksum-crc32c")
	}
	return r
}

func exampleVerifier() *Verifier {
	return &Verifier{
		Lookup: func(_ context.Context, id string) (string, error) {
			if id == exampleAKID {
				return exampleSecret, nil
			}
			return "", ErrUnknownAccessKey
		},
		Now: func() time.Time { return exampleTime },
	}
}

// readPayload verifies r's headers and reads its body through a
// PayloadReader.
func readPayload(t *testing.T, v *Verifier, r *http.Request) ([]byte, *PayloadReader, error) {
	t.Helper()
	res, err := v.VerifyHeaders(context.Background(), r)
	if err != nil {
		t.Fatalf("VerifyHeaders: %v", err)
	}
	p, err := res.PayloadReader(r.Body)
	if err != nil {
		return nil, nil, err
	}
	data, err := io.ReadAll(p)
	return data, p, err
}

// wantCode fails unless err is an *Error with code and status.
func wantCode(t *testing.T, err error, code string, status int) *Error {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) || e.Code != code || e.HTTPStatus != status {
		t.Fatalf("got %v, want %s (%d)", err, code, status)
	}
	return e
}

func TestAWSChunkedExamples(t *testing.T) {
	want := strings.Repeat("a", 66560)
	for name, u := range map[string]exampleUpload{"signed chunks": exampleSigned, "signed chunks and trailer": exampleTrailer} {
		t.Run(name, func(t *testing.T) {
			data, p, err := readPayload(t, exampleVerifier(), u.request(u.body()))
			if err != nil || string(data) != want {
				t.Fatalf("read %d bytes, %v", len(data), err)
			}
			if got := p.Trailers().Get("X-Amz-Checksum-Crc32c"); u.trailer != "" && got != "sOO8/Q==" {
				t.Fatalf("trailers %v", p.Trailers())
			}
		})
		t.Run(name+", Verify with the body read", func(t *testing.T) {
			body := u.body()
			r := u.request(body)
			res, err := exampleVerifier().Verify(context.Background(), r, body)
			if err != nil {
				t.Fatal(err)
			}
			p, err := res.PayloadReader(bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			if data, err := io.ReadAll(p); err != nil || string(data) != want {
				t.Fatalf("read %d bytes, %v", len(data), err)
			}
		})
	}
	t.Run("a wrong seed signature fails the headers", func(t *testing.T) {
		u := exampleSigned
		u.seed = exampleTrailer.seed
		_, err := exampleVerifier().VerifyHeaders(context.Background(), u.request(u.body()))
		wantCode(t, err, CodeSignatureDoesNotMatch, 403)
	})
	t.Run("a blank line before the trailer is accepted", func(t *testing.T) {
		u := exampleTrailer
		u.trailer = "\r\n" + u.trailer
		if data, _, err := readPayload(t, exampleVerifier(), u.request(u.body())); err != nil || string(data) != want {
			t.Fatalf("read %d bytes, %v", len(data), err)
		}
	})
	t.Run("the end of the body may follow the trailer", func(t *testing.T) {
		body := exampleTrailer.body()
		body = body[:len(body)-2]
		if data, _, err := readPayload(t, exampleVerifier(), exampleTrailer.request(body)); err != nil || string(data) != want {
			t.Fatalf("read %d bytes, %v", len(data), err)
		}
	})
}
