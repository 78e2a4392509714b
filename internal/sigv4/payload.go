package sigv4

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"hash"
	"io"
	"net/http"
	"strings"
)

// The X-Amz-Content-Sha256 values of S3's aws-chunked uploads
// (Content-Encoding: aws-chunked): the body is a series of chunks, each
// signed in the first two, with trailing headers (x-amz-checksum-*) in the
// last two.
const (
	StreamingSignedPayload          = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
	StreamingSignedPayloadTrailer   = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"
	StreamingUnsignedPayloadTrailer = "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
)

// MaxChunkSize is the largest chunk of a signed aws-chunked body that
// [PayloadReader] accepts. It holds one chunk in memory, to verify its
// signature before returning any of it; the SDKs send 64 KiB to 1 MiB.
const MaxChunkSize = 16 << 20

// minChunkSize is the least data S3 accepts in a chunk other than the last.
const minChunkSize = 8192

func isStreaming(payloadHash string) bool {
	switch payloadHash {
	case StreamingSignedPayload, StreamingSignedPayloadTrailer, StreamingUnsignedPayloadTrailer:
		return true
	}
	return false
}

// payloadState is what Verify learned that reading the body needs.
type payloadState struct {
	hash          string // the payload hash that was signed
	s3            bool   // S3's payload rules
	contentLength int64  // the request's, -1 if unknown
	chain         chunkChain
	// The aws-chunked headers, as sent.
	decodedLength    string
	hasDecodedLength bool
	trailer          string
}

func newPayloadState(r *http.Request, payloadHash string, opts Options, chain chunkChain) *payloadState {
	p := &payloadState{hash: payloadHash, s3: opts.S3Payload, contentLength: r.ContentLength, chain: chain}
	if vs := r.Header.Values("X-Amz-Decoded-Content-Length"); len(vs) > 0 {
		p.decodedLength, p.hasDecodedLength = strings.Join(vs, ","), true
	}
	p.trailer = strings.Join(r.Header.Values("X-Amz-Trailer"), ",")
	return p
}

// chunked reports whether the body is aws-chunked.
func (p *payloadState) chunked() bool { return p.s3 && isStreaming(p.hash) }

// PayloadReader reads a request body and checks it against what the client
// signed or declared:
//
//   - a hex SHA-256 payload hash: the body is returned as sent, and the read
//     that reaches its end fails if its SHA-256 differs (XAmzContentSHA256Mismatch
//     under S3's rules, SignatureDoesNotMatch elsewhere);
//   - UNSIGNED-PAYLOAD: the body is returned as sent;
//   - the STREAMING- values (S3): the aws-chunked body is decoded. Each
//     chunk's signature is verified before any of its data is returned (one
//     chunk, at most [MaxChunkSize], is held in memory); data is checked
//     against x-amz-decoded-content-length and S3's 8 KiB least chunk size;
//     the trailing headers' signature and the x-amz-checksum-* trailer
//     (CRC32, CRC32C, CRC64NVME, SHA1, SHA256) are verified at the end.
//
// A failure is an [*Error] with S3's code (SignatureDoesNotMatch,
// IncompleteBody, InvalidChunkSizeError, MalformedTrailerError, BadDigest,
// InvalidRequest), returned by the Read that meets it and every Read after.
// Data returned before the end is not yet known to be complete or to match
// a trailing checksum: a consumer must discard it (abort a forwarded
// request) unless Read ends with io.EOF.
type PayloadReader struct {
	r       io.Reader
	chunked *chunkedReader
}

// PayloadReader returns a reader of body, the body of the request res was
// verified from (see [PayloadReader]). It fails with an [*Error] when the
// aws-chunked headers are invalid (an x-amz-trailer S3 does not support, an
// x-amz-decoded-content-length that is not a number).
func (res *Result) PayloadReader(body io.Reader) (*PayloadReader, error) {
	p := res.payload
	if p == nil {
		return nil, errors.New("sigv4: PayloadReader needs a Result returned by Verify or VerifyHeaders")
	}
	switch {
	case p.chunked():
		cr, err := newChunkedReader(body, p)
		if err != nil {
			return nil, err
		}
		return &PayloadReader{r: cr, chunked: cr}, nil
	case p.hash == UnsignedPayload:
		return &PayloadReader{r: body}, nil
	default:
		return &PayloadReader{r: &hashCheckReader{r: body, h: sha256.New(), claimed: p.hash, s3: p.s3}}, nil
	}
}

// Read reads the body, decoded.
func (p *PayloadReader) Read(b []byte) (int, error) { return p.r.Read(b) }

// Trailers returns the trailing headers of an aws-chunked body (without
// x-amz-trailer-signature), verified, once Read has returned io.EOF; nil
// before and for other bodies.
func (p *PayloadReader) Trailers() http.Header {
	if p.chunked == nil || !p.chunked.done || p.chunked.err != nil {
		return nil
	}
	return p.chunked.trailers
}

// hashCheckReader returns its body and, at its end, compares its SHA-256
// with the signed payload hash.
type hashCheckReader struct {
	r       io.Reader
	h       hash.Hash
	claimed string
	s3      bool
	err     error
}

func (c *hashCheckReader) Read(b []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	n, err := c.r.Read(b)
	c.h.Write(b[:n])
	if err == io.EOF {
		if computed := hex.EncodeToString(c.h.Sum(nil)); !strings.EqualFold(computed, c.claimed) {
			err = errStreamedPayloadHash(c.claimed, computed, c.s3)
		}
	}
	if err != nil {
		c.err = err
	}
	return n, err
}
