package awsquery

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/iamd-dev/iamd/internal/awserr"
)

func TestParseListsAndStructs(t *testing.T) {
	body := "Action=TagRole&Version=2010-05-08&RoleName=r&Tags.member.2.Key=b&Tags.member.2.Value=2&Tags.member.1.Key=a&Tags.member.1.Value=1" +
		"&TagKeys.member.10=z&TagKeys.member.2=y&TagKeys.member.1=x&MaxItems=5"
	r := httptest.NewRequest(http.MethodPost, "/?Extra=q", strings.NewReader(body))
	q, err := Parse(r, []byte(body))
	if err != nil {
		t.Fatal(err)
	}
	if q.Action != "TagRole" || q.Version != "2010-05-08" || q.Get("RoleName") != "r" || q.Get("Extra") != "q" {
		t.Fatalf("parsed %+v", q)
	}
	if got := strings.Join(q.List("TagKeys"), ","); got != "x,y,z" {
		t.Fatalf("List = %s (members must be in numeric order)", got)
	}
	tags := q.Structs("Tags")
	if len(tags) != 2 || tags[0]["Key"] != "a" || tags[1]["Value"] != "2" {
		t.Fatalf("Structs = %v", tags)
	}
	if n, ok, err := q.Int("MaxItems"); n != 5 || !ok || err != nil {
		t.Fatalf("Int = %d %v %v", n, ok, err)
	}
	if _, ok, _ := q.Int("Missing"); ok || q.Has("Missing") {
		t.Fatal("a missing parameter is reported present")
	}
}

func TestWriteResultAndError(t *testing.T) {
	w := httptest.NewRecorder()
	type result struct {
		Name string `xml:"Name"`
	}
	if err := WriteResult(w, "https://ns/", "GetThing", result{"x"}, "req-1"); err != nil {
		t.Fatal(err)
	}
	want := `<GetThingResponse xmlns="https://ns/"><GetThingResult><Name>x</Name></GetThingResult><ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></GetThingResponse>`
	if !strings.Contains(w.Body.String(), want) || w.Code != 200 {
		t.Fatalf("result %d %s", w.Code, w.Body.String())
	}
	w = httptest.NewRecorder()
	if err := WriteResult(w, "https://ns/", "DeleteThing", nil, "req-2"); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(w.Body.String(), "DeleteThingResult") {
		t.Fatalf("an action without a result wrote one: %s", w.Body.String())
	}
	w = httptest.NewRecorder()
	WriteError(w, "https://ns/", awserr.NoSuchEntity("The role with name r cannot be found."), "req-3")
	wantErr := `<ErrorResponse xmlns="https://ns/"><Error><Type>Sender</Type><Code>NoSuchEntity</Code><Message>The role with name r cannot be found.</Message></Error><RequestId>req-3</RequestId></ErrorResponse>`
	if w.Code != 404 || !strings.Contains(w.Body.String(), wantErr) {
		t.Fatalf("error %d %s", w.Code, w.Body.String())
	}
	// An error AWS sends without a message (GetCredentialReport's) has no Message element.
	w = httptest.NewRecorder()
	WriteError(w, "https://ns/", &awserr.Error{Code: "ReportNotPresent"}, "req-4")
	wantErr = `<ErrorResponse xmlns="https://ns/"><Error><Type>Sender</Type><Code>ReportNotPresent</Code></Error><RequestId>req-4</RequestId></ErrorResponse>`
	if w.Code != 410 || !strings.Contains(w.Body.String(), wantErr) {
		t.Fatalf("error %d %s", w.Code, w.Body.String())
	}
}
