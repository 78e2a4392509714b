package sigv4

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

func uploadVerifier() *Verifier {
	return &Verifier{Lookup: testLookup, Now: func() time.Time { return uploadTime }}
}

func testData(n int) []byte {
	rng := rand.New(rand.NewPCG(1, uint64(n)))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
	return b
}

var checksumTrailers = []string{
	"x-amz-checksum-crc32", "x-amz-checksum-crc32c", "x-amz-checksum-crc64nvme", "x-amz-checksum-sha1", "x-amz-checksum-sha256",
}

func TestChunkedRoundTrip(t *testing.T) {
	data := testData(3*minChunkSize + 100)
	var cases []upload
	for _, size := range []int{minChunkSize, 64 << 10} {
		cases = append(cases,
			upload{mode: StreamingSignedPayload, chunks: split(data, size)},
			upload{mode: StreamingSignedPayloadTrailer, chunks: split(data, size)},
			upload{mode: StreamingUnsignedPayloadTrailer, chunks: split(data, size)})
	}
	for _, c := range checksumTrailers {
		cases = append(cases,
			upload{mode: StreamingSignedPayloadTrailer, chunks: split(data, minChunkSize), checksum: c},
			upload{mode: StreamingUnsignedPayloadTrailer, chunks: split(data, minChunkSize), checksum: c})
	}
	cases = append(cases,
		upload{mode: StreamingSignedPayload},
		upload{mode: StreamingUnsignedPayloadTrailer, checksum: "x-amz-checksum-crc32"},
		upload{mode: StreamingUnsignedPayloadTrailer, chunks: split(data, 1<<20), declared: "-"})
	for _, u := range cases {
		name := fmt.Sprintf("%s/%d chunks/%s/declared %q", u.mode, len(u.chunks), u.checksum, u.declared)
		t.Run(name, func(t *testing.T) {
			r, body := u.build(t)
			for _, slow := range []bool{false, true} {
				var src io.Reader = bytes.NewReader(body)
				if slow {
					src = iotest.OneByteReader(src) // every read of the body returns one byte
				}
				res, err := uploadVerifier().VerifyHeaders(context.Background(), r)
				if err != nil {
					t.Fatal(err)
				}
				p, err := res.PayloadReader(src)
				if err != nil {
					t.Fatal(err)
				}
				got, err := readInPieces(p, 1000)
				if err != nil || !bytes.Equal(got, u.data()) {
					t.Fatalf("slow %v: read %d of %d bytes, %v", slow, len(got), len(u.data()), err)
				}
				want := http.Header{}
				if u.checksum != "" {
					want.Set(u.checksum, testChecksum(t, u.checksum, u.data()))
				}
				if tr := p.Trailers(); u.mode != StreamingSignedPayload && !reflect.DeepEqual(tr, want) {
					t.Fatalf("trailers %v, want %v", tr, want)
				}
			}
		})
	}
}

// readInPieces reads p to its end in reads of at most n bytes.
func readInPieces(p io.Reader, n int) ([]byte, error) {
	var out []byte
	buf := make([]byte, n)
	for {
		k, err := p.Read(buf)
		out = append(out, buf[:k]...)
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
	}
}

// replaceOnce replaces the first old in body, which must be there.
func replaceOnce(t *testing.T, body []byte, old, new string) []byte {
	t.Helper()
	if !bytes.Contains(body, []byte(old)) {
		t.Fatalf("%q not in body", old)
	}
	return bytes.Replace(body, []byte(old), []byte(new), 1)
}

// chunkSignatures returns the chunk signatures of body, in order.
func chunkSignatures(body []byte) []string {
	var sigs []string
	for _, part := range strings.Split(string(body), ";chunk-signature=")[1:] {
		sigs = append(sigs, part[:64])
	}
	return sigs
}

func TestChunkedFailures(t *testing.T) {
	data := testData(2*minChunkSize + 10)
	chunks := split(data, minChunkSize)
	signed := upload{mode: StreamingSignedPayload, chunks: chunks}
	signedTrailer := upload{mode: StreamingSignedPayloadTrailer, chunks: chunks, checksum: "x-amz-checksum-crc32"}
	unsignedTrailer := upload{mode: StreamingUnsignedPayloadTrailer, chunks: chunks, checksum: "x-amz-checksum-crc32"}
	wrongCRC32 := testChecksum(t, "x-amz-checksum-crc32", []byte("other"))

	tests := []struct {
		name   string
		upload upload
		tamper func(t *testing.T, body []byte) []byte
		code   string
		status int
		msg    string       // exact message, if set
		fields []ErrorField // exact fields, if set
		// returned is how much data Read returns before failing (-1: not checked).
		returned int
	}{
		{
			name: "tampered data in a signed chunk", upload: signed,
			tamper: func(t *testing.T, body []byte) []byte {
				b := bytes.Clone(body)
				b[bytes.Index(b, data[minChunkSize:minChunkSize+8])] ^= 1
				return b
			},
			code: CodeSignatureDoesNotMatch, status: 403, msg: signatureMismatchText, returned: minChunkSize,
		},
		{
			name: "tampered chunk signature", upload: signed,
			tamper: func(t *testing.T, body []byte) []byte {
				sig := chunkSignatures(body)[0]
				return replaceOnce(t, body, sig, strings.Repeat("0", 64))
			},
			code: CodeSignatureDoesNotMatch, status: 403, returned: 0,
		},
		{
			name: "chunks swapped", upload: upload{mode: StreamingSignedPayload, chunks: split(data[:2*minChunkSize], minChunkSize)},
			tamper: func(t *testing.T, body []byte) []byte {
				n := len(fmt.Sprintf("%x;chunk-signature=", minChunkSize)) + 64 + 2 + minChunkSize + 2
				return append(append(append([]byte{}, body[n:2*n]...), body[:n]...), body[2*n:]...)
			},
			code: CodeSignatureDoesNotMatch, status: 403, returned: 0,
		},
		{
			name: "tampered final chunk signature", upload: signed,
			tamper: func(t *testing.T, body []byte) []byte {
				sigs := chunkSignatures(body)
				return replaceOnce(t, body, sigs[len(sigs)-1], strings.Repeat("0", 64))
			},
			code: CodeSignatureDoesNotMatch, status: 403, returned: len(data),
		},
		{
			name: "tampered signed trailer", upload: signedTrailer,
			tamper: func(t *testing.T, body []byte) []byte {
				return replaceOnce(t, body, "x-amz-checksum-crc32:"+testChecksum(t, "x-amz-checksum-crc32", data), "x-amz-checksum-crc32:"+wrongCRC32)
			},
			code: CodeSignatureDoesNotMatch, status: 403, returned: len(data),
		},
		{
			name: "tampered trailer signature", upload: signedTrailer,
			tamper: func(t *testing.T, body []byte) []byte {
				i := bytes.Index(body, []byte("x-amz-trailer-signature:")) + len("x-amz-trailer-signature:")
				b := bytes.Clone(body)
				b[i] ^= 1
				return b
			},
			code: CodeSignatureDoesNotMatch, status: 403, returned: len(data),
		},
		{
			name: "missing trailer signature", upload: signedTrailer,
			tamper: func(t *testing.T, body []byte) []byte {
				i := bytes.Index(body, []byte("x-amz-trailer-signature:"))
				return append(bytes.Clone(body[:i]), "\r\n"...)
			},
			code: CodeSignatureDoesNotMatch, status: 403, returned: len(data),
		},
		{
			name: "signed trailer with a wrong checksum", upload: upload{mode: StreamingSignedPayloadTrailer, chunks: chunks,
				checksum: "x-amz-checksum-crc32", trailerValue: wrongCRC32},
			code: CodeBadDigest, status: 400, msg: "The CRC32 you specified did not match the calculated checksum.", returned: len(data),
		},
		{
			name: "unsigned trailer with a wrong checksum", upload: unsignedTrailer,
			tamper: func(t *testing.T, body []byte) []byte {
				return replaceOnce(t, body, testChecksum(t, "x-amz-checksum-crc32", data), wrongCRC32)
			},
			code: CodeBadDigest, status: 400, returned: len(data),
		},
		{
			name: "unsigned data tampered", upload: upload{mode: StreamingUnsignedPayloadTrailer, chunks: chunks, checksum: "x-amz-checksum-sha256"},
			tamper: func(t *testing.T, body []byte) []byte {
				b := bytes.Clone(body)
				b[bytes.Index(b, data[:8])] ^= 1
				return b
			},
			code: CodeBadDigest, status: 400, msg: "The SHA256 you specified did not match the calculated checksum.", returned: len(data),
		},
		{
			name: "checksum not base64", upload: upload{mode: StreamingUnsignedPayloadTrailer, chunks: chunks,
				checksum: "x-amz-checksum-crc32c", trailerValue: "not base64!"},
			code: CodeInvalidRequest, status: 400, msg: "Value for x-amz-checksum-crc32c trailing header is invalid.", returned: len(data),
		},
		{
			name: "checksum of the wrong length", upload: upload{mode: StreamingUnsignedPayloadTrailer, chunks: chunks,
				checksum: "x-amz-checksum-sha1", trailerValue: "AAAAAA=="},
			code: CodeInvalidRequest, status: 400, msg: "Value for x-amz-checksum-sha1 trailing header is invalid.", returned: len(data),
		},
		{
			name: "undeclared trailer", upload: upload{mode: StreamingUnsignedPayloadTrailer, chunks: chunks,
				trailerLines: []string{"x-amz-meta-foo:bar"}},
			code: CodeMalformedTrailerError, status: 400, returned: len(data),
			msg: "The request contained trailing data that was not well-formed or did not conform to our published schema.",
		},
		{
			name: "declared trailer missing", upload: upload{mode: StreamingSignedPayloadTrailer, chunks: chunks,
				checksum: "x-amz-checksum-crc32", trailerLines: []string{}},
			code: CodeMalformedTrailerError, status: 400, returned: len(data),
		},
		{
			name: "trailer line without a colon", upload: upload{mode: StreamingUnsignedPayloadTrailer, chunks: chunks,
				checksum: "x-amz-checksum-crc32", trailerLines: []string{"x-amz-checksum-crc32"}},
			code: CodeMalformedTrailerError, status: 400, returned: len(data),
		},
		{
			name: "decoded length too small", upload: upload{mode: StreamingSignedPayload, chunks: chunks, declared: "100"},
			code: CodeIncompleteBody, status: 400, returned: 0,
			msg:    "You did not provide the number of bytes specified by the Content-Length HTTP header",
			fields: []ErrorField{{"NumberBytesExpected", "100"}, {"NumberBytesProvided", fmt.Sprint(minChunkSize)}},
		},
		{
			name: "decoded length too large", upload: upload{mode: StreamingUnsignedPayloadTrailer, chunks: chunks, declared: fmt.Sprint(len(data) + 1)},
			code: CodeIncompleteBody, status: 400, returned: len(data),
			fields: []ErrorField{{"NumberBytesExpected", fmt.Sprint(len(data) + 1)}, {"NumberBytesProvided", fmt.Sprint(len(data))}},
		},
		{
			name: "short chunk before the last", upload: upload{mode: StreamingSignedPayload, chunks: [][]byte{data[:100], data[100:200]}},
			code: CodeInvalidChunkSizeError, status: 403, returned: 100,
			msg:    "Only the last chunk is allowed to have a size less than 8192 bytes",
			fields: []ErrorField{{"Chunk", "2"}, {"BadChunkSize", "100"}},
		},
		{
			name: "short unsigned chunk before the last", upload: upload{mode: StreamingUnsignedPayloadTrailer,
				chunks: [][]byte{data[:minChunkSize], data[minChunkSize : minChunkSize+5], data[minChunkSize+5 : minChunkSize+10]}},
			code: CodeInvalidChunkSizeError, status: 403, returned: minChunkSize + 5,
			fields: []ErrorField{{"Chunk", "3"}, {"BadChunkSize", "5"}},
		},
		{
			name: "signed chunk larger than MaxChunkSize", upload: signed,
			tamper: func(t *testing.T, body []byte) []byte {
				return replaceOnce(t, body, fmt.Sprintf("%x;", minChunkSize), fmt.Sprintf("%x;", MaxChunkSize+1))
			},
			code: CodeInvalidChunkSizeError, status: 403, returned: 0,
		},
		{
			name: "chunk size not hex", upload: signed,
			tamper: func(t *testing.T, body []byte) []byte {
				return replaceOnce(t, body, fmt.Sprintf("%x;", minChunkSize), "2g00;")
			},
			code: CodeIncompleteBody, status: 400, msg: "The request body terminated unexpectedly", returned: 0,
		},
		{
			name: "signed chunk without its signature", upload: signed,
			tamper: func(t *testing.T, body []byte) []byte {
				return replaceOnce(t, body, ";chunk-signature="+chunkSignatures(body)[0], "")
			},
			code: CodeIncompleteBody, status: 400, returned: 0,
		},
		{
			name: "chunk data not followed by CRLF", upload: signed,
			tamper: func(t *testing.T, body []byte) []byte {
				i := bytes.Index(body, data[:minChunkSize]) + minChunkSize
				b := bytes.Clone(body)
				b[i] = 'x'
				return b
			},
			code: CodeIncompleteBody, status: 400, returned: 0,
		},
		{
			name: "data after the end", upload: unsignedTrailer,
			tamper: func(t *testing.T, body []byte) []byte {
				return append(bytes.Clone(body), 'x')
			},
			code: CodeIncompleteBody, status: 400, returned: len(data),
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, body := tc.upload.build(t)
			if tc.tamper != nil {
				body = tc.tamper(t, body)
			}
			got, _, err := readPayload(t, uploadVerifier(), withBody(r, body))
			e := wantCode(t, err, tc.code, tc.status)
			if tc.msg != "" && e.Message != tc.msg {
				t.Errorf("message %q, want %q", e.Message, tc.msg)
			}
			if tc.fields != nil && !reflect.DeepEqual(e.Fields, tc.fields) {
				t.Errorf("fields %v, want %v", e.Fields, tc.fields)
			}
			if tc.returned >= 0 && len(got) != tc.returned {
				t.Errorf("returned %d bytes before failing, want %d", len(got), tc.returned)
			}
		})
	}
}

// Every truncation of a body fails with IncompleteBody, never io.EOF.
func TestChunkedTruncated(t *testing.T) {
	for _, u := range []upload{
		{mode: StreamingSignedPayload, chunks: split(testData(minChunkSize+50), minChunkSize)},
		{mode: StreamingSignedPayloadTrailer, chunks: split(testData(minChunkSize+50), minChunkSize), checksum: "x-amz-checksum-sha256"},
		{mode: StreamingUnsignedPayloadTrailer, chunks: split(testData(minChunkSize+50), minChunkSize), checksum: "x-amz-checksum-crc32"},
	} {
		r, body := u.build(t)
		ends := []int{0, 1, 10}
		for i := len(body) - 120; i < len(body); i++ {
			ends = append(ends, i)
		}
		ends = append(ends, minChunkSize/2, minChunkSize+90)
		for _, end := range ends {
			if u.mode != StreamingSignedPayload && end == len(body)-2 {
				continue // the blank line after the trailer may be left out
			}
			_, _, err := readPayload(t, uploadVerifier(), withBody(r, body[:end]))
			if e := wantCode(t, err, CodeIncompleteBody, 400); e.Message != "The request body terminated unexpectedly" {
				t.Fatalf("%s cut at %d of %d: %q", u.mode, end, len(body), e.Message)
			}
		}
	}
}

func TestChunkedHeaders(t *testing.T) {
	data := testData(10)
	tests := []struct {
		name   string
		upload upload
		code   string
		msg    string
	}{
		{"unsupported trailer", upload{mode: StreamingUnsignedPayloadTrailer, chunks: [][]byte{data}, checksum: "x-amz-meta-foo", trailerLines: []string{}},
			CodeInvalidRequest, "The value specified in the x-amz-trailer header is not supported"},
		{"two checksums", upload{mode: StreamingSignedPayloadTrailer, chunks: [][]byte{data}, checksum: "x-amz-checksum-crc32,x-amz-checksum-sha1", trailerLines: []string{}},
			CodeInvalidRequest, "Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed."},
		{"decoded length not a number", upload{mode: StreamingSignedPayload, chunks: [][]byte{data}, declared: "+10"},
			CodeInvalidArgument, "x-amz-decoded-content-length must be a non-negative integer, not '+10'"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, body := tc.upload.build(t)
			_, p, err := readPayload(t, uploadVerifier(), withBody(r, body))
			if e := wantCode(t, err, tc.code, 400); e.Message != tc.msg || p != nil {
				t.Fatalf("message %q", e.Message)
			}
		})
	}
}

// The streaming values are S3's: elsewhere they are a wrong payload hash.
func TestStreamingOutsideS3(t *testing.T) {
	r := newTestRequest(t, "POST", "https://iam.amazonaws.com/", testBody)
	r.Header.Set("X-Amz-Content-Sha256", StreamingSignedPayload)
	creds := aws.Credentials{AccessKeyID: testAKID, SecretAccessKey: testSecret}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, r, StreamingSignedPayload, "iam", "us-east-1", t0); err != nil {
		t.Fatal(err)
	}
	v := &Verifier{Lookup: testLookup, Now: func() time.Time { return t0 }}
	_, err := v.Verify(context.Background(), r, []byte(testBody))
	wantCode(t, err, CodeSignatureDoesNotMatch, 403)

	_, _, err = readPayload(t, v, r)
	wantCode(t, err, CodeSignatureDoesNotMatch, 403)
}

// FuzzChunkedReader checks that decoding never panics, never returns more
// data than the body holds, and fails only with an *Error.
func FuzzChunkedReader(f *testing.F) {
	f.Add([]byte("5\r\nhello\r\n0\r\nx-amz-checksum-crc32:NhCmhg==\r\n\r\n"), uint8(2))
	f.Add(exampleSigned.body()[65500:], uint8(0))
	f.Add(exampleTrailer.body()[65500:], uint8(1))
	f.Add([]byte("0;chunk-signature=00\r\n\r\nx-amz-trailer-signature:00\r\n"), uint8(1))
	modes := []string{StreamingSignedPayload, StreamingSignedPayloadTrailer, StreamingUnsignedPayloadTrailer}
	f.Fuzz(func(t *testing.T, body []byte, mode uint8) {
		p := &payloadState{
			hash: modes[int(mode)%len(modes)], s3: true, trailer: "x-amz-checksum-crc32",
			chain: chunkChain{key: []byte("k"), amzDate: "20130524T000000Z", scope: "s", previous: "00"},
		}
		r, err := newChunkedReader(bytes.NewReader(body), p)
		if err != nil {
			t.Fatal(err)
		}
		data, rerr := io.ReadAll(r)
		if len(data) > len(body) {
			t.Fatalf("%d bytes decoded from %d", len(data), len(body))
		}
		if _, ok := rerr.(*Error); rerr != nil && !ok {
			t.Fatalf("error %T %v", rerr, rerr)
		}
	})
}
