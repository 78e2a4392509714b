package frontapi

import (
	"bytes"
	"errors"
	"io"
	"net/http"

	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/opmodel"
	"github.com/iamd-dev/iamd/internal/sigv4"
)

// maxReadBody bounds a streamed call's body that the door reads before authorizing it (an
// XML configuration, DeleteObjects' keys), as iamd bounds every body it reads in advance.
// An object upload's body is never read whole: it is streamed, one chunk at a time.
const maxReadBody = 1 << 20

// callBody is a call's body as the door has it: read in advance (Pass), or the caller's
// body, streamed (PassStream), with the verification of its signature that reads it.
type callBody struct {
	bytes  []byte        // the body read, in advance or by the door before authorizing
	signed *sigv4.Result // the verification of a streamed body; nil for one read in advance
	stream io.Reader     // a streamed body as it goes to the upstream (once opened)
}

// errBodyTooLarge is a streamed body longer than maxReadBody that the door had to read.
var errBodyTooLarge = errors.New("frontapi: the request body is too large to read")

// open makes the reader of a streamed body, which checks it against its signature as it is
// read. When the call is not streamed (read is true) it reads the whole body, up to
// maxReadBody, and the upstream is sent what it read.
func (b *callBody) open(r *http.Request, read bool) error {
	pr, err := b.signed.PayloadReader(r.Body)
	if err != nil {
		return err
	}
	b.stream = pr
	if !read {
		return nil
	}
	body, err := io.ReadAll(io.LimitReader(pr, maxReadBody+1))
	switch {
	case err != nil:
		return err
	case len(body) > maxReadBody:
		return errBodyTooLarge
	}
	b.bytes, b.stream = body, bytes.NewReader(body)
	return nil
}

// streamsBody reports whether an operation's body is streamed to the upstream as it is
// read: its payload is a blob (an object, a part), which no rule reads.
func streamsBody(op *opmodel.Operation) bool {
	for _, m := range op.Input {
		if m.Location == "" && m.Type == "blob" {
			return true
		}
	}
	return false
}

// bodyError is S3's error for a body that failed: the payload reader's (a chunk signature,
// a checksum, a length, with S3's code, status and added elements), one too large for the
// door to read, or one cut short (the caller stopped sending).
func bodyError(err error) *sigv4.Error {
	var se *sigv4.Error
	switch {
	case errors.As(err, &se):
		return se
	case errors.Is(err, errBodyTooLarge):
		return &sigv4.Error{Code: "RequestEntityTooLarge", Message: "The request body is too large.", HTTPStatus: http.StatusRequestEntityTooLarge}
	}
	return &sigv4.Error{Code: sigv4.CodeIncompleteBody, Message: "The request body terminated unexpectedly", HTTPStatus: http.StatusBadRequest}
}

// payloadFailed answers a call whose body failed, in S3's <Error> with the failure's
// status and elements (in the service's protocol for another service signing as S3).
func (e *Endpoint) payloadFailed(w http.ResponseWriter, p protocol, err error, res Result, requestID string) Result {
	be := bodyError(err)
	res.Err = &awserr.Error{Code: be.Code, Message: be.Message}
	if p.isS3() {
		writeS3Document(w, be.HTTPStatus, be.Code, be.Message, be.Fields, requestID)
	} else {
		p.write(w, res.Err, requestID)
	}
	return res
}
