package testutil

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/iamd-dev/iamd/internal/api/route"
	"github.com/iamd-dev/iamd/internal/authz"
	"github.com/iamd-dev/iamd/internal/awserr"
)

// ServeQuery sends a Query protocol call, its form POSTed to / as the SDKs send it, through
// the endpoint as the server does once it has authenticated the caller, and returns what the
// endpoint wrote and the call's outcome.
func ServeQuery(e route.Endpoint, caller *authz.Caller, form, requestID string) (*httptest.ResponseRecorder, route.Outcome) {
	r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(form))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	w := httptest.NewRecorder()
	return w, e.Serve(w, r, []byte(form), caller, requestID)
}

// A QueryAnswer is what a Query API should answer a call with.
type QueryAnswer struct {
	Status    int
	Namespace string // the API's XML namespace
	Operation string // a success is its <OperationResponse>
	Code      string // the error's code; "" for a success
	Type      string // the error's fault side: Sender or Receiver
}

// CheckQueryAnswer checks a Query API's answer: its status; for a success the operation's
// response in the API's namespace; for an error its code and fault side in the namespace,
// with a cause kept exactly when the error is the service's failure (ServiceFailure), and
// the cause never sent.
func CheckQueryAnswer(t testing.TB, w *httptest.ResponseRecorder, o route.Outcome, want QueryAnswer) {
	t.Helper()
	body := w.Body.String()
	if w.Code != want.Status {
		t.Fatalf("status %d, want %d: %s", w.Code, want.Status, body)
	}
	if want.Code == "" {
		if !strings.Contains(body, "<"+want.Operation+"Response xmlns=\""+want.Namespace+"\">") {
			t.Errorf("body %s", body)
		}
		return
	}
	if !strings.Contains(body, "<Code>"+want.Code+"</Code>") || !strings.Contains(body, "<Type>"+want.Type+"</Type>") ||
		!strings.Contains(body, "xmlns=\""+want.Namespace+"\"") {
		t.Errorf("body %s, want %s (%s)", body, want.Code, want.Type)
	}
	if (want.Code == awserr.ServiceFailure().Code) != (o.Cause != nil) {
		t.Errorf("cause %v for %s", o.Cause, want.Code)
	}
	if o.Cause != nil && strings.Contains(body, o.Cause.Error()) {
		t.Errorf("the cause %q is sent: %s", o.Cause, body)
	}
}
