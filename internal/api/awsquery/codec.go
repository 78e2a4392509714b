package awsquery

import (
	"net/http"

	"github.com/iamd-dev/iamd/internal/awserr"
)

// Codec is the Query protocol as one service speaks it (a route.Codec): the XML namespace of
// its responses, and the code it answers a body that does not parse with.
type Codec struct {
	Namespace     string
	MalformedCode string // MalformedQueryString for IAM, STS and iamd's own API
}

// Decode parses the call's parameters; the operation is its Action.
func (c Codec) Decode(r *http.Request, body []byte) (string, *Request, *awserr.Error) {
	q, err := Parse(r, body)
	if err != nil {
		return "", nil, awserr.New(c.MalformedCode, "The query string is malformed.")
	}
	return q.Action, q, nil
}

// WriteResult writes the operation's <OpResponse><OpResult>.
func (c Codec) WriteResult(w http.ResponseWriter, op string, out any, requestID string) error {
	return WriteResult(w, c.Namespace, op, out, requestID)
}

// WriteError writes <ErrorResponse> with the status Statuses gives the code.
func (c Codec) WriteError(w http.ResponseWriter, e *awserr.Error, requestID string) {
	WriteError(w, c.Namespace, e, requestID)
}
