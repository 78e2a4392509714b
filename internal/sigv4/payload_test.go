package sigv4

import (
	"bytes"
	"context"
	"encoding/hex"
	"fmt"
	"hash/crc64"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// sdkSigned returns a PUT of body to target (or, with service "iam", a POST
// to IAM) signed by aws-sdk-go-v2 with payloadHash, sent as X-Amz-Content-Sha256
// (and so not necessarily body's), with an X-Amz-Meta-Color header.
func sdkSigned(t *testing.T, target, service, payloadHash string, body []byte) *http.Request {
	t.Helper()
	method := "PUT"
	if service != "s3" {
		method, target = "POST", "https://iam.amazonaws.com/"
	}
	r, err := http.NewRequest(method, target, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set("X-Amz-Meta-Color", "blue")
	r.Header.Set("X-Amz-Content-Sha256", payloadHash)
	creds := aws.Credentials{AccessKeyID: testAKID, SecretAccessKey: testSecret}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, r, payloadHash, service, uploadRegion, uploadTime); err != nil {
		t.Fatal(err)
	}
	return r
}

// Bodies that are not aws-chunked: returned as sent, a hashed one checked
// at its end.
func TestPayloadReaderPlainBodies(t *testing.T) {
	body := []byte("the object's bytes")
	other := []byte("something else")
	presigned := func(t *testing.T, send []byte) *http.Request {
		r, _ := http.NewRequest("PUT", uploadURL, bytes.NewReader(send))
		if err := Presign(r, nil, Credentials{AccessKeyID: testAKID, SecretAccessKey: testSecret}, uploadRegion, "s3", uploadTime, time.Hour); err != nil {
			t.Fatal(err)
		}
		return r
	}
	tests := []struct {
		name                 string
		service, payloadHash string // "" payloadHash: presigned
		send                 []byte
		code                 string // "" when the body reads to io.EOF
		status               int
		fields               []ErrorField
	}{
		{name: "S3, hashed payload", service: "s3", payloadHash: HashPayload(body), send: body},
		{name: "S3, hashed payload, uppercase hex", service: "s3", payloadHash: strings.ToUpper(HashPayload(body)), send: body},
		{
			name: "S3, hashed payload, other body", service: "s3", payloadHash: HashPayload(body),
			send: other, code: CodeXAmzContentSHA256Mismatch, status: 400,
			fields: []ErrorField{{"ClientComputedContentSHA256", HashPayload(body)}, {"S3ComputedContentSHA256", HashPayload(other)}},
		},
		{name: "S3, unsigned payload", service: "s3", payloadHash: UnsignedPayload, send: other},
		{name: "S3, presigned", service: "s3", send: other},
		{name: "IAM, hashed payload", service: "iam", payloadHash: HashPayload(body), send: body},
		{
			name: "IAM, hashed payload, other body", service: "iam", payloadHash: HashPayload(body),
			send: other, code: CodeSignatureDoesNotMatch, status: 403,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var r *http.Request
			if tc.payloadHash == "" {
				r = presigned(t, tc.send)
			} else {
				r = sdkSigned(t, uploadURL, tc.service, tc.payloadHash, tc.send)
			}
			got, _, err := readPayload(t, uploadVerifier(), r)
			if tc.code == "" {
				if err != nil || !bytes.Equal(got, tc.send) {
					t.Fatalf("read %q, %v", got, err)
				}
				return
			}
			e := wantCode(t, err, tc.code, tc.status)
			if !bytes.Equal(got, tc.send) {
				t.Fatalf("returned %q before failing", got)
			}
			if tc.fields != nil && !reflect.DeepEqual(e.Fields, tc.fields) {
				t.Fatalf("fields %v", e.Fields)
			}
		})
	}
}

func TestVerifyHeadersNeedsContentSHA256(t *testing.T) {
	r, _ := http.NewRequest("PUT", uploadURL, strings.NewReader("x"))
	creds := aws.Credentials{AccessKeyID: testAKID, SecretAccessKey: testSecret}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, r, HashPayload([]byte("x")), "s3", uploadRegion, uploadTime); err != nil {
		t.Fatal(err)
	}
	_, err := uploadVerifier().VerifyHeaders(context.Background(), r)
	if e := wantCode(t, err, CodeInvalidRequest, 400); e.Message != "Missing required header for this request: x-amz-content-sha256" {
		t.Fatalf("message %q", e.Message)
	}
	// Verify, with the body, still accepts it.
	if _, err := uploadVerifier().Verify(context.Background(), r, []byte("x")); err != nil {
		t.Fatal(err)
	}
}

func TestPayloadReaderNeedsVerifiedResult(t *testing.T) {
	if _, err := (&Result{}).PayloadReader(strings.NewReader("")); err == nil {
		t.Fatal("PayloadReader of a Result not from Verify")
	}
	if err := (Signer{}).SignForward(&http.Request{}, &Result{}, Credentials{}, time.Now()); err == nil {
		t.Fatal("SignForward of a Result not from Verify")
	}
}

// Printing a Result never shows the signing key it keeps for the body.
func TestResultPrintsNoKey(t *testing.T) {
	r := exampleTrailer.request(exampleTrailer.body())
	res, err := exampleVerifier().VerifyHeaders(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	key := SigningKey(exampleSecret, "20130524", "us-east-1", "s3")
	for _, s := range []string{fmt.Sprintf("%v %+v %#v", res, res, res), fmt.Sprintf("%v %+v %#v", *res, *res, *res)} {
		if strings.Contains(s, hex.EncodeToString(key)) || strings.Contains(s, fmt.Sprint(key)) || strings.Contains(s, fmt.Sprintf("%#v", key)) {
			t.Fatalf("key printed: %s", s)
		}
	}
}

// CRC-64/NVME's check value (the catalogue's, for "123456789"), and S3's
// CRC32C of the documented example's 66560 bytes of 'a'.
func TestChecksumKnownAnswers(t *testing.T) {
	if got := crc64.Checksum([]byte("123456789"), nvmeTable); got != 0xae8b14860a799888 {
		t.Fatalf("CRC-64/NVME check %x", got)
	}
	alg, ok := checksumFor("X-Amz-Checksum-CRC32C")
	if !ok {
		t.Fatal("no crc32c")
	}
	c := newRunningChecksum(alg)
	io.Copy(c.h, bytes.NewReader(bytes.Repeat([]byte("a"), 66560)))
	if err := c.check("sOO8/Q=="); err != nil {
		t.Fatal(err)
	}
}
