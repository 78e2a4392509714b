package cli

import (
	"errors"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/iamd-dev/iamd/internal/policygen"
)

// policyGenerate prints the identity policy that grants exactly what a principal's allowed
// calls in the audit log used; what it leaves out goes to standard error.
func policyGenerate(args []string, env Env, now time.Time) int {
	const name = "iamd policy generate"
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	principalARN := fs.String("principal", "", "the user, role or role session whose calls to grant (a role's sessions all count)")
	since := fs.String("since", "", "only calls since then: a duration back from now (24h, 7d) or a time (RFC3339, or YYYY-MM-DD); default all")
	audit := auditFlag(fs)
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(env.Stderr, "%s: unexpected %q\n", name, fs.Arg(0))
		return 2
	}
	if *principalARN == "" {
		fmt.Fprintf(env.Stderr, "%s: --principal ARN is required\n", name)
		return 2
	}
	principal, err := policygen.ParsePrincipal(*principalARN)
	if err != nil {
		fmt.Fprintf(env.Stderr, "%s: %v\n", name, err)
		return 2
	}
	from, err := parseSince(*since, now)
	if err != nil {
		fmt.Fprintf(env.Stderr, "%s: --since: %v\n", name, err)
		return 2
	}
	in, err := openAudit(*audit, env.Stdin)
	if err != nil {
		fmt.Fprintf(env.Stderr, "%s: %v\n", name, err)
		return 2
	}
	defer in.Close()
	g, err := policygen.Generate(in, policygen.Options{Principal: principal, Since: from})
	if g != nil {
		for _, l := range g.Left {
			fmt.Fprintf(env.Stderr, "%s: not granted: %s (%d calls): %s\n", name, l.Action, l.Calls, l.Why)
		}
	}
	if errors.Is(err, policygen.ErrNoCalls) {
		fmt.Fprintf(env.Stderr, "%s: %s made no allowed call to grant in the audit log%s\n", name, principal.ARN, sinceWords(from))
		return 1
	}
	if err != nil {
		fmt.Fprintf(env.Stderr, "%s: %v\n", name, err)
		return 1
	}
	env.Stdout.Write(g.Policy.JSON())
	return 0
}

// parseSince reads --since: "" for the beginning, a duration back from now (Go's syntax,
// or a whole number of days such as 7d), an RFC 3339 time or a date (midnight UTC).
func parseSince(s string, now time.Time) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if days, ok := strings.CutSuffix(s, "d"); ok {
		if n, err := strconv.Atoi(days); err == nil && n >= 0 {
			return now.AddDate(0, 0, -n), nil
		}
	}
	if d, err := time.ParseDuration(s); err == nil && d >= 0 {
		return now.Add(-d), nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("%q is neither a duration (24h, 7d), an RFC 3339 time nor a date (YYYY-MM-DD)", s)
}

// sinceWords is " since T" for a start time, "" for none.
func sinceWords(from time.Time) string {
	if from.IsZero() {
		return ""
	}
	return " since " + from.UTC().Format(time.RFC3339)
}
