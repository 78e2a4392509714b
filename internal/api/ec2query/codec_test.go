package ec2query

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/iamd-dev/iamd/internal/api/route"
	"github.com/iamd-dev/iamd/internal/awserr"
)

// EC2's dialect is a codec.
var _ route.Codec[*Request] = Codec{}

func TestDecode(t *testing.T) {
	body := "Action=TerminateInstances&Version=2016-11-15&InstanceId.2=i-b&InstanceId.1=i-a"
	op, q, err := Codec{}.Decode(httptest.NewRequest(http.MethodPost, "/?DryRun=true", nil), []byte(body))
	if err != nil || op != "TerminateInstances" || q.Action != op || strings.Join(q.List("InstanceId"), ",") != "i-a,i-b" || !q.Bool("DryRun") {
		t.Fatalf("decoded %q %+v %v", op, q, err)
	}
	_, _, err = Codec{}.Decode(httptest.NewRequest(http.MethodPost, "/", nil), []byte("Action=%zz"))
	if err == nil || err.Code != "InvalidParameterValue" || err.Message != "The query string is malformed." {
		t.Fatalf("a malformed body: %v", err)
	}
}

// A result's elements follow <requestId> in <ActionResponse>, in EC2's namespace.
func TestWriteResult(t *testing.T) {
	type result struct {
		Return bool `xml:"return"`
	}
	w := httptest.NewRecorder()
	if err := (Codec{}).WriteResult(w, "RebootInstances", result{true}, "req-1"); err != nil {
		t.Fatal(err)
	}
	want := `<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
		`<RebootInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>req-1</requestId><return>true</return></RebootInstancesResponse>`
	if w.Code != 200 || w.Body.String() != want || w.Header().Get("Content-Type") != "text/xml;charset=UTF-8" {
		t.Fatalf("%d %q", w.Code, w.Body.String())
	}
	w = httptest.NewRecorder()
	if err := (Codec{}).WriteResult(w, "RebootInstances", make(chan int), "req-2"); err == nil {
		t.Fatal("a result that cannot be rendered was written")
	}
	if w.Code != 500 || !strings.Contains(w.Body.String(), "<Code>InternalError</Code>") {
		t.Fatalf("a result that cannot be rendered: %d %s", w.Code, w.Body.String())
	}
}

// EC2's error shape and table: UnauthorizedOperation 403, DryRunOperation 412,
// InternalError 500, any other code 400.
func TestWriteError(t *testing.T) {
	for code, status := range map[string]int{
		"UnauthorizedOperation": 403, "DryRunOperation": 412, "InternalError": 500,
		"InvalidInstanceID.Malformed": 400, "MissingParameter": 400, "InvalidAction": 400,
	} {
		w := httptest.NewRecorder()
		Codec{}.WriteError(w, awserr.New(code, "m <&>"), "req-1")
		want := `<Response><Errors><Error><Code>` + code + `</Code><Message>m &lt;&amp;&gt;</Message></Error></Errors><RequestID>req-1</RequestID></Response>`
		if w.Code != status || !strings.Contains(w.Body.String(), want) {
			t.Errorf("%s: %d %s", code, w.Code, w.Body.String())
		}
	}
}
