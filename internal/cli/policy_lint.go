package cli

import (
	"encoding/json"
	"flag"
	"fmt"

	"github.com/iamd-dev/iamd/internal/lint"
	"github.com/iamd-dev/iamd/internal/policy"
)

// policyLint prints the linter's findings for each file: one line each, or JSON with
// --json. It exits 1 when any finding is an ERROR or a SECURITY_WARNING.
func policyLint(args []string, env Env) int {
	fs := flag.NewFlagSet("iamd policy lint", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	kindName := fs.String("type", "auto", "the policy's kind: identity, resource, trust, boundary, scp, rcp or session; auto guesses identity, trust or resource from each document's principals and actions")
	account := fs.String("account", "", "the account the policy belongs to (tells its own principals from other accounts')")
	asJSON := fs.Bool("json", false, "print the findings as JSON (an object of file name to findings)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	auto := *kindName == "auto"
	kind, err := policy.ParseKind(*kindName)
	if err != nil && !auto {
		fmt.Fprintln(env.Stderr, "iamd policy lint:", err)
		return 2
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(env.Stderr, "iamd policy lint: name at least one FILE (or - for standard input)")
		return 2
	}
	blocking := false
	all := map[string][]lint.Finding{}
	for _, name := range fs.Args() {
		data, err := readInput(name, env.Stdin)
		if err != nil {
			fmt.Fprintln(env.Stderr, "iamd policy lint:", err)
			return 2
		}
		k := kind
		if auto {
			k = lint.GuessKind(data)
		}
		findings := lint.Lint(data, lint.Options{Kind: k, Account: *account})
		blocking = blocking || lint.Blocking(findings)
		if *asJSON {
			all[name] = findings
			continue
		}
		if len(findings) == 0 {
			fmt.Fprintf(env.Stdout, "%s: ok\n", name)
		}
		for _, f := range findings {
			pos := f.Locations[0].Span.Start
			fmt.Fprintf(env.Stdout, "%s:%d:%d: %s %s: %s\n    fix: %s\n", name, pos.Line, pos.Column, f.FindingType, f.IssueCode, f.FindingDetails, f.Fix)
		}
	}
	if *asJSON {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(all); err != nil {
			fmt.Fprintln(env.Stderr, "iamd policy lint:", err)
			return 2
		}
	}
	if blocking {
		return 1
	}
	return 0
}
