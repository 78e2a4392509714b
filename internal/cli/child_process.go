package cli

import (
	"errors"
	"flag"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"os/signal"
	"slices"
	"sort"
	"strings"
	"syscall"
	"time"
)

// The program that `iamd exec` and `iamd task run` run: its command line, its environment
// and its supervision.

// identityVars are the environment variables through which an SDK or the aws CLI could find
// the caller's identity: keys, profiles, web identity, container credentials, and the
// shared config and credentials files (which hold static keys, credential_process, SSO and
// assume-role profiles; the SDKs' caches under ~/.aws are reached only through a profile
// in them). A program run with other credentials gets none of them from iamd's own
// environment: iamd points both files at an empty file, which also keeps ~/.aws out.
// AWS_IGNORE_CONFIGURED_ENDPOINT_URLS goes too, as it would send the program past iamd.
//
// Settings that name no identity stay: region (iamd sets it), AWS_ENDPOINT_URL_<SERVICE>,
// AWS_CA_BUNDLE, retries, output and pager settings.
var identityVars = []string{
	"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN",
	"AWS_CREDENTIAL_EXPIRATION", "AWS_SESSION_EXPIRATION", "AWS_ACCESS_KEY", "AWS_SECRET_KEY", "AWS_ACCOUNT_ID",
	"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_CREDENTIAL_FILE",
	"AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_ROLE_SESSION_NAME",
	"AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
	"AWS_CONTAINER_AUTHORIZATION_TOKEN", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
	"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
}

// identityPrefixes are families of such variables: SSO settings, the caller's instance
// metadata settings (an instance's program gets its own), and any other container
// credentials setting.
var identityPrefixes = []string{"AWS_SSO_", "AWS_EC2_METADATA_", "AWS_CONTAINER_"}

// envChange is an environment to apply: variables to remove (by name and by prefix), then
// variables to set.
type envChange struct {
	unset         []string
	unsetPrefixes []string
	set           map[string]string
}

// isolated is the environment change of a program that must find only the credentials set
// gives it: every identity variable of iamd's environment removed, empty shared config and
// credentials files, and then set.
func isolated(set map[string]string) envChange {
	all := map[string]string{"AWS_CONFIG_FILE": os.DevNull, "AWS_SHARED_CREDENTIALS_FILE": os.DevNull}
	maps.Copy(all, set)
	return envChange{unset: identityVars, unsetPrefixes: identityPrefixes, set: all}
}

// dropped tells whether the change removes or replaces k.
func (c envChange) dropped(k string) bool {
	if _, ok := c.set[k]; ok || slices.Contains(c.unset, k) {
		return true
	}
	for _, p := range c.unsetPrefixes {
		if strings.HasPrefix(k, p) {
			return true
		}
	}
	return false
}

// apply returns environ changed.
func (c envChange) apply(environ []string) []string {
	var out []string
	for _, kv := range environ {
		k, _, _ := strings.Cut(kv, "=")
		if !c.dropped(k) {
			out = append(out, kv)
		}
	}
	for _, k := range c.setKeys() {
		out = append(out, k+"="+c.set[k])
	}
	return out
}

// unsetNames are the variables to unset in environ: the named ones, and those of environ
// matching a prefix, that the change does not set.
func (c envChange) unsetNames(environ []string) []string {
	var out []string
	for _, k := range c.unset {
		if _, ok := c.set[k]; !ok {
			out = append(out, k)
		}
	}
	for _, kv := range environ {
		k, _, _ := strings.Cut(kv, "=")
		if _, ok := c.set[k]; !ok && !slices.Contains(out, k) && c.dropped(k) {
			out = append(out, k)
		}
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
	return supervise(argv, change, env, name, nil).code
}

// childStop asks a supervised program to stop as docker stop (and so ECS's StopTask) stops
// a container: SIGTERM when requested is closed, then SIGKILL if it has not exited after
// timeout.
type childStop struct {
	requested <-chan struct{}
	timeout   time.Duration
}

// childResult is how a supervised program ended.
type childResult struct {
	code    int  // as superviseChild returns it
	stopped bool // it was sent SIGTERM because a stop was requested
	killed  bool // and then SIGKILL, as it had not exited within the timeout
}

// supervise is superviseChild, stopping the program on stop's request (stop may be nil).
func supervise(argv []string, change envChange, env Env, name string, stop *childStop) childResult {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = change.apply(os.Environ())
	cmd.Stdin, cmd.Stdout, cmd.Stderr = env.Stdin, env.Stdout, env.Stderr
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, forwardedSignals...)
	defer signal.Stop(sigs)
	if err := cmd.Start(); err != nil {
		fmt.Fprintf(env.Stderr, "%s: %v\n", name, err)
		return childResult{code: 127}
	}
	var requested <-chan struct{}
	if stop != nil {
		requested = stop.requested
	}
	done := make(chan struct{})
	how := make(chan childResult, 1)
	go func() {
		var r childResult
		var kill <-chan time.Time
		defer func() { how <- r }()
		for {
			select {
			case s := <-sigs:
				_ = cmd.Process.Signal(s)
			case <-requested:
				requested = nil
				r.stopped = true
				_ = cmd.Process.Signal(syscall.SIGTERM)
				timer := time.NewTimer(stop.timeout)
				defer timer.Stop()
				kill = timer.C
			case <-kill:
				kill = nil
				r.killed = true
				_ = cmd.Process.Kill()
			case <-done:
				return
			}
		}
	}()
	err := cmd.Wait()
	close(done)
	r := <-how
	r.code = exitCode(err, env, name)
	return r
}

// exitCode is the code of a program that ended with err, as shells report it.
func exitCode(err error, env Env, name string) int {
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
