package cli

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/iamd-dev/iamd/internal/awsclient"
	"github.com/iamd-dev/iamd/internal/bench"
)

// benchServer starts an iamd of the bench's own and points the aws CLI's environment at it.
func benchServer(t *testing.T) awsclient.Config {
	t.Helper()
	canned, err := bench.StartCanned()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { canned.Close() })
	cfg, stop, err := startBenchServer(context.Background(), canned.URL, false)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	t.Setenv("AWS_ENDPOINT_URL", cfg.Endpoint)
	t.Setenv("AWS_ACCESS_KEY_ID", cfg.Credentials.AccessKeyID)
	t.Setenv("AWS_SECRET_ACCESS_KEY", cfg.Credentials.SecretAccessKey)
	t.Setenv("AWS_SESSION_TOKEN", "")
	t.Setenv("AWS_PROFILE", "iamd-bench-none")
	return cfg
}

// roleNames lists the account's roles in one call.
func roleNames(t *testing.T, c *awsclient.Client) []string {
	t.Helper()
	body, err := c.Query(context.Background(), "iam", url.Values{"Action": {"ListRoles"}, "Version": {"2010-05-08"}, "MaxItems": {"1000"}})
	if err != nil {
		t.Fatal(err)
	}
	var out struct {
		Names []string `xml:"ListRolesResult>Roles>member>RoleName"`
	}
	if err := xml.Unmarshal(body, &out); err != nil {
		t.Fatal(err)
	}
	return out.Names
}

func TestBenchFill(t *testing.T) {
	cfg := benchServer(t)
	c := awsclient.New(cfg, 1)
	r := run(t, "", "bench", "fill", "--roles", "7", "--concurrency", "3", "--json").want(t, 0)
	var out struct {
		Made, Roles    int
		RolesPerSecond float64
	}
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatalf("%v\n%s", err, r.stdout)
	}
	if out.Made != 7 || out.Roles != 7 || out.RolesPerSecond <= 0 {
		t.Fatalf("report:\n%s", r.stdout)
	}
	names := roleNames(t, c)
	if len(names) != 7 || names[0] != "iamd-fill-0000000" || names[6] != "iamd-fill-0000006" {
		t.Fatalf("roles %v", names)
	}
	// Each with its inline policy.
	for _, n := range names {
		body, err := c.Query(context.Background(), "iam", url.Values{"Action": {"GetRolePolicy"}, "Version": {"2010-05-08"}, "RoleName": {n}, "PolicyName": {"fill"}})
		if err != nil || !strings.Contains(string(body), "iamd-fill-") {
			t.Fatalf("policy of %s: %v %s", n, err, body)
		}
	}
	// Run again over more: the roles made are kept, the rest made.
	r = run(t, "", "bench", "fill", "--roles", "9").want(t, 0)
	if !strings.Contains(r.stdout, "9 of 9 roles") {
		t.Fatalf("text report:\n%s", r.stdout)
	}
	if names := roleNames(t, c); len(names) != 9 {
		t.Fatalf("roles %v", names)
	}
	// Bounded in count.
	run(t, "", "bench", "fill", "--roles", "0").want(t, 2)
	run(t, "", "bench", "fill", "--roles", "10000001").want(t, 2)
	run(t, "", "bench", "fill", "--roles", "5", "--duration", "25h").want(t, 2)
}

func TestBenchPagesThroughEveryPage(t *testing.T) {
	cfg := benchServer(t)
	run(t, "", "bench", "fill", "--roles", "5", "--prefix", "p").want(t, 0)
	c := awsclient.New(cfg, 2)
	r, err := bench.Run(context.Background(), bench.Pages(c, "ListRoles", 2, nil), bench.Options{Concurrency: 2, Duration: 10 * time.Second, MaxRequests: 4})
	if err != nil {
		t.Fatal(err)
	}
	st, ok := r.Details.(bench.PageStats)
	if r.Errors != 0 || !ok || st.Passes != 4 || st.PagesPerPass != 3 || st.Pages != 12 || st.DeepestPage != 3 || len(st.ByDepthMs) != 3 {
		t.Fatalf("report %+v", r)
	}
	// The ops of the CLI, through it: the bench's own role is the sixth.
	for _, op := range []string{"list-roles-all", "get-account-authorization-details"} {
		out := run(t, "", "bench", "--op", op, "--requests", "3", "--duration", "10s", "--json").want(t, 0)
		var rep struct {
			Requests int
			Details  bench.PageStats
		}
		if err := json.Unmarshal([]byte(out.stdout), &rep); err != nil {
			t.Fatalf("%v\n%s", err, out.stdout)
		}
		if rep.Requests != 3 || rep.Details.Passes != 3 || rep.Details.PagesPerPass != 1 {
			t.Fatalf("%s:\n%s", op, out.stdout)
		}
	}
	if names := roleNames(t, c); len(names) != 5 {
		t.Fatalf("the bench left roles behind: %v", names)
	}
}

func TestBenchMixed(t *testing.T) {
	cfg := benchServer(t)
	out := run(t, "", "bench", "--op", "mixed", "--requests", "60", "--concurrency", "3", "--duration", "20s", "--json").want(t, 0)
	var rep struct {
		Requests, Errors int
		Details          bench.MixStats
	}
	if err := json.Unmarshal([]byte(out.stdout), &rep); err != nil {
		t.Fatalf("%v\n%s", err, out.stdout)
	}
	d := rep.Details
	if rep.Requests != 60 || rep.Errors != 0 || d.GetRole+d.AssumeRole+d.PutRolePolicy+d.TagRole != 60 ||
		d.PutRolePolicy == 0 || d.TagRole == 0 || d.GetRole+d.AssumeRole < 50 {
		t.Fatalf("report:\n%s", out.stdout)
	}
	if names := roleNames(t, awsclient.New(cfg, 1)); len(names) != 0 {
		t.Fatalf("the bench left roles behind: %v", names)
	}
}

func TestBenchUnderWrites(t *testing.T) {
	cfg := benchServer(t)
	out := run(t, "", "bench", "--op", "get-role", "--writes-per-second", "40", "--duration", "1s", "--concurrency", "2", "--json").want(t, 0)
	var rep bench.UnderWrites
	if err := json.Unmarshal([]byte(out.stdout), &rep); err != nil {
		t.Fatalf("%v\n%s", err, out.stdout)
	}
	// Paced at 40/s for a second: some writes, and never more than the pace allows.
	if rep.Alone.Requests == 0 || rep.Beside.Requests == 0 || rep.Writes.Requests == 0 || rep.Writes.Requests > 41 ||
		rep.Writes.Errors != 0 || rep.WritesPerSecond != 40 || rep.RateRatio <= 0 {
		t.Fatalf("report:\n%s", out.stdout)
	}
	if names := roleNames(t, awsclient.New(cfg, 1)); len(names) != 0 {
		t.Fatalf("the bench left roles behind: %v", names)
	}
	run(t, "", "bench", "--op", "get-role", "--writes-per-second", "-1").want(t, 2)
}
