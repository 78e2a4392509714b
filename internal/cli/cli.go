// Package cli is the iamd command line: one file per subcommand. cmd/iamd is a thin main
// over Main, so that every command can be run and tested in-process.
package cli

import (
	"context"
	"fmt"
	"io"
)

// Env is what a command may touch: its streams. Commands never call os.Exit.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
}

const usage = `iamd: an AWS-compatible identity service (IAM, STS, instance metadata, ECS task
credentials, Secrets Manager) with AWS's policy language, SigV4-verified.

Usage:
  iamd serve [--addr HOST:PORT] [--data DIR] [--account-id ID]   run the server
  iamd policy validate [--type KIND] FILE...   check policy documents as AWS does
  iamd policy eval FILE|-                      evaluate requests (JSON) and print decisions
  iamd policy test FILE...                     run named cases with expected decisions
  iamd policy expand FILE|-                    print a policy with its action wildcards expanded
  iamd policy lint [--type KIND] FILE...       find errors and risky grants in policies
  iamd policy generate --principal ARN [--since D] [--audit FILE]
                                               least privilege from the calls the audit log recorded
  iamd policy explain REQUEST_ID [--audit FILE]
                                               say why a recorded call was denied
  iamd account create --id ID [--name N]       create an account on a running server
  iamd instance env ID                         print the environment of a program on an instance
  iamd exec --instance ID -- CMD [ARG...]      run a program as if on the instance
  iamd exec --role ARN [--external-id X] -- CMD
                                               run CMD with a session of the role
  iamd bench --op OP [--concurrency N] [--duration D] [--json]
                                               load a running server (or any AWS endpoint)
  iamd bench fill --roles N [--concurrency C]  fill an account with N roles, each with an inline policy
  iamd task run --task-role ARN [--execution-role ARN] [--secret NAME=SECRET_ARN ...] -- CMD
                                               run CMD with ECS task credentials (and secrets)
  iamd task list [--json]                      list the running tasks of your account
  iamd task stop [--reason TEXT] TASK_ID       stop a running task (and its iamd task run's CMD)
  iamd access who-can ACTION RESOURCE          who may do it, directly or through a chain
  iamd access can PRINCIPAL ACTION RESOURCE    whether PRINCIPAL may, with the path
  iamd access escalations                      principals that can reach more than they hold
  iamd access graph [--format dot|json]        the access graph
  iamd backup FILE [--data DIR]                copy the database of a running server (no master key)
  iamd restore FILE --data DIR                 restore a backup into an empty data directory
  iamd rotate-master-key --new-key-file FILE   re-seal everything under a new master key, online
                                               (--generate FILE makes a key file)
  iamd version                                 print the version

Run 'iamd policy help' for details.
`

// Version is set at build time with -ldflags "-X github.com/iamd-dev/iamd/internal/cli.Version=...".
var Version = "dev"

// Main runs iamd with the given arguments (without the program name) and returns the exit
// code: 0 success, 1 failure (a denied test, a malformed policy), 2 bad usage.
func Main(ctx context.Context, args []string, env Env) int {
	if len(args) == 0 {
		fmt.Fprint(env.Stderr, usage)
		return 2
	}
	switch args[0] {
	case "serve":
		return runServe(ctx, args[1:], env)
	case "policy":
		return runPolicy(ctx, args[1:], env)
	case "bench":
		return runBench(ctx, args[1:], env)
	case "account":
		return runAccount(ctx, args[1:], env)
	case "task":
		return runTask(ctx, args[1:], env)
	case "instance":
		return runInstance(ctx, args[1:], env)
	case "exec":
		return runExec(ctx, args[1:], env)
	case "backup":
		return runBackup(ctx, args[1:], env)
	case "access":
		return runAccess(ctx, args[1:], env)
	case "restore":
		return runRestore(ctx, args[1:], env)
	case "rotate-master-key":
		return runRotateMasterKey(ctx, args[1:], env)
	case "version", "--version":
		fmt.Fprintln(env.Stdout, "iamd", Version)
		return 0
	case "help", "-h", "--help":
		fmt.Fprint(env.Stdout, usage)
		return 0
	}
	fmt.Fprintf(env.Stderr, "iamd: unknown command %q\n\n%s", args[0], usage)
	return 2
}
