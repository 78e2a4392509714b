package cli

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"slices"
	"sort"
	"strings"
	"syscall"
)

// The program that `iamd exec` and `iamd task run` run: its command line, its environment
// and its supervision.

// credentialVars are the environment variables through which SDKs find credentials. A
// program run with other credentials gets none of them from iamd's own environment, so
// that the SDKs' chains land on the credentials iamd gives it.
var credentialVars = []string{
	"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN",
	"AWS_CREDENTIAL_EXPIRATION", "AWS_ACCESS_KEY", "AWS_SECRET_KEY", "AWS_PROFILE", "AWS_DEFAULT_PROFILE",
	"AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_ROLE_SESSION_NAME",
	"AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
	"AWS_CONTAINER_AUTHORIZATION_TOKEN", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
}

// envChange is an environment to apply: variables to remove, then variables to set.
type envChange struct {
	unset []string
	set   map[string]string
}

// apply returns environ changed.
func (c envChange) apply(environ []string) []string {
	drop := map[string]bool{}
	for _, k := range c.unset {
		drop[k] = true
	}
	for k := range c.set {
		drop[k] = true
	}
	var out []string
	for _, kv := range environ {
		k, _, _ := strings.Cut(kv, "=")
		if !drop[k] {
			out = append(out, kv)
		}
	}
	for _, k := range c.setKeys() {
		out = append(out, k+"="+c.set[k])
	}
	return out
}

func (c envChange) setKeys() []string {
	keys := make([]string, 0, len(c.set))
	for k := range c.set {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// parseCommandLine parses a subcommand's flags, which stand before "--", and returns the
// program after it; ok is false when the usage is bad, and stderr then says why.
func parseCommandLine(fs *flag.FlagSet, args []string, env Env) (command []string, ok bool) {
	flags := args
	if i := slices.Index(args, "--"); i >= 0 {
		flags, command = args[:i], args[i+1:]
	}
	if err := fs.Parse(flags); err != nil {
		return nil, false
	}
	switch {
	case fs.NArg() > 0:
		fmt.Fprintf(env.Stderr, "%s: unexpected %q: put the command after --\n", fs.Name(), fs.Arg(0))
		return nil, false
	case len(command) == 0:
		fmt.Fprintf(env.Stderr, "%s: no command: put it after --\n", fs.Name())
		return nil, false
	}
	return command, true
}

// forwardedSignals are passed on to the program, which decides what they mean.
var forwardedSignals = []os.Signal{os.Interrupt, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT}

// superviseChild runs argv with iamd's environment changed by change and with the
// command's streams, passes on the signals iamd receives, and returns the program's exit
// code: 128+N when signal N ended it, as shells report it, and 127 when it could not be
// started.
func superviseChild(argv []string, change envChange, env Env, name string) int {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = change.apply(os.Environ())
	cmd.Stdin, cmd.Stdout, cmd.Stderr = env.Stdin, env.Stdout, env.Stderr
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, forwardedSignals...)
	defer signal.Stop(sigs)
	if err := cmd.Start(); err != nil {
		fmt.Fprintf(env.Stderr, "%s: %v\n", name, err)
		return 127
	}
	done := make(chan struct{})
	go func() {
		for {
			select {
			case s := <-sigs:
				_ = cmd.Process.Signal(s)
			case <-done:
				return
			}
		}
	}()
	err := cmd.Wait()
	close(done)
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &exit):
		if ws, ok := exit.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return 128 + int(ws.Signal())
		}
		return exit.ExitCode()
	}
	fmt.Fprintf(env.Stderr, "%s: %v\n", name, err)
	return 1
}
