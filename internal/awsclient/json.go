package awsclient

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"

	"github.com/iamd-dev/iamd/internal/sigv4"
)

// JSON sends a JSON 1.1 call (X-Amz-Target: target, e.g. secretsmanager.GetSecretValue) to the
// service with input marshalled as the body, and returns the response body of a success, or
// an *Error read from the JSON error body.
func (c *Client) JSON(ctx context.Context, service, target string, input any) ([]byte, error) {
	body, err := json.Marshal(input)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.Endpoint+"/", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", target)
	if err := sigv4.Sign(req, body, c.Credentials, c.Region, service, c.Now()); err != nil {
		return nil, err
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode >= 300 {
		var e struct {
			Type     string `json:"__type"`
			Message  string `json:"Message"`
			LMessage string `json:"message"`
		}
		_ = json.Unmarshal(data, &e)
		code := e.Type
		if i := strings.LastIndexByte(code, '#'); i >= 0 {
			code = code[i+1:]
		}
		if e.Message == "" {
			e.Message = e.LMessage
		}
		return nil, &Error{Status: resp.StatusCode, Code: code, Message: e.Message}
	}
	return data, nil
}
