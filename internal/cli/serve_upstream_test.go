package cli

import (
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/iamd-dev/iamd/internal/sigv4"
	"github.com/iamd-dev/iamd/internal/upstream/upstreamtest"
)

var minioKeys = sigv4.Credentials{AccessKeyID: "MINIOKEY", SecretAccessKey: "minio-secret"}

// callAsRoot sends a request signed with the root key startServe sets for the service.
func callAsRoot(t *testing.T, endpoint, service, method, path, body string, header map[string]string) (int, string) {
	t.Helper()
	r, err := http.NewRequest(method, endpoint+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		r.Header.Set(k, v)
	}
	root := sigv4.Credentials{AccessKeyID: os.Getenv("AWS_ACCESS_KEY_ID"), SecretAccessKey: os.Getenv("AWS_SECRET_ACCESS_KEY")}
	if err := sigv4.Sign(r, []byte(body), root, "us-east-1", service, time.Now()); err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(out)
}

func TestServeForwardsToAServicesUpstreamWithItsKeys(t *testing.T) {
	up := upstreamtest.New(t, minioKeys, upstreamtest.Canned(map[string]upstreamtest.Answer{
		"GET /bucket": {Status: 200, Header: map[string]string{"Content-Type": "application/xml"}, Body: "<ListBucketResult/>"},
	}))
	endpoint := startServe(t, "--upstream", "s3="+up.URL.String(), "--upstream-credentials", "s3=MINIOKEY:minio-secret", "--enforce", "log")
	if status, body := callAsRoot(t, endpoint, "s3", "GET", "/bucket", "", nil); status != 200 || body != "<ListBucketResult/>" {
		t.Fatalf("%d %s", status, body)
	}
	if got := up.Received(); len(got) != 1 || got[0].Signed.AccessKeyID != minioKeys.AccessKeyID {
		t.Fatalf("the upstream received %+v", got)
	}
	// A service without an upstream of its own has none.
	status, body := callAsRoot(t, endpoint, "dynamodb", "POST", "/", "{}",
		map[string]string{"Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "DynamoDB_20120810.ListTables"})
	if status != 400 || !strings.Contains(body, `"__type":"UnknownService"`) {
		t.Fatalf("dynamodb: %d %s", status, body)
	}
}

func TestServeTakesTheUpstreamFromTheEnvironment(t *testing.T) {
	up := upstreamtest.New(t, minioKeys, upstreamtest.Canned(map[string]upstreamtest.Answer{
		"DynamoDB_20120810.ListTables": {Status: 200, Body: `{"TableNames":[]}`},
	}))
	t.Setenv("IAMD_UPSTREAM", up.URL.String())
	t.Setenv("IAMD_UPSTREAM_CREDENTIALS", "MINIOKEY:minio-secret")
	t.Setenv("IAMD_ENFORCE", "on")
	endpoint := startServe(t)
	status, body := callAsRoot(t, endpoint, "dynamodb", "POST", "/", "{}",
		map[string]string{"Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "DynamoDB_20120810.ListTables"})
	if status != 200 || body != `{"TableNames":[]}` || len(up.Received()) != 1 {
		t.Fatalf("%d %s, the upstream received %d", status, body, len(up.Received()))
	}
}

func TestServeRefusesBadFrontDoorFlags(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--upstream", "ftp://127.0.0.1:21"}, "--upstream"},
		{[]string{"--upstream", "http://127.0.0.1:1/prefix"}, "scheme://host[:port] only"},
		{[]string{"--enforce", "maybe"}, "want on or log"},
		{[]string{"--upstream", "s3=http://127.0.0.1:1", "--upstream-credentials", "sqs=AK:top-secret"}, "no upstream serves sqs"},
		{[]string{"--upstream", "http://127.0.0.1:1", "--upstream-credentials", "AK"}, "[SERVICE=]KEY:SECRET"},
	} {
		r := run(t, "", append([]string{"serve", "--data", dir, "--addr", "127.0.0.1:0"}, tc.args...)...).want(t, 2)
		if !strings.Contains(r.stderr, tc.want) || strings.Contains(r.stderr, "top-secret") {
			t.Errorf("%v: %s", tc.args, r.stderr)
		}
	}
}
