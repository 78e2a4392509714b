package awsclient

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/iamd-dev/iamd/internal/sigv4"
)

// TestErrorShapes sends calls of both protocols to a server that answers each with an error
// body and headers as AWS services write them, and checks the *Error the client reads.
func TestErrorShapes(t *testing.T) {
	for _, c := range []struct {
		name, body, errorType string
		want                  Error
	}{
		{"json namespaced __type, lower-case message", `{"__type":"com.amazonaws.secretsmanager#ResourceNotFoundException","message":"Secrets Manager can't find the specified secret."}`, "",
			Error{400, "ResourceNotFoundException", "Secrets Manager can't find the specified secret.", "req-h"}},
		{"json code in X-Amzn-ErrorType", `{"Message":"x"}`, "AccessDeniedException:http://internal.amazon.com/", Error{400, "AccessDeniedException", "x", "req-h"}},
		{"json unreadable", `not json`, "", Error{400, "Bad Request", "", "req-h"}},
		{"query", `<ErrorResponse><Error><Code>NoSuchEntity</Code><Message>m</Message></Error><RequestId>req-b</RequestId></ErrorResponse>`, "", Error{400, "NoSuchEntity", "m", "req-b"}},
		{"query EC2", `<Response><Errors><Error><Code>InvalidInstanceID.NotFound</Code><Message>m</Message></Error></Errors><RequestID>req-b</RequestID></Response>`, "", Error{400, "InvalidInstanceID.NotFound", "m", "req-b"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_, _ = io.ReadAll(r.Body)
				if c.errorType != "" {
					w.Header().Set("X-Amzn-ErrorType", c.errorType)
				}
				w.Header().Set("X-Amzn-RequestId", "req-h")
				w.WriteHeader(400)
				_, _ = io.WriteString(w, c.body)
			}))
			defer srv.Close()
			client := New(Config{Endpoint: srv.URL, Region: "us-east-1", Credentials: sigv4.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "secret"}}, 1)
			var err error
			if c.body[0] == '<' {
				_, err = client.Query(context.Background(), "iam", url.Values{"Action": {"GetUser"}})
			} else {
				_, err = client.JSON(context.Background(), "secretsmanager", "secretsmanager.GetSecretValue", map[string]string{"SecretId": "s"})
			}
			var e *Error
			if !errors.As(err, &e) || *e != c.want {
				t.Fatalf("error %#v, want %#v", err, c.want)
			}
		})
	}
}
