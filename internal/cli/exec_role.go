package cli

import (
	"context"
	"encoding/xml"
	"flag"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"time"

	"github.com/iamd-dev/iamd/internal/awsclient"
)

const execRoleUsage = `usage: iamd exec --role ARN [--external-id X] [--session-name N] [--duration-seconds N] [--endpoint URL] -- COMMAND [ARG...]

Assumes the role with your credentials (found as the aws CLI finds them) through STS
AssumeRole, and runs COMMAND with the session's AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and
AWS_SESSION_TOKEN (and AWS_ENDPOINT_URL and AWS_REGION pointing at iamd), like aws-vault exec.
iamd exits with COMMAND's code.
`

type assumeRoleResponse struct {
	AccessKeyID     string `xml:"AssumeRoleResult>Credentials>AccessKeyId"`
	SecretAccessKey string `xml:"AssumeRoleResult>Credentials>SecretAccessKey"`
	SessionToken    string `xml:"AssumeRoleResult>Credentials>SessionToken"`
	Expiration      string `xml:"AssumeRoleResult>Credentials>Expiration"`
}

// runExecRole runs `iamd exec --role`.
func runExecRole(ctx context.Context, args []string, env Env) int {
	const name = "iamd exec"
	flags, command := splitCommand(args)
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.Usage = func() { fmt.Fprint(env.Stderr, execRoleUsage) }
	role := fs.String("role", "", "the ARN of the role to assume")
	externalID := fs.String("external-id", "", "the ExternalId the role's trust policy asks for")
	sessionName := fs.String("session-name", "", "the role session name (default iamd-exec-UNIXTIME)")
	duration := fs.Int("duration-seconds", 0, "the session's duration (default: STS's, one hour)")
	endpoint := fs.String("endpoint", "", "endpoint URL (default: as the aws CLI finds it, AWS_ENDPOINT_URL ...)")
	if err := fs.Parse(flags); err != nil {
		return 2
	}
	switch {
	case fs.NArg() > 0:
		fmt.Fprintf(env.Stderr, "%s: unexpected %q: put the command after --\n", name, fs.Arg(0))
		return 2
	case len(command) == 0:
		fmt.Fprintf(env.Stderr, "%s: no command: put it after --\n", name)
		return 2
	case *role == "":
		fmt.Fprintf(env.Stderr, "%s: --role is required\n", name)
		return 2
	}
	if *sessionName == "" {
		*sessionName = "iamd-exec-" + strconv.FormatInt(time.Now().Unix(), 10)
	}
	cfg, err := awsclient.Resolve(*endpoint)
	if err != nil {
		fmt.Fprintf(env.Stderr, "%s: %v\n", name, err)
		return 2
	}
	params := url.Values{"Action": {"AssumeRole"}, "Version": {"2011-06-15"}, "RoleArn": {*role}, "RoleSessionName": {*sessionName}}
	if *externalID != "" {
		params.Set("ExternalId", *externalID)
	}
	if *duration != 0 {
		params.Set("DurationSeconds", strconv.Itoa(*duration))
	}
	body, err := awsclient.New(cfg, 1).Query(ctx, "sts", params)
	if err != nil {
		fmt.Fprintf(env.Stderr, "%s: AssumeRole: %v\n", name, err)
		return 1
	}
	var res assumeRoleResponse
	if err := xml.Unmarshal(body, &res); err != nil || res.AccessKeyID == "" {
		fmt.Fprintf(env.Stderr, "%s: unreadable AssumeRole response: %v\n", name, err)
		return 1
	}
	set := []string{
		"AWS_ACCESS_KEY_ID=" + res.AccessKeyID,
		"AWS_SECRET_ACCESS_KEY=" + res.SecretAccessKey,
		"AWS_SESSION_TOKEN=" + res.SessionToken,
		"AWS_CREDENTIAL_EXPIRATION=" + res.Expiration,
		"AWS_ENDPOINT_URL=" + cfg.Endpoint,
		"AWS_REGION=" + cfg.Region,
		"AWS_DEFAULT_REGION=" + cfg.Region,
	}
	return superviseChild(command, childEnviron(os.Environ(), set...), env, name)
}
