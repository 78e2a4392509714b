package server

import (
	"context"
	"testing"
	"time"

	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/iamd-dev/iamd/internal/awsclient"
	"github.com/iamd-dev/iamd/internal/bench"
	"github.com/iamd-dev/iamd/internal/sigv4"
)

// The load generator signs its own requests: every op of iamd's own services must run against
// a real server without errors and leave nothing behind (the front door's op needs an
// upstream: `iamd bench --door`'s test runs it).
func TestBenchOpsAgainstServer(t *testing.T) {
	ts := startServer(t, "")
	client := awsclient.New(awsclient.Config{Endpoint: ts.endpoint, Region: "us-east-1",
		Credentials: sigv4.Credentials{AccessKeyID: testRootKey, SecretAccessKey: testRootSecret}}, 2)
	ops := bench.Ops(client)
	for _, name := range bench.OpNames(ops) {
		if name == "sqs-get-queue-url" {
			continue
		}
		r, err := bench.Run(context.Background(), ops[name], bench.Options{Concurrency: 2, Duration: 5 * time.Second, MaxRequests: 40})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if r.Requests != 40 || r.Errors != 0 {
			t.Fatalf("%s: %+v", name, r)
		}
	}
	roles, err := ts.iam(ts.root).ListRoles(context.Background(), &awsiam.ListRolesInput{})
	if err != nil || len(roles.Roles) != 0 {
		t.Fatalf("roles left behind: %v %v", roles, err)
	}
}
