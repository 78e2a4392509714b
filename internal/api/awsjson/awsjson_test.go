package awsjson_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/iamd-dev/iamd/internal/api/awsjson"
	"github.com/iamd-dev/iamd/internal/api/route"
	"github.com/iamd-dev/iamd/internal/awserr"
)

// JSON 1.1 is a codec.
var _ route.Codec[awsjson.Body] = awsjson.Codec{}

var codec = awsjson.Codec{TargetPrefix: "secretsmanager.", ServiceName: "Secrets Manager"}

func TestDecodeReadsTheTarget(t *testing.T) {
	for _, tc := range []struct {
		target, op, code, message string
	}{
		{"secretsmanager.GetSecretValue", "GetSecretValue", "", ""},
		{"", "", "UnknownOperationException", "Operation  is not supported by Secrets Manager (iamd)."},
		{"AmazonSSM.GetParameter", "", "UnknownOperationException", "Operation AmazonSSM.GetParameter is not supported by Secrets Manager (iamd)."},
	} {
		r := httptest.NewRequest(http.MethodPost, "/", nil)
		if tc.target != "" {
			r.Header.Set("X-Amz-Target", tc.target)
		}
		op, body, err := codec.Decode(r, []byte(`{"SecretId":"x"}`))
		if op != tc.op {
			t.Errorf("%q: operation %q, want %q", tc.target, op, tc.op)
		}
		if tc.code == "" {
			if err != nil || string(body) != `{"SecretId":"x"}` {
				t.Errorf("%q: body %q, error %v", tc.target, body, err)
			}
			continue
		}
		if err == nil || err.Code != tc.code || err.Message != tc.message {
			t.Errorf("%q: error %+v, want %s %q", tc.target, err, tc.code, tc.message)
		}
	}
	if e := codec.Unknown("Frobnicate"); e.Code != awsjson.UnknownOperation || e.Message != "Operation secretsmanager.Frobnicate is not supported by Secrets Manager (iamd)." {
		t.Errorf("unknown operation: %+v", e)
	}
}

func TestBodyDecode(t *testing.T) {
	type input struct {
		SecretID string `json:"SecretId"`
		Max      int
	}
	for _, tc := range []struct {
		body, id, message string
	}{
		{`{"SecretId":"x","Max":2}`, "x", ""},
		{"", "", ""},
		{"  \n", "", ""},
		{`{"SecretId":`, "", "The request body could not be read as the operation's JSON input: it is not valid JSON"},
		{`{"Max":"two"}`, "", "The request body could not be read as the operation's JSON input: the value of Max has the wrong type"},
	} {
		var in input
		err := awsjson.Body(tc.body).Decode(&in)
		if tc.message == "" {
			if err != nil || in.SecretID != tc.id {
				t.Errorf("%q: %+v %v", tc.body, in, err)
			}
			continue
		}
		e, ok := awserr.As(err)
		if !ok || e.Code != "SerializationException" || e.Message != tc.message {
			t.Errorf("%q: error %v, want SerializationException %q", tc.body, err, tc.message)
		}
	}
}

func TestWriteResult(t *testing.T) {
	for _, tc := range []struct {
		out  any
		want string
	}{
		{nil, `{}`},
		{struct {
			ARN  string         `json:"ARN"`
			When *awsjson.Epoch `json:"When"`
		}{"a", awsjson.EpochAt(time.UnixMilli(1700000000123))}, `{"ARN":"a","When":1700000000.123}`},
	} {
		w := httptest.NewRecorder()
		if err := codec.WriteResult(w, "Op", tc.out, "req-1"); err != nil {
			t.Fatal(err)
		}
		if w.Code != 200 || w.Header().Get("Content-Type") != awsjson.ContentType || w.Body.String() != tc.want {
			t.Errorf("%d %q %s, want %s", w.Code, w.Header().Get("Content-Type"), w.Body, tc.want)
		}
	}
	if awsjson.EpochOf(nil) != nil || awsjson.EpochAt(time.Time{}) != nil {
		t.Error("an unset time is a timestamp")
	}
}

func TestWriteErrorStatuses(t *testing.T) {
	for _, tc := range []struct {
		code   string
		status int
	}{
		{"ResourceNotFoundException", 400},
		{"AccessDeniedException", 400},
		{"InternalServiceError", 500},
		{"SignatureDoesNotMatch", 403}, // one of AWS's common errors
	} {
		w := httptest.NewRecorder()
		codec.WriteError(w, awserr.New(tc.code, "it went <wrong>"), "req-1")
		var e map[string]string
		if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil {
			t.Fatal(err)
		}
		h := w.Header()
		if w.Code != tc.status || h.Get("X-Amzn-ErrorType") != tc.code || h.Get("x-amzn-RequestId") != "req-1" || h.Get("Content-Type") != awsjson.ContentType {
			t.Errorf("%s: %d %v", tc.code, w.Code, h)
		}
		if len(e) != 2 || e["__type"] != tc.code || e["Message"] != "it went <wrong>" {
			t.Errorf("%s: body %s", tc.code, w.Body)
		}
	}
}
