package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/iamd-dev/iamd/internal/evalreq"
	"github.com/iamd-dev/iamd/internal/policy"
)

const policyUsage = `Usage:
  iamd policy validate [--type identity|resource|trust|boundary|scp|rcp|session] FILE...
      Parse each policy as AWS would store it. Prints "FILE: ok" or AWS's
      MalformedPolicyDocument message with the line and column; exits 1 if any is malformed.
  iamd policy eval FILE|-
      Read one evaluation request (or an array of them) and print the decision as JSON
      (an array for an array). See docs/POLICY-EVAL.md for the format.
  iamd policy test FILE...
      Run files of named cases with expected decisions; exits 1 if any case fails.
  iamd policy expand FILE|-
      Print the policy with the wildcards in Action and NotAction replaced by the AWS
      actions they match (from the embedded action catalog), sorted.
  iamd policy lint [--type KIND] [--account ID] [--json] FILE...
      Check policies as IAM Access Analyzer's ValidatePolicy does, plus iamd's checks for
      risky grants: findings typed ERROR, SECURITY_WARNING, WARNING or SUGGESTION, each
      with its line and column and a fix. Exits 1 if any is an ERROR or SECURITY_WARNING.
  iamd policy generate --principal ARN [--since 24h|7d|RFC3339|YYYY-MM-DD] [--audit FILE|-]
      Print the identity policy that grants exactly the actions and resources the
      principal's allowed calls in the audit log used, as IAM Access Analyzer generates
      policies from CloudTrail: one statement per service and set of resources, "*" only
      for actions that take no resource. A role's ARN (or one of its sessions') counts every
      session of the role, matched by name (audit lines carry no role path). Denied and
      failed calls are not counted; what is left out is said on standard error.
  iamd policy explain REQUEST_ID [--audit FILE|-]
      Say why a recorded call was denied: the kind of policy that denied, the statements
      that applied (policy, position, Sid), the condition keys the request lacked.
  --audit is the log iamd serve --audit wrote (default: the file IAMD_AUDIT names); serve's
  default, standard output, leaves no file, so name it (or pipe it in with --audit -).
`

func runPolicy(ctx context.Context, args []string, env Env) int {
	if len(args) == 0 {
		fmt.Fprint(env.Stderr, policyUsage)
		return 2
	}
	switch args[0] {
	case "validate":
		return policyValidate(args[1:], env)
	case "eval":
		return policyEval(args[1:], env)
	case "test":
		return policyTest(args[1:], env)
	case "expand":
		return policyExpand(args[1:], env)
	case "lint":
		return policyLint(args[1:], env)
	case "generate":
		return policyGenerate(args[1:], env, time.Now())
	case "explain":
		return policyExplain(args[1:], env)
	case "help", "-h", "--help":
		fmt.Fprint(env.Stdout, policyUsage)
		return 0
	}
	fmt.Fprintf(env.Stderr, "iamd policy: unknown command %q\n\n%s", args[0], policyUsage)
	return 2
}

func policyValidate(args []string, env Env) int {
	fs := flag.NewFlagSet("iamd policy validate", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	kindName := fs.String("type", "identity", "the policy's kind: identity, resource, trust, boundary, scp, rcp or session")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	kind, err := policy.ParseKind(*kindName)
	if err != nil {
		fmt.Fprintln(env.Stderr, "iamd policy validate:", err)
		return 2
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(env.Stderr, "iamd policy validate: name at least one FILE (or - for standard input)")
		return 2
	}
	failed := false
	for _, name := range fs.Args() {
		data, err := readInput(name, env.Stdin)
		if err != nil {
			fmt.Fprintln(env.Stderr, "iamd policy validate:", err)
			return 2
		}
		if _, err := policy.Parse(data, kind); err != nil {
			failed = true
			fmt.Fprintf(env.Stdout, "%s: %s\n", name, describeParseError(err))
			continue
		}
		fmt.Fprintf(env.Stdout, "%s: ok\n", name)
	}
	if failed {
		return 1
	}
	return 0
}

// describeParseError prints AWS's message, then where and what precisely.
func describeParseError(err error) string {
	var pe *policy.Error
	if !errors.As(err, &pe) {
		return err.Error()
	}
	s := pe.Code + ": " + pe.Message
	if pe.Pos.Line > 0 {
		s = fmt.Sprintf("%d:%d: %s", pe.Pos.Line, pe.Pos.Column, s)
	}
	if pe.Detail != "" {
		s += " (" + pe.Detail + ")"
	}
	return s
}

func policyEval(args []string, env Env) int {
	if len(args) != 1 {
		fmt.Fprintln(env.Stderr, "usage: iamd policy eval FILE|-")
		return 2
	}
	data, err := readInput(args[0], env.Stdin)
	if err != nil {
		fmt.Fprintln(env.Stderr, "iamd policy eval:", err)
		return 2
	}
	reqs, array, err := evalreq.Decode(data)
	if err != nil {
		fmt.Fprintln(env.Stderr, "iamd policy eval: the input is not an evaluation request:", err)
		return 2
	}
	results := make([]evalreq.Result, len(reqs))
	for i := range reqs {
		results[i] = evalreq.Evaluate(&reqs[i])
	}
	enc := json.NewEncoder(env.Stdout)
	enc.SetIndent("", "  ")
	if array {
		err = enc.Encode(results)
	} else {
		err = enc.Encode(results[0])
	}
	if err != nil {
		fmt.Fprintln(env.Stderr, "iamd policy eval:", err)
		return 1
	}
	return 0
}

func readInput(name string, stdin io.Reader) ([]byte, error) {
	if name == "-" {
		return io.ReadAll(stdin)
	}
	return os.ReadFile(name)
}
