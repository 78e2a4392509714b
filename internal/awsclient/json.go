package awsclient

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
)

// JSON sends a JSON 1.1 call (X-Amz-Target: target, e.g. secretsmanager.GetSecretValue) to the
// service with input marshalled as the body, and returns the response body of a success, or
// an *Error read from the JSON error body.
func (c *Client) JSON(ctx context.Context, service, target string, input any) ([]byte, error) {
	body, err := json.Marshal(input)
	if err != nil {
		return nil, err
	}
	header := http.Header{"Content-Type": {"application/x-amz-json-1.1"}, "X-Amz-Target": {target}}
	return c.post(ctx, service, header, body, readJSONError)
}

// readJSONError reads an error of the JSON 1.1 protocol: the code in __type (after any
// "namespace#") or the X-Amzn-ErrorType header (before any ":"), the message in Message or
// message.
func readJSONError(data []byte, header http.Header) *Error {
	var e struct {
		Type     string `json:"__type"`
		Message  string `json:"Message"`
		LMessage string `json:"message"`
	}
	_ = json.Unmarshal(data, &e)
	code := e.Type
	if code == "" {
		code = header.Get("X-Amzn-ErrorType")
	}
	if i := strings.LastIndexByte(code, '#'); i >= 0 {
		code = code[i+1:]
	}
	if i := strings.IndexByte(code, ':'); i >= 0 {
		code = code[:i]
	}
	if e.Message == "" {
		e.Message = e.LMessage
	}
	return &Error{Code: code, Message: e.Message}
}
