package sigv4

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"errors"
	"io"
	"math"
	"net/http"
	"strings"
)

// maxLineLength bounds a chunk header or trailer line; the longest S3
// clients send is under a hundred bytes.
const maxLineLength = 4096

// chunkSignatureExtension introduces a chunk's signature in its header line:
// hex-size;chunk-signature=SIGNATURE.
const chunkSignatureExtension = "chunk-signature="

// chunkedReader decodes an aws-chunked body:
//
//	hex-size[;chunk-signature=SIG] CRLF data CRLF   (repeated)
//	0[;chunk-signature=SIG] CRLF
//	trailer-name:value CRLF ... [x-amz-trailer-signature:SIG CRLF]   (trailer modes)
//	CRLF
type chunkedReader struct {
	src          *bufio.Reader
	chain        *chunkChain // nil when chunks are not signed
	trailerRules *trailerSpec

	declared int64 // x-amz-decoded-content-length, -1 if absent
	total    int64 // data bytes announced by the chunks so far
	chunk    int   // number of the last chunk header read, from 1
	prevSize int64 // data size of the previous chunk, -1 before the first

	pending   []byte // verified data of a signed chunk not yet returned
	buf       []byte // storage for pending, reused
	remaining int64  // data of an unsigned chunk not yet read

	done     bool
	trailers http.Header
	err      error
}

// newChunkedReader decodes body as the aws-chunked encoding p describes.
func newChunkedReader(body io.Reader, p *payloadState) (*chunkedReader, *Error) {
	c := &chunkedReader{src: bufio.NewReaderSize(body, 32<<10), declared: -1, prevSize: -1}
	if p.hasDecodedLength {
		n, ok := parseDecimal(p.decodedLength)
		if !ok {
			return nil, errDecodedLengthHeader(p.decodedLength)
		}
		c.declared = n
	}
	if p.hash != StreamingUnsignedPayloadTrailer {
		chain := p.chain
		c.chain = &chain
	}
	if p.hash != StreamingSignedPayload {
		t, err := newTrailerSpec(p.trailer, c.chain != nil)
		if err != nil {
			return nil, err
		}
		c.trailerRules = t
	}
	return c, nil
}

// parseDecimal parses a non-negative decimal number of at most 18 digits.
func parseDecimal(s string) (int64, bool) {
	if s == "" || len(s) > 18 {
		return 0, false
	}
	var n int64
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int64(s[i]-'0')
	}
	return n, true
}

func (c *chunkedReader) Read(b []byte) (int, error) {
	for {
		switch {
		case c.err != nil:
			return 0, c.err
		case len(b) == 0:
			return 0, nil
		case len(c.pending) > 0:
			n := copy(b, c.pending)
			c.pending = c.pending[n:]
			return n, nil
		case c.remaining > 0:
			return c.readUnsigned(b)
		case c.done:
			return 0, io.EOF
		}
		if err := c.nextChunk(); err != nil {
			c.err = err
		}
	}
}

// readUnsigned returns data of the current unsigned chunk.
func (c *chunkedReader) readUnsigned(b []byte) (int, error) {
	if int64(len(b)) > c.remaining {
		b = b[:c.remaining]
	}
	n, err := c.src.Read(b)
	c.remaining -= int64(n)
	c.trailerRules.hash(b[:n])
	switch {
	case err != nil && c.remaining > 0:
		c.err = readError(err)
	case c.remaining == 0:
		if e := c.expectCRLF(); e != nil {
			c.err = e
		}
	}
	if n > 0 {
		return n, nil
	}
	return 0, c.err
}

// nextChunk reads the next chunk header and, for a signed chunk, its data.
func (c *chunkedReader) nextChunk() error {
	line, err := c.readLine()
	if err != nil {
		return err
	}
	size, signature, ok := parseChunkHeader(line, c.chain != nil)
	if !ok {
		return errBodyTruncated()
	}
	c.chunk++
	if size > 0 && c.prevSize >= 0 && c.prevSize < minChunkSize {
		return errChunkTooSmall(c.chunk, c.prevSize)
	}
	if c.chain != nil && size > MaxChunkSize {
		return errChunkTooLarge(c.chunk, size)
	}
	if c.declared >= 0 && size > c.declared-c.total {
		return errDecodedLength(c.declared, c.total+size)
	}
	c.total += size
	if size == 0 {
		return c.finish(signature)
	}
	c.prevSize = size
	if c.chain == nil {
		c.remaining = size
		return nil
	}
	if int64(cap(c.buf)) < size {
		c.buf = make([]byte, size)
	}
	data := c.buf[:size]
	if _, err := io.ReadFull(c.src, data); err != nil {
		return readError(err)
	}
	if err := c.expectCRLF(); err != nil {
		return err
	}
	sum := sha256.Sum256(data)
	if err := c.chain.verify(c.chain.chunkStringToSign(sum[:]), signature); err != nil {
		return err
	}
	c.trailerRules.hash(data)
	c.pending = data
	return nil
}

// finish handles the last (empty) chunk: its signature, the decoded length,
// the trailing headers and the end of the body.
func (c *chunkedReader) finish(signature string) error {
	if c.chain != nil {
		sum := sha256.Sum256(nil)
		if err := c.chain.verify(c.chain.chunkStringToSign(sum[:]), signature); err != nil {
			return err
		}
	}
	if c.declared >= 0 && c.total != c.declared {
		return errDecodedLength(c.declared, c.total)
	}
	if c.trailerRules == nil {
		if err := c.expectCRLF(); err != nil {
			return err
		}
	} else {
		lines, err := c.readTrailerLines()
		if err != nil {
			return err
		}
		if c.trailers, err = c.trailerRules.verify(lines, c.chain); err != nil {
			return err
		}
	}
	if _, err := c.src.ReadByte(); err != io.EOF {
		if err == nil {
			return errBodyTruncated() // data after the end
		}
		return readError(err)
	}
	c.done = true
	return nil
}

// readTrailerLines reads the trailing header lines, up to the blank line
// that ends the body. A blank line straight after the last chunk (as some
// clients write it) is skipped, and the body may end without the final
// blank line once the trailer is complete.
func (c *chunkedReader) readTrailerLines() ([]string, error) {
	var lines []string
	blank := false // a blank line came before any trailer
	for {
		if _, err := c.src.Peek(1); err == io.EOF {
			if blank && len(lines) == 0 || c.trailerRules.complete(lines) {
				return lines, nil
			}
			return nil, errBodyTruncated()
		}
		line, err := c.readLine()
		if err != nil {
			return nil, err
		}
		if line == "" {
			if len(lines) == 0 && !blank {
				blank = true
				continue
			}
			return lines, nil
		}
		if len(lines) == maxTrailers {
			return nil, errMalformedTrailer()
		}
		lines = append(lines, line)
	}
}

// readLine reads a CRLF-terminated line, without the CRLF.
func (c *chunkedReader) readLine() (string, error) {
	line, err := c.src.ReadSlice('\n')
	switch {
	case errors.Is(err, bufio.ErrBufferFull):
		return "", errBodyTruncated()
	case err != nil:
		return "", readError(err)
	case len(line) > maxLineLength || !bytes.HasSuffix(line, []byte("\r\n")):
		return "", errBodyTruncated()
	}
	return string(line[:len(line)-2]), nil
}

func (c *chunkedReader) expectCRLF() error {
	var crlf [2]byte
	if _, err := io.ReadFull(c.src, crlf[:]); err != nil {
		return readError(err)
	}
	if crlf != [2]byte{'\r', '\n'} {
		return errBodyTruncated()
	}
	return nil
}

// readError is what a failed read of the body means: the end of the body
// where more was due is S3's IncompleteBody; any other failure (a dropped
// connection, a body too large for the server) is returned as is.
func readError(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return errBodyTruncated()
	}
	return err
}

// parseChunkHeader parses hex-size[;chunk-signature=SIG]. Signed chunks must
// carry their signature; other extensions are not allowed on them, and are
// ignored on unsigned chunks.
func parseChunkHeader(line string, signed bool) (size int64, signature string, ok bool) {
	hexSize, ext, hasExt := strings.Cut(line, ";")
	if hexSize == "" || len(hexSize) > 16 {
		return 0, "", false
	}
	var n uint64
	for i := 0; i < len(hexSize); i++ {
		d, isHex := hexDigit(hexSize[i])
		if !isHex {
			return 0, "", false
		}
		n = n<<4 | uint64(d)
	}
	if n > math.MaxInt64 {
		return 0, "", false
	}
	if signed {
		sig, found := strings.CutPrefix(ext, chunkSignatureExtension)
		if !hasExt || !found || sig == "" {
			return 0, "", false
		}
		signature = sig
	}
	return int64(n), signature, true
}

func hexDigit(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}
