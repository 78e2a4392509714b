package server

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"testing"

	"github.com/iamd-dev/iamd/internal/awsclient"
	"github.com/iamd-dev/iamd/internal/sigv4"
)

// benchMachine starts a server for a benchmark, with a Tower-Role profile, and returns a
// root client and the id of a machine launched with the profile.
func benchMachine(b *testing.B) (*Server, *awsclient.Client, string) {
	b.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	srv, err := New(ctx, Config{Addr: "127.0.0.1:0", DataDir: b.TempDir(), RootAccessKeyID: testRootKey, RootSecretAccessKey: testRootSecret})
	if err != nil {
		b.Fatal(err)
	}
	if err := srv.Listen(); err != nil {
		b.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx) }()
	b.Cleanup(func() { cancel(); <-done })
	c := awsclient.New(awsclient.Config{Endpoint: "http://" + srv.Addr(), Region: "us-east-1",
		Credentials: sigv4.Credentials{AccessKeyID: testRootKey, SecretAccessKey: testRootSecret}}, 1)
	call := func(service string, kv ...string) string {
		v := url.Values{}
		for i := 0; i < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		body, err := c.Query(ctx, service, v)
		if err != nil {
			b.Fatal(err)
		}
		return string(body)
	}
	call("iam", "Action", "CreateRole", "Version", "2010-05-08", "RoleName", "Tower-Role", "AssumeRolePolicyDocument", ec2Trust)
	call("iam", "Action", "PutRolePolicy", "Version", "2010-05-08", "RoleName", "Tower-Role", "PolicyName", "p", "PolicyDocument", listRolesPolicy)
	call("iam", "Action", "CreateInstanceProfile", "Version", "2010-05-08", "InstanceProfileName", "Tower-Role")
	call("iam", "Action", "AddRoleToInstanceProfile", "Version", "2010-05-08", "InstanceProfileName", "Tower-Role", "RoleName", "Tower-Role")
	body := call("ec2", "Action", "RunInstances", "Version", "2016-11-15", "ImageId", "ami-0abcdef1234567890", "MinCount", "1", "MaxCount", "1",
		"IamInstanceProfile.Name", "Tower-Role")
	return srv, c, between(body, "<instanceId>", "</instanceId>")
}

// BenchmarkIMDSCredentials measures a program reading its role's credentials from instance
// metadata (IMDSv1 GET; the session is reused until it is due for renewal).
func BenchmarkIMDSCredentials(b *testing.B) {
	srv, _, id := benchMachine(b)
	base, ok := srv.imds.Endpoint(id)
	if !ok {
		b.Fatal("no metadata endpoint")
	}
	client := &http.Client{}
	for b.Loop() {
		resp, err := client.Get(base + "latest/meta-data/iam/security-credentials/Tower-Role")
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			b.Fatal(resp.Status)
		}
	}
}

// BenchmarkRunTerminate measures launching one instance with a profile (ec2:RunInstances on
// six resources and iam:PassRole authorized, a metadata endpoint opened) and terminating it.
func BenchmarkRunTerminate(b *testing.B) {
	_, c, _ := benchMachine(b)
	for b.Loop() {
		body, err := c.Query(b.Context(), "ec2", url.Values{"Action": {"RunInstances"}, "Version": {"2016-11-15"}, "ImageId": {"ami-0abcdef1234567890"},
			"MinCount": {"1"}, "MaxCount": {"1"}, "IamInstanceProfile.Name": {"Tower-Role"}})
		if err != nil {
			b.Fatal(err)
		}
		id := between(string(body), "<instanceId>", "</instanceId>")
		if _, err := c.Query(b.Context(), "ec2", url.Values{"Action": {"TerminateInstances"}, "Version": {"2016-11-15"}, "InstanceId.1": {id}}); err != nil {
			b.Fatal(err)
		}
	}
}
