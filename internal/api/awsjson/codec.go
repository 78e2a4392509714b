// Package awsjson is the AWS JSON 1.1 protocol that Secrets Manager speaks: the operation
// named by the X-Amz-Target header ("<prefix>.<Operation>"), its input a JSON body, results
// as JSON, and errors as {"__type": code, "Message": text} with the code also in
// X-Amzn-ErrorType. It knows nothing of any one service.
package awsjson

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/iamd-dev/iamd/internal/awserr"
)

// ContentType is the JSON 1.1 protocol's media type.
const ContentType = "application/x-amz-json-1.1"

// Codec is the JSON 1.1 protocol as one service speaks it (a route.Codec).
type Codec struct {
	// TargetPrefix starts every operation's X-Amz-Target ("secretsmanager.").
	TargetPrefix string
	// ServiceName names the service in the answer for an operation it does not serve
	// ("Secrets Manager").
	ServiceName string
}

// Decode reads the operation from X-Amz-Target and keeps the body for the operation to
// decode. A target without the service's prefix (or none) names no operation of the service.
func (c Codec) Decode(r *http.Request, body []byte) (string, Body, *awserr.Error) {
	target := r.Header.Get("X-Amz-Target")
	op, ok := strings.CutPrefix(target, c.TargetPrefix)
	if !ok {
		return "", nil, c.unknownTarget(target)
	}
	return op, Body(body), nil
}

// Unknown is the answer for an operation of the service's target prefix that the service
// does not serve (a route.Service's Unknown).
func (c Codec) Unknown(op string) *awserr.Error {
	return c.unknownTarget(c.TargetPrefix + op)
}

// UnknownOperation is the code of the answer for an operation the service does not serve.
const UnknownOperation = "UnknownOperationException"

func (c Codec) unknownTarget(target string) *awserr.Error {
	return awserr.New(UnknownOperation, "Operation %s is not supported by %s (iamd).", target, c.ServiceName)
}

// WriteResult writes an operation's result as JSON; an operation that returns nothing
// answers an empty object.
func (c Codec) WriteResult(w http.ResponseWriter, _ string, out any, _ string) error {
	if out == nil {
		out = struct{}{}
	}
	body, err := json.Marshal(out)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", ContentType)
	w.WriteHeader(http.StatusOK)
	_, err = w.Write(body)
	return err
}

// WriteError writes an error, {"__type": code, "Message": text} with the code also in
// X-Amzn-ErrorType, with the status Statuses gives its code.
func (c Codec) WriteError(w http.ResponseWriter, e *awserr.Error, requestID string) {
	body, _ := json.Marshal(struct {
		Type    string `json:"__type"`
		Message string `json:"Message"`
	}{e.Code, e.Message})
	h := w.Header()
	h.Set("Content-Type", ContentType)
	h.Set("X-Amzn-ErrorType", e.Code)
	if requestID != "" {
		h.Set("x-amzn-RequestId", requestID)
	}
	w.WriteHeader(Statuses.Status(e))
	_, _ = w.Write(body)
}

// Statuses is the JSON 1.1 table of the statuses AWS sends Secrets Manager's errors with:
// every error is a client error, 400, but a failure on the service's side.
var Statuses = awserr.Statuses{
	"InternalServiceError": 500,
}
