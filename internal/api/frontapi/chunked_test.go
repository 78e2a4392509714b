package frontapi

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash/crc32"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/iamd-dev/iamd/internal/sigv4"
)

// chunkedPut is an aws-chunked PUT, built as AWS describes the format: the request signed
// by aws-sdk-go-v2 with the mode as its payload hash, the chunks by the SDK's StreamSigner
// (whose string to sign, with no event headers, is a chunk's), and the trailer's signature,
// which the SDK does not expose, computed here. The trailer modes send a CRC32 checksum.
type chunkedPut struct {
	mode  string // X-Amz-Content-Sha256: sigv4.StreamingSignedPayload, ...Trailer
	data  []byte
	chunk int // data bytes per chunk
	// What the encoder would send otherwise.
	declared string            // x-amz-decoded-content-length; "" is the data's length
	crc32    string            // the checksum trailer's value; "" computes it
	tamper   func(body []byte) // changes the encoded body
}

// crc32Of is S3's x-amz-checksum-crc32 of data.
func crc32Of(data []byte) string {
	return base64.StdEncoding.EncodeToString(binary.BigEndian.AppendUint32(nil, crc32.ChecksumIEEE(data)))
}

// put sends the upload to the door at path as creds, and returns the answer.
func (f *fixture) put(creds aws.Credentials, path string, u chunkedPut) (*http.Response, string) {
	f.t.Helper()
	now := time.Now().UTC()
	r, err := http.NewRequest(http.MethodPut, f.url+path, nil)
	if err != nil {
		f.t.Fatal(err)
	}
	declared := u.declared
	if declared == "" {
		declared = strconv.Itoa(len(u.data))
	}
	r.Header.Set("X-Amz-Content-Sha256", u.mode)
	r.Header.Set("Content-Encoding", "aws-chunked")
	r.Header.Set("X-Amz-Decoded-Content-Length", declared)
	trailer := u.mode != sigv4.StreamingSignedPayload
	if trailer {
		r.Header.Set("X-Amz-Trailer", "x-amz-checksum-crc32")
	}
	ctx := context.Background()
	if err := v4.NewSigner().SignHTTP(ctx, creds, r, u.mode, "s3", region, now, func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true }); err != nil {
		f.t.Fatal(err)
	}
	a, err := sigv4.ParseAuthorization(r.Header.Get("Authorization"))
	if err != nil {
		f.t.Fatal(err)
	}
	seed, _ := hex.DecodeString(a.Signature)
	chunks := v4.NewStreamSigner(creds, "s3", region, seed)
	signed := u.mode != sigv4.StreamingUnsignedPayloadTrailer

	var b bytes.Buffer
	var last []byte // the latest chunk signature
	chunkHeader := func(data []byte) {
		fmt.Fprintf(&b, "%x", len(data))
		if signed {
			sig, err := chunks.GetSignature(ctx, nil, data, now)
			if err != nil {
				f.t.Fatal(err)
			}
			b.WriteString(";chunk-signature=" + hex.EncodeToString(sig))
			last = sig
		}
		b.WriteString("\r\n")
	}
	for rest := u.data; len(rest) > 0; {
		c := rest[:min(u.chunk, len(rest))]
		rest = rest[len(c):]
		chunkHeader(c)
		b.Write(c)
		b.WriteString("\r\n")
	}
	chunkHeader(nil)
	if trailer {
		value := u.crc32
		if value == "" {
			value = crc32Of(u.data)
		}
		line := "x-amz-checksum-crc32:" + value
		b.WriteString(line + "\r\n")
		if signed {
			date := now.Format("20060102")
			sum := sha256.Sum256([]byte(line + "\n"))
			sts := "AWS4-HMAC-SHA256-TRAILER\n" + now.Format("20060102T150405Z") + "\n" + sigv4.Scope(date, region, "s3") + "\n" +
				hex.EncodeToString(last) + "\n" + hex.EncodeToString(sum[:])
			b.WriteString("x-amz-trailer-signature:" + sigv4.Signature(sigv4.SigningKey(creds.SecretAccessKey, date, region, "s3"), sts) + "\r\n")
		}
	}
	b.WriteString("\r\n")
	body := b.Bytes()
	if u.tamper != nil {
		u.tamper(body)
	}
	r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
	return f.do(r)
}

// payloadOf is n bytes of test data that no two offsets of a chunk's size repeat.
func payloadOf(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + i/251)
	}
	return b
}
