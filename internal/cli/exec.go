package cli

import (
	"context"
	"encoding/xml"
	"errors"
	"flag"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/iamd-dev/iamd/internal/awsclient"
)

const execUsage = `usage: iamd exec --instance ID [--endpoint URL] -- COMMAND [ARG...]
       iamd exec --role ARN [--external-id X] [--session-name N] [--duration-seconds N] [--endpoint URL] -- COMMAND [ARG...]

Runs COMMAND with credentials from exactly one source, and none of your own (iamd removes
every AWS_* variable that names an identity: keys, profiles, web identity, container and
SSO settings, and points AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE at /dev/null, so
that neither ~/.aws nor your files reach COMMAND; region, endpoint and CA bundle settings
stay):

  --instance ID  as if on the instance, with the environment 'iamd instance env ID' prints,
                 so that its SDK finds the instance's role credentials through instance
                 metadata.
  --role ARN     assumes the role with your credentials (found as the aws CLI finds them)
                 through STS AssumeRole, and gives COMMAND the session's AWS_ACCESS_KEY_ID,
                 AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN (and AWS_ENDPOINT_URL and
                 AWS_REGION pointing at iamd), like aws-vault exec.

iamd passes INT, TERM, HUP and QUIT on to COMMAND and exits with its code (128+N when
signal N ended it, 127 when it could not be started).
`

// execOptions are exec's flags: where the credentials come from (exactly one of instance
// and role) and how.
type execOptions struct {
	endpoint    string
	instance    string
	role        string
	externalID  string
	sessionName string
	duration    int
}

func (o *execOptions) check() error {
	switch {
	case o.instance == "" && o.role == "":
		return errors.New("say where the credentials come from: --instance ID or --role ARN")
	case o.instance != "" && o.role != "":
		return errors.New("--instance and --role exclude each other: choose one")
	case o.instance != "" && (o.externalID != "" || o.sessionName != "" || o.duration != 0):
		return errors.New("--external-id, --session-name and --duration-seconds go with --role")
	}
	return nil
}

// environment is the command's environment change for the chosen source.
func (o *execOptions) environment(ctx context.Context, cfg awsclient.Config) (envChange, error) {
	if o.instance != "" {
		return instanceEnvironment(ctx, cfg, o.instance)
	}
	return o.roleEnvironment(ctx, cfg)
}

type assumeRoleResponse struct {
	AccessKeyID     string `xml:"AssumeRoleResult>Credentials>AccessKeyId"`
	SecretAccessKey string `xml:"AssumeRoleResult>Credentials>SecretAccessKey"`
	SessionToken    string `xml:"AssumeRoleResult>Credentials>SessionToken"`
	Expiration      string `xml:"AssumeRoleResult>Credentials>Expiration"`
}

// roleEnvironment assumes the role as the caller and returns the environment of a program
// with the session: its keys, iamd as the endpoint of every service, and none of the
// caller's identity (see identityVars).
func (o *execOptions) roleEnvironment(ctx context.Context, cfg awsclient.Config) (envChange, error) {
	sessionName := o.sessionName
	if sessionName == "" {
		sessionName = "iamd-exec-" + strconv.FormatInt(time.Now().Unix(), 10)
	}
	params := url.Values{"Action": {"AssumeRole"}, "Version": {"2011-06-15"}, "RoleArn": {o.role}, "RoleSessionName": {sessionName}}
	if o.externalID != "" {
		params.Set("ExternalId", o.externalID)
	}
	if o.duration != 0 {
		params.Set("DurationSeconds", strconv.Itoa(o.duration))
	}
	body, err := awsclient.New(cfg, 1).Query(ctx, "sts", params)
	if err != nil {
		return envChange{}, fmt.Errorf("AssumeRole: %w", err)
	}
	var res assumeRoleResponse
	if err := xml.Unmarshal(body, &res); err != nil || res.AccessKeyID == "" {
		return envChange{}, fmt.Errorf("unreadable AssumeRole response: %v", err)
	}
	return isolated(map[string]string{
		"AWS_ACCESS_KEY_ID":         res.AccessKeyID,
		"AWS_SECRET_ACCESS_KEY":     res.SecretAccessKey,
		"AWS_SESSION_TOKEN":         res.SessionToken,
		"AWS_CREDENTIAL_EXPIRATION": res.Expiration,
		"AWS_ENDPOINT_URL":          cfg.Endpoint,
		"AWS_REGION":                cfg.Region,
		"AWS_DEFAULT_REGION":        cfg.Region,
		// The session expires: then the program's SDK must fail rather than fall back to
		// the machine's own instance role.
		"AWS_EC2_METADATA_DISABLED": "true",
	}), nil
}

// runExec runs `iamd exec`.
func runExec(ctx context.Context, args []string, env Env) int {
	const name = "iamd exec"
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.Usage = func() { fmt.Fprint(env.Stderr, execUsage) }
	var o execOptions
	fs.StringVar(&o.instance, "instance", "", "run as a program on this instance (its role's credentials through instance metadata)")
	fs.StringVar(&o.role, "role", "", "the ARN of the role to assume")
	fs.StringVar(&o.externalID, "external-id", "", "the ExternalId the role's trust policy asks for")
	fs.StringVar(&o.sessionName, "session-name", "", "the role session name (default iamd-exec-UNIXTIME)")
	fs.IntVar(&o.duration, "duration-seconds", 0, "the session's duration (default: STS's, one hour)")
	fs.StringVar(&o.endpoint, "endpoint", "", "iamd's endpoint URL (default: as the aws CLI finds it, AWS_ENDPOINT_URL ...)")
	command, ok := parseCommandLine(fs, args, env)
	if !ok {
		return 2
	}
	if err := o.check(); err != nil {
		fmt.Fprintf(env.Stderr, "%s: %v\n", name, err)
		return 2
	}
	cfg, err := awsclient.Resolve(o.endpoint)
	if err != nil {
		fmt.Fprintf(env.Stderr, "%s: %v\n", name, err)
		return 2
	}
	change, err := o.environment(ctx, cfg)
	if err != nil {
		fmt.Fprintf(env.Stderr, "%s: %v\n", name, err)
		return 1
	}
	return superviseChild(command, change, env, name)
}
