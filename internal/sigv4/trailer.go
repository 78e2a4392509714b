package sigv4

import (
	"net/http"
	"strings"
)

// maxTrailers bounds the trailing header lines of an aws-chunked body.
const maxTrailers = 8

// trailerSignatureName is the trailing header that signs the others.
const trailerSignatureName = "x-amz-trailer-signature"

// trailerSpec is what the trailing headers of an aws-chunked body must be:
// the checksum X-Amz-Trailer declared (the only trailer S3 accepts, one at
// most) and, when chunks are signed, their signature.
type trailerSpec struct {
	checksum *runningChecksum // nil if X-Amz-Trailer declares none
	signed   bool
}

// newTrailerSpec reads X-Amz-Trailer (a comma-separated list of names).
func newTrailerSpec(declared string, signed bool) (*trailerSpec, *Error) {
	t := &trailerSpec{signed: signed}
	for name := range strings.SplitSeq(declared, ",") {
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		alg, ok := checksumFor(name)
		if !ok {
			return nil, errTrailerNotSupported()
		}
		if t.checksum != nil {
			return nil, errMultipleChecksums()
		}
		t.checksum = newRunningChecksum(alg)
	}
	return t, nil
}

// hash feeds decoded data to the declared checksum, if any.
func (t *trailerSpec) hash(data []byte) {
	if t != nil && t.checksum != nil {
		t.checksum.h.Write(data)
	}
}

// complete reports whether lines can be the whole trailer: at least one
// line and, when chunks are signed, the signature last.
func (t *trailerSpec) complete(lines []string) bool {
	if len(lines) == 0 {
		return false
	}
	name, _, _ := strings.Cut(lines[len(lines)-1], ":")
	return !t.signed || strings.EqualFold(strings.TrimSpace(name), trailerSignatureName)
}

// verify checks the trailing header lines against the spec, then their
// signature (chain is nil when chunks are not signed), then the checksum;
// it returns the trailers without their signature.
func (t *trailerSpec) verify(lines []string, chain *chunkChain) (http.Header, error) {
	trailers := http.Header{}
	var canonical strings.Builder
	signature, signed := "", false
	checksum, found := "", false
	for _, line := range lines {
		name, value, ok := strings.Cut(line, ":")
		name, value = strings.ToLower(strings.TrimSpace(name)), strings.Trim(value, " \t")
		switch {
		case !ok:
			return nil, errMalformedTrailer()
		case t.signed && name == trailerSignatureName && !signed:
			signature, signed = value, true
		case t.checksum != nil && name == t.checksum.alg.header && !found:
			checksum, found = value, true
			trailers.Set(name, value)
			canonical.WriteString(name + ":" + value + "\n")
		default:
			return nil, errMalformedTrailer()
		}
	}
	if t.checksum != nil && !found {
		return nil, errMalformedTrailer()
	}
	if t.signed {
		if err := chain.verify(chain.trailerStringToSign(canonical.String()), signature); err != nil {
			return nil, err
		}
	}
	if t.checksum != nil {
		if err := t.checksum.check(checksum); err != nil {
			return nil, err
		}
	}
	return trailers, nil
}
