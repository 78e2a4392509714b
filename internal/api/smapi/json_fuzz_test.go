package smapi

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sort"
	"testing"
)

// FuzzOperationInput feeds every operation JSON input as the SDKs send it, and whatever
// else arrives: no input panics or makes an internal error, and every refusal is a JSON 1.1
// error, {"__type": code, "Message": text} with the code in X-Amzn-ErrorType and a 4xx.
func FuzzOperationInput(f *testing.F) {
	fx := newFixture(f)
	api, caller := fx.api, fx.root(owner)
	ops := make([]string, 0, len(api.service.Routes))
	for op := range api.service.Routes {
		ops = append(ops, op)
	}
	sort.Strings(ops)
	for _, s := range []string{
		`{"Name":"prod/db","SecretString":"{\"password\":\"p\"}","Description":"d","Tags":[{"Key":"team","Value":"ci"}],"ClientRequestToken":"11111111-2222-3333-4444-555555555555"}`,
		`{"SecretId":"prod/db"}`, `{"SecretId":"prod/db","VersionStage":"AWSCURRENT"}`,
		`{"SecretIdList":["prod/db","other"]}`, `{"Filters":[{"Key":"name","Values":["prod"]}],"MaxResults":10}`,
		`{"SecretId":"prod/db","SecretBinary":"AAEC","VersionStages":["AWSPENDING"]}`,
		`{"SecretId":"prod/db","ResourcePolicy":"{\"Version\":\"2012-10-17\",\"Statement\":[]}","BlockPublicPolicy":true}`,
		`{"SecretId":"prod/db","RecoveryWindowInDays":7}`, `{"SecretId":"prod/db","ForceDeleteWithoutRecovery":true}`,
		`{"PasswordLength":4096,"ExcludeCharacters":"abc","RequireEachIncludedType":true}`,
		`{"SecretId":"prod/db","AddReplicaRegions":[{"Region":"eu-west-1"}]}`, `{"SecretId":"prod/db","TagKeys":["team"]}`,
		`{"SecretId":"prod/db","RotationRules":{"AutomaticallyAfterDays":30,"ScheduleExpression":"rate(10 days)"}}`,
		``, `null`, `[]`, `{"SecretId":1}`, `{"Name":"x","SecretString":"a","SecretBinary":"AA"}`, `{"MaxResults":-1}`, `{"PasswordLength":1e300}`,
	} {
		for i := range ops {
			f.Add(uint8(i), []byte(s))
		}
	}
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		op := ops[int(which)%len(ops)]
		r := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
		r.Header.Set("X-Amz-Target", codec.TargetPrefix+op)
		w := httptest.NewRecorder()
		res := api.Serve(w, r, body, caller, "req-1")
		if res.Err == nil {
			if w.Code != http.StatusOK || !json.Valid(w.Body.Bytes()) {
				t.Fatalf("%s %q: %d %s", op, body, w.Code, w.Body.String())
			}
			return
		}
		var e struct {
			Type    string `json:"__type"`
			Message string `json:"Message"`
		}
		if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil || e.Type != res.Err.Code || w.Header().Get("X-Amzn-ErrorType") != e.Type {
			t.Fatalf("%s %q: error body %s (%v)", op, body, w.Body.String(), err)
		}
		if w.Code < 400 || w.Code >= 500 {
			t.Fatalf("%s %q: %d %s %s", op, body, w.Code, e.Type, e.Message)
		}
	})
}
