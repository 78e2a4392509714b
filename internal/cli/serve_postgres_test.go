package cli

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/iamd-dev/iamd/internal/store/pgtest"
)

// TestServeReplicasOnPostgres runs two `iamd serve --store postgres://...` with the same
// master key and data directories of their own: a secret made through one reads back
// through the other, and each says it is a replica.
func TestServeReplicasOnPostgres(t *testing.T) {
	url := pgtest.Own(t).NewDatabase(t)
	_, key := newMasterKey(t)
	endpointA, stopA := serveOn(t, t.TempDir(), "127.0.0.1", "--store", url, "--master-key", key)
	endpointB, stopB := serveOn(t, t.TempDir(), "127.0.0.1", "--store", url, "--master-key", key)
	cfg, err := config.LoadDefaultConfig(context.Background(), config.WithRegion("us-east-1"), config.WithRetryMaxAttempts(1))
	if err != nil {
		t.Fatal(err)
	}
	at := func(endpoint string) *secretsmanager.Client {
		return secretsmanager.NewFromConfig(cfg, func(o *secretsmanager.Options) { o.BaseEndpoint = aws.String(endpoint) })
	}
	ctx := context.Background()
	if _, err := at(endpointA).CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String("db"), SecretString: aws.String("replicated-value")}); err != nil {
		t.Fatal(err)
	}
	out, err := at(endpointB).GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String("db")})
	if err != nil || aws.ToString(out.SecretString) != "replicated-value" {
		t.Fatalf("GetSecretValue through B = %v, %v, want the value stored through A", out, err)
	}
	for name, stop := range map[string]func() string{"A": stopA, "B": stopB} {
		logs := stop()
		if !strings.Contains(logs, "on PostgreSQL") || strings.Contains(logs, url) {
			t.Errorf("%s's standard error does not say it is a replica on PostgreSQL, or shows the store URL:\n%s", name, logs)
		}
	}
}

// TestServeStoreUnreachable checks that serve stops with a clear error when the PostgreSQL
// server cannot be reached, without the URL's password.
func TestServeStoreUnreachable(t *testing.T) {
	r := run(t, "", "serve", "--addr", "127.0.0.1:0", "--data", t.TempDir(), "--audit", "",
		"--store", "postgres://iamd:hunter2-pw@127.0.0.1:1/iamd?sslmode=disable&connect_timeout=2").want(t, 1)
	if !strings.Contains(r.stderr, "cannot reach the database server at 127.0.0.1:1") || strings.Contains(r.stderr, "hunter2-pw") {
		t.Errorf("stderr = %q, want cannot reach, without the password", r.stderr)
	}
	r = run(t, "", "serve", "--addr", "127.0.0.1:0", "--data", t.TempDir(), "--audit", "", "--store", "mysql://x").want(t, 1)
	if !strings.Contains(r.stderr, "postgres://") {
		t.Errorf("stderr = %q, want the kinds of store accepted", r.stderr)
	}
}

// TestBackupRefusesPostgres checks that `iamd backup` refuses a PostgreSQL store, naming
// pg_dump, from the flag and from IAMD_STORE.
func TestBackupRefusesPostgres(t *testing.T) {
	r := run(t, "", "backup", t.TempDir()+"/copy.db", "--store", "postgres://iamd@127.0.0.1/iamd").want(t, 2)
	if !strings.Contains(r.stderr, "pg_dump") {
		t.Errorf("stderr = %q, want pg_dump named", r.stderr)
	}
	t.Setenv("IAMD_STORE", "postgresql://iamd@127.0.0.1/iamd")
	r = run(t, "", "backup", t.TempDir()+"/copy.db").want(t, 2)
	if !strings.Contains(r.stderr, "pg_dump") {
		t.Errorf("stderr = %q, want pg_dump named", r.stderr)
	}
}
