package sigv4

import (
	"net/http"
	"strconv"
	"strings"
)

// The errors S3 answers for a request body that does not match what was
// signed or declared. Codes, statuses and texts are S3's.

// errBodyTruncated is S3's answer to any aws-chunked body it cannot decode:
// one that ends early, a chunk size that is not hex, a missing CRLF.
func errBodyTruncated() *Error {
	return newError(CodeIncompleteBody, http.StatusBadRequest, "The request body terminated unexpectedly")
}

// errDecodedLength is S3's answer to an aws-chunked body whose data is not
// x-amz-decoded-content-length bytes long.
func errDecodedLength(expected, provided int64) *Error {
	e := newError(CodeIncompleteBody, http.StatusBadRequest,
		"You did not provide the number of bytes specified by the Content-Length HTTP header")
	e.Fields = []ErrorField{
		{"NumberBytesExpected", strconv.FormatInt(expected, 10)},
		{"NumberBytesProvided", strconv.FormatInt(provided, 10)},
	}
	return e
}

// errChunkTooSmall is S3's answer to a chunk other than the last whose data
// is shorter than minChunkSize. S3 reports it when the next data chunk
// starts: chunk is that next chunk's number (from 1), size the short one's.
func errChunkTooSmall(chunk int, size int64) *Error {
	e := newError(CodeInvalidChunkSizeError, http.StatusForbidden,
		"Only the last chunk is allowed to have a size less than 8192 bytes")
	e.Fields = []ErrorField{
		{"Chunk", strconv.Itoa(chunk)},
		{"BadChunkSize", strconv.FormatInt(size, 10)},
	}
	return e
}

// errChunkTooLarge refuses a signed chunk larger than MaxChunkSize. S3
// documents no such limit; the code is S3's for chunk sizes, the text
// iamd's.
func errChunkTooLarge(chunk int, size int64) *Error {
	e := newError(CodeInvalidChunkSizeError, http.StatusForbidden,
		"Chunks of a signed aws-chunked body may be at most "+strconv.Itoa(MaxChunkSize)+" bytes")
	e.Fields = []ErrorField{
		{"Chunk", strconv.Itoa(chunk)},
		{"BadChunkSize", strconv.FormatInt(size, 10)},
	}
	return e
}

// errChunkSignature is the answer to a chunk or trailer whose signature is
// not the one computed from stringToSign.
func errChunkSignature(stringToSign string) *Error {
	e := newError(CodeSignatureDoesNotMatch, http.StatusForbidden, signatureMismatchText)
	e.StringToSign = stringToSign
	return e
}

func errMalformedTrailer() *Error {
	return newError(CodeMalformedTrailerError, http.StatusBadRequest,
		"The request contained trailing data that was not well-formed or did not conform to our published schema.")
}

func errTrailerNotSupported() *Error {
	return newError(CodeInvalidRequest, http.StatusBadRequest, "The value specified in the x-amz-trailer header is not supported")
}

func errMultipleChecksums() *Error {
	return newError(CodeInvalidRequest, http.StatusBadRequest,
		"Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.")
}

func errChecksumValue(header string) *Error {
	return newError(CodeInvalidRequest, http.StatusBadRequest, "Value for "+header+" trailing header is invalid.")
}

// errBadDigest is S3's answer to a checksum that does not match the data;
// algorithm is its name in S3's spelling (CRC32, CRC32C, SHA1, ...).
func errBadDigest(algorithm string) *Error {
	return newError(CodeBadDigest, http.StatusBadRequest,
		"The "+algorithm+" you specified did not match the calculated checksum.")
}

// errMissingContentSHA256 is S3's answer to a header-signed request without
// X-Amz-Content-Sha256, which [Verifier.VerifyHeaders] requires.
func errMissingContentSHA256() *Error {
	return newError(CodeInvalidRequest, http.StatusBadRequest, "Missing required header for this request: x-amz-content-sha256")
}

// errDecodedLengthHeader refuses an x-amz-decoded-content-length that is not
// a byte count; the code is S3's for bad arguments, the text iamd's.
func errDecodedLengthHeader(value string) *Error {
	return newError(CodeInvalidArgument, http.StatusBadRequest,
		"x-amz-decoded-content-length must be a non-negative integer, not '"+strings.TrimSpace(value)+"'")
}

// errStreamedPayloadHash is the answer to a streamed body whose SHA-256 is not
// the signed X-Amz-Content-Sha256: XAmzContentSHA256Mismatch with both hashes
// under S3's rules, SignatureDoesNotMatch (as for a body read in advance)
// elsewhere.
func errStreamedPayloadHash(claimed, computed string, s3 bool) *Error {
	if !s3 {
		return newError(CodeSignatureDoesNotMatch, http.StatusForbidden, signatureMismatchText)
	}
	e := errPayloadHashMismatch()
	e.Fields = []ErrorField{
		{"ClientComputedContentSHA256", claimed},
		{"S3ComputedContentSHA256", computed},
	}
	return e
}
