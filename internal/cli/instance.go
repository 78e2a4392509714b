package cli

import (
	"context"
	"encoding/xml"
	"flag"
	"fmt"
	"net/url"
	"os"
	"strings"

	"github.com/iamd-dev/iamd/internal/awsclient"
)

// `iamd instance env ID` prints the environment that makes a program behave as if it ran
// on the instance: its credentials come from the instance's metadata endpoint, as on EC2.

// shell writes the change of iamd's environment as POSIX shell commands: the variables
// matching a prefix are those of iamd's environment, which is the shell's when it runs
// eval "$(iamd instance env ID)".
func (c envChange) shell() string {
	var b strings.Builder
	b.WriteString("unset " + strings.Join(c.unsetNames(os.Environ()), " ") + "\n")
	for _, k := range c.setKeys() {
		b.WriteString("export " + k + "=" + shellQuote(c.set[k]) + "\n")
	}
	return b.String()
}

func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=@") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// instanceEnvironment asks the server where the instance serves metadata and returns the
// environment of a program on it: the metadata endpoint, the instance's region, iamd as
// the endpoint of every service, and none of the caller's identity (see identityVars; the
// shared config and credentials files are replaced by empty ones, as a fresh machine has
// none, and the caller's AWS_EC2_METADATA_* settings, AWS_EC2_METADATA_DISABLED among them,
// by the instance's).
func instanceEnvironment(ctx context.Context, cfg awsclient.Config, instanceID string) (envChange, error) {
	body, err := awsclient.New(cfg, 1).Query(ctx, "iamd", url.Values{
		"Action": {"GetInstanceMetadataEndpoint"}, "InstanceId": {instanceID},
	})
	if err != nil {
		return envChange{}, err
	}
	var res struct {
		Endpoint string `xml:"GetInstanceMetadataEndpointResult>Endpoint"`
		Region   string `xml:"GetInstanceMetadataEndpointResult>Region"`
	}
	if err := xml.Unmarshal(body, &res); err != nil || res.Endpoint == "" {
		return envChange{}, fmt.Errorf("unreadable response from the server")
	}
	return isolated(map[string]string{
		"AWS_EC2_METADATA_SERVICE_ENDPOINT":      res.Endpoint,
		"AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE": "IPv4",
		"AWS_REGION":                             res.Region,
		"AWS_DEFAULT_REGION":                     res.Region,
		"AWS_ENDPOINT_URL":                       cfg.Endpoint,
	}), nil
}

func runInstance(ctx context.Context, args []string, env Env) int {
	const use = "usage: iamd instance env [--endpoint URL] INSTANCE_ID"
	if len(args) == 0 || args[0] != "env" {
		fmt.Fprintln(env.Stderr, use)
		return 2
	}
	fs := flag.NewFlagSet("iamd instance env", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	endpoint := fs.String("endpoint", "", "iamd's endpoint URL (default: as the aws CLI finds it, AWS_ENDPOINT_URL ...)")
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(env.Stderr, use)
		return 2
	}
	cfg, err := awsclient.Resolve(*endpoint)
	if err != nil {
		fmt.Fprintln(env.Stderr, "iamd instance env:", err)
		return 2
	}
	change, err := instanceEnvironment(ctx, cfg, fs.Arg(0))
	if err != nil {
		fmt.Fprintln(env.Stderr, "iamd instance env:", err)
		return 1
	}
	fmt.Fprint(env.Stdout, change.shell())
	return 0
}
