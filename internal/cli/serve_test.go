package cli

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// startServe runs `iamd serve` in-process on a free loopback port, with the aws CLI's
// environment pointing at it, and stops it at the end of the test; args are more flags.
func startServe(t *testing.T, args ...string) string {
	t.Helper()
	endpoint, _ := startServeAudited(t, args...)
	return endpoint
}

// startServeAudited is startServe, also returning the audit log's path.
func startServeAudited(t *testing.T, args ...string) (endpoint, auditPath string) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	dir := t.TempDir()
	auditPath = filepath.Join(dir, "audit.log")
	t.Setenv("IAMD_ROOT_ACCESS_KEY_ID", "AKIACLITESTROOT00001")
	t.Setenv("IAMD_ROOT_SECRET_ACCESS_KEY", "cli-test-root-secret-000000000000000000")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() {
		var out, errs strings.Builder
		done <- Main(ctx, append([]string{"serve", "--addr", addr, "--data", dir, "--audit", auditPath}, args...), Env{Stdout: &out, Stderr: &errs})
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case code := <-done:
			if code != 0 {
				t.Errorf("iamd serve exited %d", code)
			}
		case <-time.After(15 * time.Second):
			t.Error("iamd serve did not stop")
		}
	})
	endpoint = "http://" + addr
	for i := 0; ; i++ {
		resp, err := http.Get(endpoint + "/healthz")
		if err == nil {
			resp.Body.Close()
			break
		}
		if i > 100 {
			t.Fatal("iamd serve did not start:", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Setenv("AWS_ENDPOINT_URL", endpoint)
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIACLITESTROOT00001")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "cli-test-root-secret-000000000000000000")
	t.Setenv("AWS_SESSION_TOKEN", "")
	t.Setenv("AWS_CONFIG_FILE", os.DevNull)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", os.DevNull)
	return endpoint, auditPath
}

func TestAccountCreate(t *testing.T) {
	startServe(t)
	r := run(t, "", "account", "create", "--id", "111111111111", "--name", "prod").want(t, 0)
	var key struct{ AccountId, AccessKeyId, SecretAccessKey string }
	if err := json.Unmarshal([]byte(r.stdout), &key); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, r.stdout)
	}
	if key.AccountId != "111111111111" || !strings.HasPrefix(key.AccessKeyId, "AKIA") || len(key.SecretAccessKey) != 40 {
		t.Fatalf("key %+v", key)
	}
	// The new account's root key works, and it may not create accounts itself.
	t.Setenv("AWS_ACCESS_KEY_ID", key.AccessKeyId)
	t.Setenv("AWS_SECRET_ACCESS_KEY", key.SecretAccessKey)
	r = run(t, "", "bench", "--op", "get-caller-identity", "--requests", "5", "--duration", "5s", "--json").want(t, 0)
	if !strings.Contains(r.stdout, `"requests": 5`) || !strings.Contains(r.stdout, `"errors": 0`) {
		t.Fatalf("bench as the new account:\n%s", r.stdout)
	}
	r = run(t, "", "account", "create", "--id", "222222222222").want(t, 1)
	if !strings.Contains(r.stderr, "AccessDenied") {
		t.Fatalf("a member account created an account: %s", r.stderr)
	}
}

func TestAccountCreateRefusesDuplicatesAndBadIDs(t *testing.T) {
	startServe(t)
	run(t, "", "account", "create", "--id", "333333333333").want(t, 0)
	if r := run(t, "", "account", "create", "--id", "333333333333").want(t, 1); !strings.Contains(r.stderr, "EntityAlreadyExists") {
		t.Fatalf("duplicate account: %s", r.stderr)
	}
	if r := run(t, "", "account", "create", "--id", "12345").want(t, 1); !strings.Contains(r.stderr, "ValidationError") {
		t.Fatalf("bad id: %s", r.stderr)
	}
	run(t, "", "account", "create").want(t, 2)
}
