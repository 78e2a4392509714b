package sigv4

import (
	"bytes"
	"context"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash/crc32"
	"hash/crc64"
	"io"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// A test-side aws-chunked encoder, written from AWS's description of the
// format. The request and its chunks are signed by aws-sdk-go-v2: its v4
// Signer for the seed signature and its StreamSigner for the chunks (whose
// string to sign, with no event headers, is the chunk's). Only the trailer
// signature, which the SDK does not expose, is computed here.

var uploadTime = time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)

const (
	uploadURL    = "https://s3.amazonaws.com/bucket/some/key"
	uploadRegion = "us-east-1"
)

// upload describes an aws-chunked request to build.
type upload struct {
	url      string   // "" is uploadURL
	mode     string   // X-Amz-Content-Sha256
	chunks   [][]byte // data chunks, before the final empty one
	checksum string   // the trailer X-Amz-Trailer declares ("" for none)
	// Overrides of what the encoder would write.
	trailerValue string   // the checksum trailer's value; "" computes it
	trailerLines []string // the trailer lines instead of the checksum's
	declared     string   // x-amz-decoded-content-length; "" is the data's length, "-" omits it
}

// split cuts data into chunks of size.
func split(data []byte, size int) [][]byte {
	var chunks [][]byte
	for len(data) > size {
		chunks = append(chunks, data[:size])
		data = data[size:]
	}
	if len(data) > 0 {
		chunks = append(chunks, data)
	}
	return chunks
}

func (u upload) data() []byte { return bytes.Join(u.chunks, nil) }

// build returns the signed request, without a body, and its encoded body.
func (u upload) build(t *testing.T) (*http.Request, []byte) {
	t.Helper()
	target := u.url
	if target == "" {
		target = uploadURL
	}
	r, err := http.NewRequest("PUT", target, nil)
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set("X-Amz-Meta-Color", "blue")
	r.Header.Set("X-Amz-Content-Sha256", u.mode)
	r.Header.Set("Content-Encoding", "aws-chunked")
	switch u.declared {
	case "":
		r.Header.Set("X-Amz-Decoded-Content-Length", strconv.Itoa(len(u.data())))
	case "-":
	default:
		r.Header.Set("X-Amz-Decoded-Content-Length", u.declared)
	}
	if u.checksum != "" {
		r.Header.Set("X-Amz-Trailer", u.checksum)
	}
	creds := aws.Credentials{AccessKeyID: testAKID, SecretAccessKey: testSecret}
	err = v4.NewSigner().SignHTTP(context.Background(), creds, r, u.mode, "s3", uploadRegion, uploadTime,
		func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })
	if err != nil {
		t.Fatal(err)
	}
	a, err := ParseAuthorization(r.Header.Get("Authorization"))
	if err != nil {
		t.Fatal(err)
	}
	seed, _ := hex.DecodeString(a.Signature)
	chunks := v4.NewStreamSigner(creds, "s3", uploadRegion, seed)
	signed := u.mode != StreamingUnsignedPayloadTrailer

	var b bytes.Buffer
	var last []byte // the latest chunk signature
	header := func(data []byte) {
		fmt.Fprintf(&b, "%x", len(data))
		if signed {
			sig, err := chunks.GetSignature(context.Background(), nil, data, uploadTime)
			if err != nil {
				t.Fatal(err)
			}
			b.WriteString(";chunk-signature=" + hex.EncodeToString(sig))
			last = sig
		}
		b.WriteString("\r\n")
	}
	for _, c := range u.chunks {
		header(c)
		b.Write(c)
		b.WriteString("\r\n")
	}
	header(nil)
	if u.mode != StreamingSignedPayload {
		lines := u.trailerLines
		if lines == nil && u.checksum != "" {
			value := u.trailerValue
			if value == "" {
				value = testChecksum(t, u.checksum, u.data())
			}
			lines = []string{u.checksum + ":" + value}
		}
		var canonical string
		for _, l := range lines {
			b.WriteString(l + "\r\n")
			canonical += l + "\n"
		}
		if signed {
			sum := sha256.Sum256([]byte(canonical))
			sts := "AWS4-HMAC-SHA256-TRAILER\n" + formatAmzDate(uploadTime) + "\n" +
				Scope(uploadTime.Format("20060102"), uploadRegion, "s3") + "\n" +
				hex.EncodeToString(last) + "\n" + hex.EncodeToString(sum[:])
			b.WriteString("x-amz-trailer-signature:" + Signature(SigningKey(testSecret, uploadTime.Format("20060102"), uploadRegion, "s3"), sts) + "\r\n")
		}
	}
	b.WriteString("\r\n")
	return r, b.Bytes()
}

// testChecksum computes S3's value of checksum (a trailer name) over data,
// independently of checksum.go.
func testChecksum(t *testing.T, checksum string, data []byte) string {
	var sum []byte
	switch checksum {
	case "x-amz-checksum-crc32":
		sum = binary.BigEndian.AppendUint32(nil, crc32.ChecksumIEEE(data))
	case "x-amz-checksum-crc32c":
		sum = binary.BigEndian.AppendUint32(nil, crc32.Checksum(data, crc32.MakeTable(crc32.Castagnoli)))
	case "x-amz-checksum-crc64nvme":
		sum = binary.BigEndian.AppendUint64(nil, crc64.Checksum(data, crc64.MakeTable(0x9a6c9329ac4bc9b5)))
	case "x-amz-checksum-sha1":
		s := sha1.Sum(data)
		sum = s[:]
	case "x-amz-checksum-sha256":
		s := sha256.Sum256(data)
		sum = s[:]
	default:
		t.Fatalf("no checksum %q", checksum)
	}
	return base64.StdEncoding.EncodeToString(sum)
}

// withBody sets body as r's body.
func withBody(r *http.Request, body []byte) *http.Request {
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.ContentLength = int64(len(body))
	return r
}
