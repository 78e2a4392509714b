package cli

import (
	"context"
	"encoding/xml"
	"flag"
	"fmt"
	"net/url"
	"os"
	"slices"
	"strings"

	"github.com/iamd-dev/iamd/internal/awsclient"
)

// `iamd instance env ID` prints the environment that makes a program behave as if it ran
// on the instance: its credentials come from the instance's metadata endpoint, as on EC2.

// clearedVariables are the variables that would win over instance metadata in the SDKs'
// default credential chains (environment keys, profiles, web identity, container
// credentials) or switch it off (AWS_EC2_METADATA_DISABLED).
var clearedVariables = append(slices.Clip(credentialVars), "AWS_EC2_METADATA_DISABLED", "AWS_EC2_METADATA_V1_DISABLED")

// shell writes the change as POSIX shell commands.
func (c envChange) shell() string {
	var b strings.Builder
	b.WriteString("unset " + strings.Join(c.unset, " ") + "\n")
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
// the endpoint of every service, and nothing that would take precedence over instance
// metadata (the shared config and credentials files are replaced by empty ones, as a
// fresh machine has none).
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
	return envChange{
		unset: clearedVariables,
		set: map[string]string{
			"AWS_EC2_METADATA_SERVICE_ENDPOINT":      res.Endpoint,
			"AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE": "IPv4",
			"AWS_REGION":                             res.Region,
			"AWS_DEFAULT_REGION":                     res.Region,
			"AWS_ENDPOINT_URL":                       cfg.Endpoint,
			"AWS_CONFIG_FILE":                        os.DevNull,
			"AWS_SHARED_CREDENTIALS_FILE":            os.DevNull,
		},
	}, nil
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
