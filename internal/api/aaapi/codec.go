package aaapi

import (
	"encoding/json"
	"net/http"
	"net/url"
	"sort"

	"github.com/iamd-dev/iamd/internal/awserr"
)

// ContentType is restJson1's media type.
const ContentType = "application/json"

// paths are the operations iamd serves, by method and path, as Access Analyzer's model
// routes them.
var paths = map[string]string{
	"POST /policy/validation":               "ValidatePolicy",
	"POST /policy/check-no-new-access":      "CheckNoNewAccess",
	"POST /policy/check-access-not-granted": "CheckAccessNotGranted",
	"POST /policy/check-no-public-access":   "CheckNoPublicAccess",
}

// Input is one request as restJson1 carries it: the JSON body and the query string.
type Input struct {
	Body  []byte
	Query url.Values
	// fault is the domain's refusal of the input, kept for the error's own members (a
	// ValidationException's reason and fieldList).
	fault error
	// route is the method and path, for the answer to an operation iamd does not serve.
	route string
}

// codec is Access Analyzer's restJson1: the operation from the method and path, the
// input from the body and the query string, results as JSON, errors as
// {"message": ...} with the code in X-Amzn-ErrorType and the status of AWS's model.
type codec struct{}

// Decode finds the operation; a path it does not know is an operation iamd does not serve
// (op "" but the route kept for the answer).
func (codec) Decode(r *http.Request, body []byte) (string, *Input, *awserr.Error) {
	route := r.Method + " " + r.URL.Path
	in := &Input{Body: body, Query: r.URL.Query(), route: route}
	op, ok := paths[route]
	if !ok {
		return "", in, unknown(route)
	}
	return op, in, nil
}

// unknown is the answer for an operation iamd does not serve.
func unknown(route string) *awserr.Error {
	return awserr.New("UnknownOperationException", "Operation %s is not supported by Access Analyzer (iamd), which serves ValidatePolicy, CheckNoNewAccess, CheckAccessNotGranted and CheckNoPublicAccess.", route)
}

// WriteResult writes a result as JSON.
func (codec) WriteResult(w http.ResponseWriter, _ string, out any, _ string) error {
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

// WriteError writes an error without members of its own.
func (c codec) WriteError(w http.ResponseWriter, e *awserr.Error, requestID string) {
	writeError(w, e, nil, requestID)
}

// errorBody is an error's JSON: its message and, for a ValidationException, its reason and
// the fields at fault.
type errorBody struct {
	Message   string       `json:"message"`
	Reason    string       `json:"reason,omitempty"`
	FieldList []fieldShape `json:"fieldList,omitempty"`
}

type fieldShape struct {
	Name    string `json:"name"`
	Message string `json:"message"`
}

// writeError writes an error with its members.
func writeError(w http.ResponseWriter, e *awserr.Error, members *errorBody, requestID string) {
	b := errorBody{Message: e.Message}
	if members != nil {
		b.Reason, b.FieldList = members.Reason, members.FieldList
	}
	if e.Code == "ValidationException" && b.Reason == "" {
		b.Reason = "other"
	}
	body, _ := json.Marshal(b)
	h := w.Header()
	h.Set("Content-Type", ContentType)
	h.Set("X-Amzn-ErrorType", e.Code)
	if requestID != "" {
		h.Set("x-amzn-RequestId", requestID)
	}
	w.WriteHeader(Statuses.Status(e))
	_, _ = w.Write(body)
}

// Statuses are the statuses of Access Analyzer's errors, as its model gives them.
var Statuses = awserr.Statuses{
	"ValidationException":          400,
	"InvalidParameterException":    400,
	"AccessDeniedException":        403,
	"UnprocessableEntityException": 422,
	"ThrottlingException":          429,
	"InternalServerException":      500,
	"UnknownOperationException":    404,
	"SerializationException":       400,
}

// Operations are the Access Analyzer operations iamd serves.
func Operations() []string {
	out := make([]string, 0, len(paths))
	for _, op := range paths {
		out = append(out, op)
	}
	sort.Strings(out)
	return out
}
