package awsclient

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net/http"
	"os"
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
	if roots, err := cfg.RootCAs(); err == nil && roots != nil {
		tr.TLSClientConfig = &tls.Config{RootCAs: roots}
	}
	return &Client{Config: cfg, HTTP: &http.Client{Transport: tr, Timeout: 30 * time.Second}, Now: time.Now}
}

// RootCAs is the CA bundle's pool (nil for the system's roots).
func (c Config) RootCAs() (*x509.CertPool, error) {
	if c.CABundle == "" {
		return nil, nil
	}
	pem, err := os.ReadFile(c.CABundle)
	if err != nil {
		return nil, fmt.Errorf("the CA bundle: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("the CA bundle %s holds no PEM certificate", c.CABundle)
	}
	return pool, nil
}

// Error is an AWS error response.
type Error struct {
	Status    int
	Code      string
	Message   string
	RequestID string
}

func (e *Error) Error() string { return fmt.Sprintf("%s (HTTP %d): %s", e.Code, e.Status, e.Message) }

// maxResponse bounds the answers read: every API iamd calls answers in well under this.
const maxResponse = 16 << 20

// post signs body for the service, posts it with the protocol's headers, and returns the
// response body of a success, or the *Error that readError reads from the response (its
// Status set; when the body says none, its Code the status text and its RequestID the
// x-amzn-RequestId header).
func (c *Client) post(ctx context.Context, service string, header http.Header, body []byte, readError func(data []byte, header http.Header) *Error) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.Endpoint+"/", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	for k, v := range header {
		req.Header[k] = v
	}
	region := c.Region
	if service == "iam" {
		region = "us-east-1" // IAM's global endpoint, as the aws CLI signs for it
	}
	if err := sigv4.Sign(req, body, c.Credentials, region, service, c.Now()); err != nil {
		return nil, err
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxResponse {
		return nil, fmt.Errorf("%s answered more than %d bytes", service, maxResponse)
	}
	if resp.StatusCode >= 300 {
		e := readError(data, resp.Header)
		e.Status = resp.StatusCode
		if e.Code == "" {
			e.Code = http.StatusText(resp.StatusCode)
		}
		if e.RequestID == "" {
			e.RequestID = resp.Header.Get("X-Amzn-RequestId")
		}
		return nil, e
	}
	return data, nil
}
