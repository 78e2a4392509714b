package cli

import (
	"context"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/iamd-dev/iamd/internal/awsclient"
	"github.com/iamd-dev/iamd/internal/sigv4"
)

// These are unit tests of the agent's side of GetSecretValue (the request it signs and how
// it reads answers and errors of the JSON 1.1 protocol) against a fake that speaks the
// protocol; awsclient's TestErrorShapes covers the other shapes of JSON 1.1 errors. That the
// execution role is allowed or denied by iamd's own Secrets Manager is proved end to end
// where that service is served.

const fakeSecretARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf"

func fakeSecretsManager(t *testing.T) *httptest.Server {
	creds := sigv4.Credentials{AccessKeyID: "ASIAEXECROLE00000001", SecretAccessKey: "exec-secret", SessionToken: "exec-token"}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		// The call is signed for secretsmanager with the execution role's session.
		v := sigv4.Verifier{Now: time.Now, Lookup: func(_ context.Context, id string) (string, error) {
			if id != creds.AccessKeyID {
				return "", sigv4.ErrUnknownAccessKey
			}
			return creds.SecretAccessKey, nil
		}}
		res, err := v.Verify(r.Context(), r, body)
		if err != nil || res.Service != "secretsmanager" || r.Header.Get("X-Amz-Security-Token") != creds.SessionToken ||
			r.Header.Get("X-Amz-Target") != "secretsmanager.GetSecretValue" || r.Header.Get("Content-Type") != "application/x-amz-json-1.1" {
			t.Errorf("request not signed as GetSecretValue of the execution role: %v %+v", err, r.Header)
			w.WriteHeader(400)
			return
		}
		var in map[string]string
		if err := json.Unmarshal(body, &in); err != nil {
			t.Errorf("body %s", body)
		}
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		w.Header().Set("X-Amzn-RequestId", "req-1")
		switch in["SecretId"] {
		case fakeSecretARN:
			if in["VersionStage"] == "AWSPREVIOUS" {
				_, _ = io.WriteString(w, `{"ARN":"`+fakeSecretARN+`","Name":"db","SecretString":"{\"password\":\"old\"}"}`)
				return
			}
			_, _ = io.WriteString(w, `{"ARN":"`+fakeSecretARN+`","Name":"db","SecretString":"{\"password\":\"s3cr3t\",\"port\":5432}","VersionId":"v1"}`)
		case "binary":
			_, _ = io.WriteString(w, `{"Name":"binary","SecretBinary":"aGVsbG8="}`)
		default:
			w.WriteHeader(400)
			_, _ = io.WriteString(w, `{"__type":"AccessDeniedException","Message":"User: arn:aws:sts::123456789012:assumed-role/app-exec/0123 is not authorized to perform: secretsmanager:GetSecretValue on resource: `+in["SecretId"]+` because no identity-based policy allows the secretsmanager:GetSecretValue action"}`)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestTaskSecretsFromSecretsManager(t *testing.T) {
	srv := fakeSecretsManager(t)
	c := awsclient.New(awsclient.Config{Endpoint: srv.URL, Region: "us-east-1",
		Credentials: sigv4.Credentials{AccessKeyID: "ASIAEXECROLE00000001", SecretAccessKey: "exec-secret", SessionToken: "exec-token"}}, 1)
	env, err := fetchTaskSecrets(context.Background(), c, []taskSecret{
		{"DB", fakeSecretARN},
		{"DB_PASSWORD", fakeSecretARN + ":password::"},
		{"DB_PORT", fakeSecretARN + ":port"},
		{"OLD_PASSWORD", fakeSecretARN + ":password:AWSPREVIOUS:"},
		{"BIN", "binary"},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"DB": `{"password":"s3cr3t","port":5432}`, "DB_PASSWORD": "s3cr3t", "DB_PORT": "5432", "OLD_PASSWORD": "old", "BIN": "hello"}
	if !maps.Equal(env, want) {
		t.Fatalf("env\n%v\nwant\n%v", env, want)
	}

	// A secret the execution role may not read: the task does not start, and says why.
	denied := "arn:aws:secretsmanager:us-east-1:123456789012:secret:other-XyZ123"
	_, err = fetchTaskSecrets(context.Background(), c, []taskSecret{{"DB", fakeSecretARN}, {"OTHER", denied}})
	if err == nil || err.Error() != "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm: "+
		"service call has been retried 1 time(s): failed to fetch secret "+denied+" from secrets manager: AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role/app-exec/0123 "+
		"is not authorized to perform: secretsmanager:GetSecretValue on resource: "+denied+" because no identity-based policy allows the secretsmanager:GetSecretValue action status code: 400, request id: req-1" {
		t.Fatalf("error %v", err)
	}
	_, err = fetchTaskSecrets(context.Background(), c, []taskSecret{{"X", fakeSecretARN + ":nokey"}})
	if err == nil || !strings.Contains(err.Error(), `the secret has no JSON key "nokey"`) {
		t.Fatalf("error %v", err)
	}
}

func TestParseSecretRef(t *testing.T) {
	for in, want := range map[string]secretRef{
		"mysecret":                            {SecretID: "mysecret"},
		fakeSecretARN:                         {SecretID: fakeSecretARN},
		fakeSecretARN + ":user:AWSCURRENT:v9": {SecretID: fakeSecretARN, JSONKey: "user", VersionStage: "AWSCURRENT", VersionID: "v9"},
		fakeSecretARN + "::AWSPREVIOUS:":      {SecretID: fakeSecretARN, VersionStage: "AWSPREVIOUS"},
	} {
		if got := parseSecretRef(in); got != want {
			t.Errorf("%s: %+v, want %+v", in, got, want)
		}
	}
}
