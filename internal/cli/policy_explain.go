package cli

import (
	"errors"
	"flag"
	"fmt"

	"github.com/iamd-dev/iamd/internal/policygen"
)

// policyExplain prints what became of a recorded call and, for a denial, why.
func policyExplain(args []string, env Env) int {
	const name = "iamd policy explain"
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	audit := auditFlag(fs)
	ids, err := parseInterspersed(fs, args)
	if err != nil {
		return 2
	}
	if len(ids) != 1 {
		fmt.Fprintf(env.Stderr, "usage: %s REQUEST_ID [--audit FILE]\n", name)
		return 2
	}
	in, err := openAudit(*audit, env.Stdin)
	if err != nil {
		fmt.Fprintf(env.Stderr, "%s: %v\n", name, err)
		return 2
	}
	defer in.Close()
	rec, err := policygen.Find(in, ids[0])
	if errors.Is(err, policygen.ErrNotFound) {
		fmt.Fprintf(env.Stderr, "%s: no call in the audit log has the request id %s\n", name, ids[0])
		return 1
	}
	if err != nil {
		fmt.Fprintf(env.Stderr, "%s: %v\n", name, err)
		return 1
	}
	fmt.Fprint(env.Stdout, policygen.Explain(rec))
	return 0
}
