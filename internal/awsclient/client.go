package awsclient

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/iamd-dev/iamd/internal/sigv4"
)

// Client sends signed requests.
type Client struct {
	Config
	HTTP *http.Client
	Now  func() time.Time
}

// New makes a client over a shared connection pool sized for concurrency.
func New(cfg Config, concurrency int) *Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = max(concurrency, 2)
	return &Client{Config: cfg, HTTP: &http.Client{Transport: tr, Timeout: 30 * time.Second}, Now: time.Now}
}

// Error is an AWS error response.
type Error struct {
	Status  int
	Code    string
	Message string
}

func (e *Error) Error() string { return fmt.Sprintf("%s (HTTP %d): %s", e.Code, e.Status, e.Message) }

// Query sends a Query-protocol call to the service and returns the response body of a
// success, or an *Error.
func (c *Client) Query(ctx context.Context, service string, params url.Values) ([]byte, error) {
	body := []byte(params.Encode())
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.Endpoint+"/", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
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
			Code    string `xml:"Error>Code"`
			Message string `xml:"Error>Message"`
			// EC2's shape: <Response><Errors><Error>...
			EC2Code    string `xml:"Errors>Error>Code"`
			EC2Message string `xml:"Errors>Error>Message"`
		}
		_ = xml.Unmarshal(data, &e)
		if e.Code == "" {
			e.Code, e.Message = e.EC2Code, e.EC2Message
		}
		return nil, &Error{Status: resp.StatusCode, Code: e.Code, Message: e.Message}
	}
	return data, nil
}
