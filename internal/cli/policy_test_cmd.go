package cli

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/iamd-dev/iamd/internal/evalreq"
)

// `iamd policy test` runs files of named cases, each an evaluation request with the decision
// it must get, and reports like `go test`: a line per failing case, a summary, an exit code
// for CI. The file format is documented in docs/POLICY-TEST.md.

const policyTestUsage = `Usage: iamd policy test [-v] [-run REGEXP] FILE|DIR...
  Runs the cases of each test file (a directory: every *.test.json below it) and prints a
  line per failing case, then "N passed, M failed". Exits 0 when every case passes, 1 when
  one fails, 2 when a file cannot be read or is not a valid test file.
  See docs/POLICY-TEST.md for the format.
`

var (
	testDecisions = []string{"allowed", "explicitDeny", "implicitDeny"}
	testLayers    = []string{"identity", "resource", "boundary", "session", "scp", "rcp"}
)

func policyTest(args []string, env Env) int {
	fset := flag.NewFlagSet("iamd policy test", flag.ContinueOnError)
	fset.SetOutput(env.Stderr)
	fset.Usage = func() { fmt.Fprint(env.Stderr, policyTestUsage) }
	verbose := fset.Bool("v", false, "print passing cases too")
	run := fset.String("run", "", "run only the cases whose name matches this regular expression")
	// Flags may come before or after the files.
	var names []string
	for rest := args; ; {
		if err := fset.Parse(rest); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return 0
			}
			return 2
		}
		rest = fset.Args()
		if len(rest) == 0 {
			break
		}
		names, rest = append(names, rest[0]), rest[1:]
	}
	if len(names) == 0 {
		fmt.Fprint(env.Stderr, policyTestUsage)
		return 2
	}
	var filter *regexp.Regexp
	if *run != "" {
		var err error
		if filter, err = regexp.Compile(*run); err != nil {
			fmt.Fprintln(env.Stderr, "iamd policy test: -run:", err)
			return 2
		}
	}

	files, errs := expandTestFiles(names)
	for _, err := range errs {
		fmt.Fprintln(env.Stderr, "iamd policy test:", err)
	}
	passed, failed, fileErrors := 0, 0, len(errs)
	for _, name := range files {
		desc, cases, err := loadTestFile(name)
		if err != nil {
			fileErrors++
			fmt.Fprintf(env.Stderr, "iamd policy test: %s: %v\n", name, err)
			continue
		}
		if *verbose {
			if desc != "" {
				desc = ": " + desc
			}
			fmt.Fprintf(env.Stdout, "=== %s%s\n", name, desc)
		}
		for i := range cases {
			c := &cases[i]
			if filter != nil && !filter.MatchString(c.Name) {
				continue
			}
			ok, report := runTestCase(c)
			if ok {
				passed++
				if *verbose {
					fmt.Fprintf(env.Stdout, "--- PASS: %s:%d: %s: %s\n", name, c.line, c.Name, report)
				}
				continue
			}
			failed++
			fmt.Fprintf(env.Stdout, "--- FAIL: %s:%d: %s: %s\n", name, c.line, c.Name, report)
		}
	}
	fmt.Fprintf(env.Stdout, "%d passed, %d failed\n", passed, failed)
	switch {
	case fileErrors > 0:
		return 2
	case failed > 0:
		return 1
	}
	return 0
}

// expandTestFiles replaces each directory by the *.test.json files below it, in order. A
// name that is not a directory is kept, to be read (or to fail) as a test file.
func expandTestFiles(names []string) (files []string, errs []error) {
	for _, name := range names {
		info, err := os.Stat(name)
		if err != nil || !info.IsDir() {
			files = append(files, name)
			continue
		}
		var found []string
		err = filepath.WalkDir(name, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && strings.HasSuffix(d.Name(), ".test.json") {
				found = append(found, path)
			}
			return nil
		})
		switch {
		case err != nil:
			errs = append(errs, err)
		case len(found) == 0:
			errs = append(errs, fmt.Errorf("%s: no *.test.json files", name))
		}
		sort.Strings(found)
		files = append(files, found...)
	}
	return files, errs
}

// runTestCase evaluates a case and says whether it passed and what it got.
func runTestCase(c *loadedCase) (bool, string) {
	if msg := malformedPolicy(c); msg != "" {
		return false, msg
	}
	res := evalreq.Evaluate(&c.req)
	if res.Error != "" {
		return false, "error: " + res.Error
	}
	got := describeResult(&res, c.sources)
	var problems []string
	if res.Decision != c.Expect || c.DeniedBy != "" && res.DeniedBy != c.DeniedBy {
		want := c.Expect
		if c.DeniedBy != "" {
			want += " (denied by " + c.DeniedBy + ")"
		}
		problems = append(problems, "want "+want)
	}
	if c.MatchedSid != "" && !hasSid(res.MatchedStatements, c.MatchedSid) {
		problems = append(problems, fmt.Sprintf("want a statement with Sid %q to apply", c.MatchedSid))
	}
	if len(problems) > 0 {
		return false, strings.Join(problems, "; ") + ", got " + got
	}
	return true, got
}

func hasSid(list []evalreq.Statement, sid string) bool {
	for _, s := range list {
		if s.Sid == sid {
			return true
		}
	}
	return false
}

// describeResult renders a decision on one line with the statements behind it.
func describeResult(res *evalreq.Result, sources map[string]source) string {
	s := res.Decision
	if res.DeniedBy != "" {
		s += " (denied by " + res.DeniedBy + ")"
	}
	if len(res.DecidingStatements) > 0 {
		s += " by " + describeStatements(res.DecidingStatements, sources)
	} else if len(res.MatchedStatements) > 0 {
		s += "; applied: " + describeStatements(res.MatchedStatements, sources)
	} else if res.Decision != "allowed" {
		s += "; no statement applied"
	}
	if len(res.MissingContextKeys) > 0 {
		s += "; missing context keys: " + strings.Join(res.MissingContextKeys, ", ")
	}
	return s
}

func describeStatements(list []evalreq.Statement, sources map[string]source) string {
	parts := make([]string, 0, len(list))
	for _, st := range list {
		name := fmt.Sprintf("Statement[%d]", st.Statement)
		if st.Sid != "" {
			name = fmt.Sprintf("Sid %q", st.Sid)
		}
		where := st.PolicyID
		if src, ok := sources[st.PolicyID]; ok {
			where = src.at(st.Line, st.Column)
		}
		parts = append(parts, fmt.Sprintf("%s %s (%s, %s)", st.Effect, name, st.Layer, where))
	}
	return strings.Join(parts, ", ")
}

// malformedPolicy reports a malformed policy of the case with AWS's message at its position
// in the user's file; "" when all its policies are fine.
func malformedPolicy(c *loadedCase) string {
	_, _, err := c.req.Build()
	var pe *evalreq.PolicyError
	if !errors.As(err, &pe) {
		return ""
	}
	msg := pe.Err.Code + ": " + pe.Err.Message
	if pe.Err.Detail != "" {
		msg += " (" + pe.Err.Detail + ")"
	}
	src, ok := c.sources[pe.Policy]
	if !ok {
		return fmt.Sprintf("%s: %s", pe.Policy, msg)
	}
	return fmt.Sprintf("%s: %s [%s]", src.at(pe.Err.Pos.Line, pe.Err.Pos.Column), msg, pe.Policy)
}
