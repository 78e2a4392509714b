package iamapi

import (
	"encoding/xml"
	"net/http"
	"net/url"
	"testing"

	"github.com/iamd-dev/iamd/internal/api/awsquery"
	"github.com/iamd-dev/iamd/internal/testutil"
)

// TestErrorStatuses: Serve answers with the Query protocol's <ErrorResponse>, the status
// awsquery.Statuses gives the code, and the fault's side (Receiver for IAM's own failure).
func TestErrorStatuses(t *testing.T) {
	tests := []struct {
		name    string
		asAlice bool // else the root user calls
		params  url.Values
		broken  bool // the store is closed
		code    string
		status  int
		typ     string
	}{
		{"NoSuchEntity", false, url.Values{"Action": {"GetRole"}, "RoleName": {"nope"}}, false, "NoSuchEntity", 404, "Sender"},
		{"EntityAlreadyExists", false, url.Values{"Action": {"CreateRole"}, "RoleName": {"app"}, "Path": {"/team/"}, "AssumeRolePolicyDocument": {testutil.TrustEC2}}, false, "EntityAlreadyExists", 409, "Sender"},
		{"AccessDenied", true, url.Values{"Action": {"GetRole"}, "RoleName": {"app"}}, false, "AccessDenied", 403, "Sender"},
		{"InvalidAction", false, url.Values{"Action": {"CreateNothingAtAll"}}, false, "InvalidAction", 400, "Sender"},
		{"ServiceFailure", false, url.Values{"Action": {"GetRole"}, "RoleName": {"app"}}, true, "ServiceFailure", 500, "Receiver"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			if tt.broken {
				f.Store.Close()
			}
			caller := f.root
			if tt.asAlice {
				caller = f.alice
			}
			w, o := testutil.ServeQuery(f.api, caller, tt.params.Encode(), "req-1")
			if o.Err == nil || o.Err.Code != tt.code {
				t.Fatalf("outcome %+v, want %s", o.Err, tt.code)
			}
			if got := awsquery.Statuses.Status(o.Err); got != tt.status {
				t.Fatalf("awsquery.Statuses gives %s %d, the test wants %d", tt.code, got, tt.status)
			}
			if w.Code != tt.status {
				t.Errorf("status %d, want %d", w.Code, tt.status)
			}
			var resp struct {
				XMLName xml.Name `xml:"ErrorResponse"`
				Xmlns   string   `xml:"xmlns,attr"`
				Error   struct {
					Type, Code, Message string
				}
				RequestID string `xml:"RequestId"`
			}
			if err := xml.Unmarshal(w.Body.Bytes(), &resp); err != nil {
				t.Fatalf("body %q: %v", w.Body.String(), err)
			}
			if resp.Xmlns != Namespace || resp.Error.Type != tt.typ || resp.Error.Code != tt.code ||
				resp.Error.Message != o.Err.Message || resp.RequestID != "req-1" {
				t.Errorf("body %q, want %s %s in IAM's namespace", w.Body.String(), tt.typ, tt.code)
			}
		})
	}
}

// TestServeWritesTheResult: a success is the operation's <OpResponse><OpResult> in IAM's
// namespace, with status 200.
func TestServeWritesTheResult(t *testing.T) {
	f := newFixture(t)
	w, o := testutil.ServeQuery(f.api, f.root, url.Values{"Action": {"GetRole"}, "RoleName": {"app"}}.Encode(), "req-2")
	if o.Err != nil || o.Action != "iam:GetRole" || o.Resource != appRoleARN {
		t.Fatalf("outcome %+v", o)
	}
	var resp struct {
		XMLName xml.Name `xml:"GetRoleResponse"`
		Xmlns   string   `xml:"xmlns,attr"`
		Arn     string   `xml:"GetRoleResult>Role>Arn"`
		ID      string   `xml:"ResponseMetadata>RequestId"`
	}
	if err := xml.Unmarshal(w.Body.Bytes(), &resp); err != nil {
		t.Fatalf("body %q: %v", w.Body.String(), err)
	}
	if w.Code != http.StatusOK || resp.Xmlns != Namespace || resp.Arn != appRoleARN || resp.ID != "req-2" {
		t.Errorf("status %d, body %q", w.Code, w.Body.String())
	}
}
