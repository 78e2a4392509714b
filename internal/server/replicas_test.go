package server

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsec2 "github.com/aws/aws-sdk-go-v2/service/ec2"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	awssts "github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/iamd-dev/iamd/internal/store/pgtest"
	"github.com/jackc/pgx/v5"
)

// TestReplicas runs servers on PostgreSQL, one cluster for all the subtests, each on a new
// database of its own.
func TestReplicas(t *testing.T) {
	c := pgtest.Own(t)
	for _, tc := range []struct {
		name string
		fn   func(t *testing.T, c *pgtest.Cluster)
	}{
		{"PolicyChangeDecidesNextCall", testReplicasPolicyChangeDecidesNextCall},
		{"InstancesBelongToTheirRunner", testReplicasInstancesBelongToTheirRunner},
		{"TaskStoppedElsewhere", testReplicasTaskStoppedElsewhere},
		{"RoleSessionEverywhere", testReplicasRoleSessionEverywhere},
		{"RefuseWhenCannotCatchUp", testReplicaRefusesWhenItCannotCatchUp},
		{"RefuseAnotherMasterKey", testReplicaRefusesAnotherMasterKey},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, c) })
	}
}

// startReplicas runs n servers, each with a data directory of its own, on one new PostgreSQL
// database of the cluster, all with the same master key.
func startReplicas(t *testing.T, c *pgtest.Cluster, n int) []*testServer {
	t.Helper()
	url := c.NewDatabase(t)
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	shared := func(c *Config) { c.Store, c.MasterKey = url, base64.StdEncoding.EncodeToString(key) }
	out := make([]*testServer, n)
	for i := range out {
		out[i] = startServerAt(t, "", time.Now, shared)
		if out[i].srv.ReplicaID() == "" {
			t.Fatal("a server on PostgreSQL has no replica id")
		}
	}
	return out
}

// testReplicasPolicyChangeDecidesNextCall changes a user's policies through server A and
// checks that the very next call through server B, which has the user's compiled policies
// cached, is decided by the change: a Deny added, then taken away, again and again.
func testReplicasPolicyChangeDecidesNextCall(t *testing.T, c *pgtest.Cluster) {
	rs := startReplicas(t, c, 2)
	a, b := rs[0], rs[1]
	ctx := context.Background()
	adminA := a.iam(a.root)
	mustDo(t, func() error {
		_, err := adminA.CreateUser(ctx, &awsiam.CreateUserInput{UserName: aws.String("alice")})
		return err
	})
	mustDo(t, func() error {
		_, err := adminA.PutUserPolicy(ctx, &awsiam.PutUserPolicyInput{UserName: aws.String("alice"), PolicyName: aws.String("allow"),
			PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListUsers","Resource":"*"}]}`)})
		return err
	})
	out, err := adminA.CreateAccessKey(ctx, &awsiam.CreateAccessKeyInput{UserName: aws.String("alice")})
	if err != nil {
		t.Fatal(err)
	}
	alice := aws.Credentials{AccessKeyID: aws.ToString(out.AccessKey.AccessKeyId), SecretAccessKey: aws.ToString(out.AccessKey.SecretAccessKey)}
	aliceB := b.iam(alice)
	if _, err := aliceB.ListUsers(ctx, &awsiam.ListUsersInput{}); err != nil {
		t.Fatalf("alice's first call through B (her key made through A): %v", err)
	}
	const deny = `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:ListUsers","Resource":"*"}]}`
	for round := range 8 {
		if _, err := aliceB.ListUsers(ctx, &awsiam.ListUsersInput{}); err != nil {
			t.Fatalf("round %d: alice's call through B before the Deny: %v", round, err)
		}
		mustDo(t, func() error {
			_, err := adminA.PutUserPolicy(ctx, &awsiam.PutUserPolicyInput{UserName: aws.String("alice"), PolicyName: aws.String("deny"), PolicyDocument: aws.String(deny)})
			return err
		})
		_, err := aliceB.ListUsers(ctx, &awsiam.ListUsersInput{})
		if err == nil {
			t.Fatalf("round %d: the call through B right after A added a Deny was allowed", round)
		}
		apiError(t, err, "AccessDenied")
		mustDo(t, func() error {
			_, err := adminA.DeleteUserPolicy(ctx, &awsiam.DeleteUserPolicyInput{UserName: aws.String("alice"), PolicyName: aws.String("deny")})
			return err
		})
	}
	// A key deleted through B no longer signs calls through A.
	mustDo(t, func() error {
		_, err := b.iam(b.root).DeleteAccessKey(ctx, &awsiam.DeleteAccessKeyInput{UserName: aws.String("alice"), AccessKeyId: aws.String(alice.AccessKeyID)})
		return err
	})
	_, err = a.iam(alice).ListUsers(ctx, &awsiam.ListUsersInput{})
	apiError(t, err, "InvalidClientTokenId")
}

// testReplicasInstancesBelongToTheirRunner launches an instance through A: A serves its
// metadata, B does not (not even after a restart, which starts only its own instances), the
// store tells which replica runs it, and terminating it through B closes A's endpoint.
func testReplicasInstancesBelongToTheirRunner(t *testing.T, c *pgtest.Cluster) {
	rs := startReplicas(t, c, 2)
	a, b := rs[0], rs[1]
	ctx := context.Background()
	inst := launch(t, a, "")
	id := aws.ToString(inst.InstanceId)
	if _, ok := a.srv.imds.Endpoint(id); !ok {
		t.Fatal("A, which launched the instance, serves no metadata endpoint for it")
	}
	if _, ok := b.srv.imds.Endpoint(id); ok {
		t.Fatal("B serves a metadata endpoint for A's instance")
	}
	// B restarted on its data directory starts only its own instances.
	b.stop()
	b = startServerAt(t, b.dir, time.Now, func(c *Config) { c.Store, c.MasterKey = a.srv.cfg.Store, a.srv.cfg.MasterKey })
	if _, ok := b.srv.imds.Endpoint(id); ok {
		t.Fatal("B, restarted, serves a metadata endpoint for A's instance")
	}
	runner, endpoint, ok, err := b.srv.InstanceReplica(ctx, id)
	want, _ := a.srv.imds.Endpoint(id)
	if err != nil || !ok || runner != a.srv.ReplicaID() || endpoint != want {
		t.Fatalf("InstanceReplica = %q %q %v %v, want A's %q %q", runner, endpoint, ok, err, a.srv.ReplicaID(), want)
	}
	// iamd's own API on B names the replica that serves the instance's metadata.
	_, err = b.adminCall(b.root, url.Values{"Action": {"GetInstanceMetadataEndpoint"}, "InstanceId": {id}})
	wantAdminError(t, err, 400, "IncorrectInstanceState",
		"The instance '"+id+"' runs on the iamd replica "+a.srv.ReplicaID()+": its instance metadata endpoint is served there.")
	if _, err := a.adminCall(a.root, url.Values{"Action": {"GetInstanceMetadataEndpoint"}, "InstanceId": {id}}); err != nil {
		t.Errorf("GetInstanceMetadataEndpoint through A, which runs it: %v", err)
	}
	if _, err := b.ec2(b.root).TerminateInstances(ctx, &awsec2.TerminateInstancesInput{InstanceIds: []string{id}}); err != nil {
		t.Fatal(err)
	}
	// A learns of it when woken, or at its next call at the latest.
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, ok := a.srv.imds.Endpoint(id); !ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("A still serves the metadata of %s, terminated through B, after 10s", id)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// testReplicasTaskStoppedElsewhere runs a task through A and reads its credentials there
// (A then keeps it in memory), stops it through B, and checks that A's very next read of its
// credentials is refused.
func testReplicasTaskStoppedElsewhere(t *testing.T, c *pgtest.Cluster) {
	rs := startReplicas(t, c, 2)
	a, b := rs[0], rs[1]
	launcher := taskRoles(t, a)
	task, err := a.runTask(launcher, taskRoleARN, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := containerCreds(task.FullURI, task.Token); err != nil {
		t.Fatalf("the task's credentials from A, which ran it: %v", err)
	}
	if err := b.stopTask(launcher, task.TaskID); err != nil {
		t.Fatalf("StopTask through B: %v", err)
	}
	if creds, err := containerCreds(task.FullURI, task.Token); err == nil {
		t.Fatalf("A served the credentials of a task stopped through B: %s", creds.AccessKeyID)
	}
}

// testReplicasRoleSessionEverywhere assumes a role through A and calls B with the session: the
// session token, sealed under the shared master key, opens on every replica.
func testReplicasRoleSessionEverywhere(t *testing.T, c *pgtest.Cluster) {
	rs := startReplicas(t, c, 2)
	a, b := rs[0], rs[1]
	ctx := context.Background()
	mustDo(t, func() error {
		_, err := a.iam(a.root).CreateRole(ctx, &awsiam.CreateRoleInput{RoleName: aws.String("ops"),
			AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]}`)})
		return err
	})
	out, err := a.sts(a.root).AssumeRole(ctx, &awssts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::123456789012:role/ops"), RoleSessionName: aws.String("ops-session")})
	if err != nil {
		t.Fatal(err)
	}
	sess := aws.Credentials{AccessKeyID: aws.ToString(out.Credentials.AccessKeyId), SecretAccessKey: aws.ToString(out.Credentials.SecretAccessKey), SessionToken: aws.ToString(out.Credentials.SessionToken)}
	id, err := b.sts(sess).GetCallerIdentity(ctx, &awssts.GetCallerIdentityInput{})
	if err != nil || !strings.HasSuffix(aws.ToString(id.Arn), ":assumed-role/ops/ops-session") {
		t.Fatalf("GetCallerIdentity through B with A's session = %v, %v", id, err)
	}
}

// testReplicaRefusesWhenItCannotCatchUp makes the change feed unreadable: a replica that
// cannot tell whether others changed policies answers ServiceUnavailable rather than decide
// on what it has, and serves again once the feed is back.
func testReplicaRefusesWhenItCannotCatchUp(t *testing.T, c *pgtest.Cluster) {
	rs := startReplicas(t, c, 1)
	ts := rs[0]
	ctx := context.Background()
	db, err := pgx.Connect(ctx, ts.srv.cfg.Store)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close(ctx)
	if _, err := ts.sts(ts.root).GetCallerIdentity(ctx, &awssts.GetCallerIdentityInput{}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(ctx, "ALTER TABLE changes RENAME TO changes_away"); err != nil {
		t.Fatal(err)
	}
	_, err = ts.sts(ts.root).GetCallerIdentity(ctx, &awssts.GetCallerIdentityInput{})
	if ae := apiError(t, err, "ServiceUnavailable"); httpStatus(err) != 503 {
		t.Errorf("status %d (%s), want 503", httpStatus(err), ae.ErrorMessage())
	}
	if _, err := db.Exec(ctx, "ALTER TABLE changes_away RENAME TO changes"); err != nil {
		t.Fatal(err)
	}
	if _, err := ts.sts(ts.root).GetCallerIdentity(ctx, &awssts.GetCallerIdentityInput{}); err != nil {
		t.Fatalf("after the feed is back: %v", err)
	}
}

// testReplicaRefusesAnotherMasterKey starts a replica with a master key of its own on a
// database the others seal under another: it refuses to start, naming the key the data is
// sealed under (the store records the key ids, secretbox.CheckStore).
func testReplicaRefusesAnotherMasterKey(t *testing.T, c *pgtest.Cluster) {
	a := startReplicas(t, c, 1)[0]
	other := make([]byte, 32)
	_, _ = rand.Read(other)
	_, err := New(context.Background(), Config{Addr: "127.0.0.1:0", DataDir: t.TempDir(), Store: a.srv.cfg.Store,
		MasterKey: base64.StdEncoding.EncodeToString(other), RootAccessKeyID: testRootKey, RootSecretAccessKey: testRootSecret})
	if err == nil || !strings.Contains(err.Error(), "sealed under the master key of id") {
		t.Fatalf("New with another master key = %v, want a refusal", err)
	}
	// Nor does one without --master-key, which would make its own in DATA.
	_, err = New(context.Background(), Config{Addr: "127.0.0.1:0", DataDir: t.TempDir(), Store: a.srv.cfg.Store, RootAccessKeyID: testRootKey, RootSecretAccessKey: testRootSecret})
	if err == nil || !strings.Contains(err.Error(), "sealed under the master key of id") {
		t.Fatalf("New with a key of its own in DATA = %v, want a refusal", err)
	}
}
