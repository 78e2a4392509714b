//go:build unix

package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/iamd-dev/iamd/internal/store/pgtest"
)

// TestHelperServeProcess is `iamd serve` in a process of its own, for the tests that kill
// one: the arguments come as JSON in IAMD_TEST_SERVE_ARGS.
func TestHelperServeProcess(t *testing.T) {
	raw := os.Getenv("IAMD_TEST_SERVE_ARGS")
	if raw == "" {
		t.Skip("runs only as the child process of a replica test")
	}
	var args []string
	if err := json.Unmarshal([]byte(raw), &args); err != nil {
		t.Fatal(err)
	}
	os.Exit(Main(context.Background(), args, Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr}))
}

// replicaProcess is one `iamd serve` on PostgreSQL in a child process.
type replicaProcess struct {
	endpoint string
	cmd      *exec.Cmd
	stderr   *lockedBuilder
}

// startReplicaProcess starts `iamd serve --store url` in a child process with a data
// directory of its own and waits until it answers.
func startReplicaProcess(t *testing.T, url, masterKey string) *replicaProcess {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	args, _ := json.Marshal([]string{"serve", "--addr", addr, "--data", t.TempDir(), "--audit", "", "--store", url, "--master-key", masterKey})
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperServeProcess$")
	cmd.Env = append(os.Environ(), "IAMD_TEST_SERVE_ARGS="+string(args),
		"IAMD_ROOT_ACCESS_KEY_ID=AKIACLITESTROOT00001", "IAMD_ROOT_SECRET_ACCESS_KEY=cli-test-root-secret-000000000000000000")
	r := &replicaProcess{endpoint: "http://" + addr, cmd: cmd, stderr: &lockedBuilder{}}
	cmd.Stderr = r.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	for i := 0; ; i++ {
		resp, err := http.Get(r.endpoint + "/healthz")
		if err == nil {
			resp.Body.Close()
			return r
		}
		if i > 200 {
			t.Fatalf("the replica did not start: %v\n%s", err, r.stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// kill ends the replica with SIGKILL: no shutdown, no flush, its connections cut.
func (r *replicaProcess) kill(t *testing.T) {
	t.Helper()
	if err := r.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	r.cmd.Wait()
}

func (r *replicaProcess) iam(t *testing.T) *iam.Client {
	t.Helper()
	cfg, err := config.LoadDefaultConfig(context.Background(), config.WithRegion("us-east-1"), config.WithRetryMaxAttempts(1),
		config.WithCredentialsProvider(aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: "AKIACLITESTROOT00001", SecretAccessKey: "cli-test-root-secret-000000000000000000"}, nil
		})))
	if err != nil {
		t.Fatal(err)
	}
	return iam.NewFromConfig(cfg, func(o *iam.Options) { o.BaseEndpoint = aws.String(r.endpoint) })
}

// TestReplicaKilledUnderLoadLosesNothing runs two replicas on one PostgreSQL database and
// writes through both; one is killed with SIGKILL in the middle of the load. The other
// answers every call before and after, and every write either replica acknowledged, the
// killed one's last ones included, is there afterwards.
func TestReplicaKilledUnderLoadLosesNothing(t *testing.T) {
	url := pgtest.Own(t).NewDatabase(t)
	_, key := newMasterKey(t)
	a := startReplicaProcess(t, url, key)
	b := startReplicaProcess(t, url, key)
	clientA, clientB := a.iam(t), b.iam(t)

	const workers, perWorker = 4, 300
	deadline := time.Now().Add(30 * time.Second)
	var (
		mu            sync.Mutex
		acked         []string
		ackedByA      int
		ackedAfterBy  int // by B after A was killed
		bFailures     []error
		killed        = make(chan struct{})
		killedAt      time.Time
		ackedBeforeBy = map[bool]int{}
	)
	ctx := context.Background()
	trust := backupTrust
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			onA := w%2 == 0
			for i := 0; i < perWorker && time.Now().Before(deadline); i++ {
				select {
				case <-killed:
					if onA {
						onA = false // A's clients move to the replica still up
					}
					mu.Lock()
					done := time.Since(killedAt) > 2*time.Second
					mu.Unlock()
					if done {
						return
					}
				default:
				}
				client := clientB
				if onA {
					client = clientA
				}
				name := fmt.Sprintf("load-%d-%d", w, i)
				_, err := client.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(trust)})
				mu.Lock()
				switch {
				case err == nil:
					acked = append(acked, name)
					if onA {
						ackedByA++
					}
					select {
					case <-killed:
						if !onA {
							ackedAfterBy++
						}
					default:
						ackedBeforeBy[onA]++
					}
				case !onA:
					bFailures = append(bFailures, fmt.Errorf("%s: %w", name, err))
				}
				mu.Unlock()
			}
		}(w)
	}
	// Kill A once both replicas have acknowledged writes.
	for time.Now().Before(deadline) {
		mu.Lock()
		ready := ackedBeforeBy[true] >= 40 && ackedBeforeBy[false] >= 40
		mu.Unlock()
		if ready {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	a.kill(t)
	mu.Lock()
	killedAt = time.Now()
	mu.Unlock()
	close(killed)
	wg.Wait()

	if ackedByA == 0 || ackedAfterBy == 0 {
		t.Fatalf("the load did not reach both sides of the kill: %d writes acknowledged by A, %d by B after the kill", ackedByA, ackedAfterBy)
	}
	if len(bFailures) > 0 {
		t.Errorf("the replica still up failed %d calls, the first: %v", len(bFailures), bFailures[0])
	}
	// Every acknowledged role is there, read through the surviving replica.
	var missing []string
	for _, name := range acked {
		if _, err := clientB.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(name)}); err != nil {
			var nf interface{ ErrorCode() string }
			if errors.As(err, &nf) && nf.ErrorCode() == "NoSuchEntity" {
				missing = append(missing, name)
				continue
			}
			t.Fatalf("GetRole %s through B: %v", name, err)
		}
	}
	if len(missing) > 0 {
		t.Fatalf("%d of %d acknowledged roles are missing after A's SIGKILL, e.g. %s", len(missing), len(acked), strings.Join(missing[:min(5, len(missing))], ", "))
	}
	// A replica started again on the same database serves them too.
	c := startReplicaProcess(t, url, key)
	if _, err := c.iam(t).GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(acked[len(acked)-1])}); err != nil {
		t.Errorf("a new replica does not find the last acknowledged role: %v", err)
	}
	t.Logf("%d writes acknowledged (%d by A before its SIGKILL, %d by B after it), none lost", len(acked), ackedByA, ackedAfterBy)
}
