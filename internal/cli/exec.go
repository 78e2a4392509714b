package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"strings"

	"github.com/iamd-dev/iamd/internal/awsclient"
)

// `iamd exec --instance ID -- CMD [ARG...]` runs a program as if on the instance: with the
// environment `iamd instance env` prints, so that its SDK finds the instance's role
// credentials through instance metadata.

// execOptions are the ways exec can give a program credentials; exactly one is chosen.
type execOptions struct {
	endpoint string
	instance string
}

// parseExec reads exec's flags, up to "--" and the command.
func parseExec(args []string, env Env) (*execOptions, []string, error) {
	fs := flag.NewFlagSet("iamd exec", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	o := &execOptions{}
	fs.StringVar(&o.endpoint, "endpoint", "", "iamd's endpoint URL (default: as the aws CLI finds it, AWS_ENDPOINT_URL ...)")
	fs.StringVar(&o.instance, "instance", "", "run as a program on this instance (its role's credentials through instance metadata)")
	if err := fs.Parse(args); err != nil {
		return nil, nil, err
	}
	if fs.NArg() == 0 {
		return nil, nil, errors.New("no command to run")
	}
	if o.instance == "" {
		return nil, nil, errors.New("say where the credentials come from: --instance ID")
	}
	return o, fs.Args(), nil
}

// hasFlag reports whether the flag (-name, --name, --name=...) is among args.
func hasFlag(args []string, name string) bool {
	for _, a := range args {
		a = strings.TrimLeft(a, "-")
		if a == name || strings.HasPrefix(a, name+"=") {
			return true
		}
	}
	return false
}

// environment is the command's environment change for the chosen option.
func (o *execOptions) environment(ctx context.Context, cfg awsclient.Config) (envChange, error) {
	return instanceEnvironment(ctx, cfg, o.instance)
}

func runExec(ctx context.Context, args []string, env Env) int {
	const use = "usage: iamd exec --instance ID [--endpoint URL] -- COMMAND [ARG...]\n       iamd exec --role ARN [--external-id X] [--session-name N] [--duration-seconds N] [--endpoint URL] -- COMMAND [ARG...]"
	if flags, _ := splitCommand(args); hasFlag(flags, "role") {
		return runExecRole(ctx, args, env)
	}
	o, command, err := parseExec(args, env)
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(env.Stderr, "iamd exec:", err)
		}
		fmt.Fprintln(env.Stderr, use)
		return 2
	}
	cfg, err := awsclient.Resolve(o.endpoint)
	if err != nil {
		fmt.Fprintln(env.Stderr, "iamd exec:", err)
		return 2
	}
	change, err := o.environment(ctx, cfg)
	if err != nil {
		fmt.Fprintln(env.Stderr, "iamd exec:", err)
		return 1
	}
	cmd := exec.CommandContext(ctx, command[0], command[1:]...)
	cmd.Env = change.apply(os.Environ())
	cmd.Stdin, cmd.Stdout, cmd.Stderr = env.Stdin, env.Stdout, env.Stderr
	if err := cmd.Run(); err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) && exit.ExitCode() >= 0 {
			return exit.ExitCode()
		}
		fmt.Fprintln(env.Stderr, "iamd exec:", err)
		return 1
	}
	return 0
}
