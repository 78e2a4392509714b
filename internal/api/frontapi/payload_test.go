package frontapi

import (
	"bytes"
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/iamd-dev/iamd/internal/sigv4"
	"github.com/iamd-dev/iamd/internal/upstream/upstreamtest"
)

// uploadAnswers are the upstream's answers to the uploads of these tests.
var uploadAnswers = map[string]upstreamtest.Answer{
	"PUT /allowed/big": {Status: 200, Header: map[string]string{"ETag": `"etag-big"`}},
	"POST /allowed":    {Status: 200, Header: map[string]string{"Content-Type": "application/xml"}, Body: `<DeleteResult><Deleted><Key>public/a</Key></Deleted></DeleteResult>`},
}

// An aws-chunked upload, in each of its modes, reaches the upstream decoded: the object's
// bytes exactly, with their length, as UNSIGNED-PAYLOAD.
func TestAwsChunkedUploadsReachTheUpstreamDecoded(t *testing.T) {
	data := payloadOf(3<<16 + 1000)
	for _, mode := range []string{sigv4.StreamingSignedPayload, sigv4.StreamingSignedPayloadTrailer, sigv4.StreamingUnsignedPayloadTrailer} {
		t.Run(mode, func(t *testing.T) {
			f := newFixture(t, EnforceOn, recording, uploadAnswers)
			creds := f.user("alice", alicePolicy)
			resp, body := f.put(creds, "/allowed/big", chunkedPut{mode: mode, data: data, chunk: 1 << 16})
			if o := f.next(); resp.StatusCode != 200 || resp.Header.Get("ETag") != `"etag-big"` || o.Action != "s3:PutObject" || o.Err != nil {
				t.Fatalf("%d %s, outcome %+v", resp.StatusCode, body, o)
			}
			got := f.upstream.Received()
			if len(got) != 1 || !bytes.Equal([]byte(got[0].Body), data) {
				t.Fatalf("the upstream received %d requests, not the object", len(got))
			}
			h := got[0].Header
			if h.Get("X-Amz-Content-Sha256") != sigv4.UnsignedPayload || h.Get("Content-Length") != strconv.Itoa(len(data)) ||
				h.Get("Content-Encoding") != "" || h.Get("X-Amz-Trailer") != "" || h.Get("X-Amz-Decoded-Content-Length") != "" {
				t.Errorf("the upstream's headers: %v", h)
			}
		})
	}
}

// A body that fails is answered with S3's error document (its code, status and added
// elements), and the upstream never receives it whole.
func TestFailingPayloadsAreS3Errors(t *testing.T) {
	data := payloadOf(2<<16 + 10)
	n := strconv.Itoa(len(data))
	xmlError := func(code, message, added string) string {
		return `<?xml version="1.0" encoding="UTF-8"?>` + "\n<Error><Code>" + code + "</Code><Message>" + message + "</Message>" + added +
			"<RequestId>req-1</RequestId><HostId></HostId></Error>"
	}
	signedForOther := sigv4.HashPayload([]byte("another body"))
	for _, tc := range []struct {
		name   string
		send   func(f *fixture, creds aws.Credentials) (*http.Response, string)
		status int
		want   string // the document, or its code
		atEnd  bool   // the failure is known at the body's end: the upstream had all of it but a byte
	}{
		{"a tampered chunk", func(f *fixture, creds aws.Credentials) (*http.Response, string) {
			return f.put(creds, "/allowed/big", chunkedPut{mode: sigv4.StreamingSignedPayload, data: data, chunk: 1 << 16,
				tamper: func(b []byte) { b[bytes.Index(b, data[1<<16:1<<16+32])] ^= 1 }})
		}, 403, "SignatureDoesNotMatch", false},
		{"a tampered trailer signature", func(f *fixture, creds aws.Credentials) (*http.Response, string) {
			return f.put(creds, "/allowed/big", chunkedPut{mode: sigv4.StreamingSignedPayloadTrailer, data: data, chunk: 1 << 16,
				tamper: func(b []byte) {
					i := bytes.Index(b, []byte("x-amz-trailer-signature:")) + len("x-amz-trailer-signature:")
					b[i] ^= 1
				}})
		}, 403, "SignatureDoesNotMatch", true},
		{"a checksum that is not the data's", func(f *fixture, creds aws.Credentials) (*http.Response, string) {
			return f.put(creds, "/allowed/big", chunkedPut{mode: sigv4.StreamingUnsignedPayloadTrailer, data: data, chunk: 1 << 16, crc32: crc32Of([]byte("other"))})
		}, 400, xmlError("BadDigest", "The CRC32 you specified did not match the calculated checksum.", ""), true},
		{"fewer bytes than declared", func(f *fixture, creds aws.Credentials) (*http.Response, string) {
			return f.put(creds, "/allowed/big", chunkedPut{mode: sigv4.StreamingUnsignedPayloadTrailer, data: data, chunk: 1 << 16, declared: strconv.Itoa(len(data) + 10)})
		}, 400, xmlError("IncompleteBody", "You did not provide the number of bytes specified by the Content-Length HTTP header",
			"<NumberBytesExpected>"+strconv.Itoa(len(data)+10)+"</NumberBytesExpected><NumberBytesProvided>"+n+"</NumberBytesProvided>"), true},
		{"a payload hash that is not the body's", func(f *fixture, creds aws.Credentials) (*http.Response, string) {
			r, _ := http.NewRequest(http.MethodPut, f.url+"/allowed/big", bytes.NewReader(data))
			keys := sigv4.Credentials{AccessKeyID: creds.AccessKeyID, SecretAccessKey: creds.SecretAccessKey}
			if err := sigv4.Sign(r, []byte("another body"), keys, region, "s3", time.Now()); err != nil {
				t.Fatal(err)
			}
			return f.do(r)
		}, 400, xmlError("XAmzContentSHA256Mismatch", "The provided &#39;x-amz-content-sha256&#39; header does not match what was computed.",
			"<ClientComputedContentSHA256>"+signedForOther+"</ClientComputedContentSHA256><S3ComputedContentSHA256>"+sigv4.HashPayload(data)+"</S3ComputedContentSHA256>"), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, EnforceOn, recording, uploadAnswers)
			creds := f.user("alice", alicePolicy)
			resp, body := tc.send(f, creds)
			o := f.next()
			code := tc.want
			if strings.HasPrefix(tc.want, "<?xml") {
				code = tc.want[strings.Index(tc.want, "<Code>")+6 : strings.Index(tc.want, "</Code>")]
				if body != tc.want {
					t.Errorf("answered\n%s\nwant\n%s", body, tc.want)
				}
			}
			if resp.StatusCode != tc.status || !strings.Contains(body, "<Code>"+code+"</Code>") || resp.Header.Get("Content-Type") != "application/xml" {
				t.Errorf("answered %d %s", resp.StatusCode, body)
			}
			if o.Action != "s3:PutObject" || o.Resource != "arn:aws:s3:::allowed/big" || o.Err == nil || o.Err.Code != code {
				t.Errorf("outcome %+v", o)
			}
			if got := f.upstream.Received(); len(got) != 0 {
				t.Fatalf("the upstream received the body whole: %d bytes", len(got[0].Body))
			}
			if tc.atEnd {
				cut := waitIncomplete(f.upstream)
				if len(cut) != 1 || len(cut[0].Body) >= len(data) {
					t.Fatalf("the upstream saw %d aborted requests, want 1 short of the object", len(cut))
				}
			}
		})
	}
}

// waitIncomplete waits for the upstream to see a request aborted, and returns those it saw.
func waitIncomplete(rec *upstreamtest.Recorder) []upstreamtest.Request {
	for deadline := time.Now().Add(5 * time.Second); len(rec.Incomplete()) == 0 && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	return rec.Incomplete()
}

// A body that is not an object (DeleteObjects' keys) is read before the call is authorized,
// from what it names, and forwarded as it was sent; one too large to read is refused.
func TestS3BodiesTheRulesReadAreReadFirst(t *testing.T) {
	f := newFixture(t, EnforceOn, recording, uploadAnswers)
	creds := f.user("bob", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:DeleteObject","s3:PutBucketTagging"],"Resource":["arn:aws:s3:::allowed","arn:aws:s3:::allowed/public/*"]}]}`)
	ctx := context.Background()
	del := func(keys ...string) error {
		var ids []types.ObjectIdentifier
		for _, k := range keys {
			ids = append(ids, types.ObjectIdentifier{Key: aws.String(k)})
		}
		_, err := f.s3(creds).DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: aws.String("allowed"), Delete: &types.Delete{Objects: ids}})
		return err
	}
	if err := del("public/a"); err != nil {
		t.Fatal(err)
	}
	if o := f.next(); o.Action != "s3:DeleteObject" || o.Resource != "arn:aws:s3:::allowed/public/a" || o.Err != nil {
		t.Fatalf("outcome %+v", o)
	}
	got := f.upstream.Received()
	if len(got) != 1 || !strings.Contains(got[0].Body, "<Key>public/a</Key>") || got[0].Header.Get("X-Amz-Content-Sha256") != sigv4.HashPayload([]byte(got[0].Body)) {
		t.Fatalf("the upstream received %+v", got)
	}

	apiError(t, del("public/a", "private/b"), "AccessDenied", 403)
	if o := f.next(); o.Resource != "arn:aws:s3:::allowed/private/b" {
		t.Errorf("denied on %s, want the key the body names", o.Resource)
	}
	resp, body := f.raw(creds, "s3", "PUT", "/allowed?tagging", strings.Repeat("x", maxReadBody+1), nil)
	if resp.StatusCode != 413 || !strings.Contains(body, "<Code>RequestEntityTooLarge</Code>") {
		t.Errorf("a body too large: %d %s", resp.StatusCode, body)
	}
	f.next()
	if got := f.upstream.Received(); len(got) != 1 {
		t.Fatalf("the upstream received %d calls, want the one allowed", len(got))
	}
}
