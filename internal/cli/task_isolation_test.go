//go:build unix

package cli

import (
	"context"
	"encoding/xml"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// TestHelperIsolatedProgram is an unchanged SDK program (aws-sdk-go-v2's default
// configuration and credential chain, which reads the environment, the shared config and
// credentials files with their profiles and credential_process, web identity, container
// credentials and instance metadata): it prints every AWS_* variable it got and who it is.
func TestHelperIsolatedProgram(t *testing.T) {
	if os.Getenv("IAMD_TEST_ISOLATED") == "" {
		t.Skip("run by TestCommandsGetOnlyTheirOwnCredentials")
	}
	var vars []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "AWS_") {
			vars = append(vars, kv)
		}
	}
	sort.Strings(vars)
	for _, kv := range vars {
		fmt.Println("env:" + kv)
	}
	ctx := context.Background()
	cfg, err := config.LoadDefaultConfig(ctx, config.WithRetryMaxAttempts(1))
	if err != nil {
		fmt.Println("arn=config error:", err)
		return
	}
	who, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		fmt.Println("arn=error:", err)
		return
	}
	fmt.Println("arn=" + aws.ToString(who.Arn))
}

// isolationTrap sets up, in the caller's environment, every way an SDK could find the
// caller's (root) identity: the root keys in the environment and in a credentials file, a
// credential_process that prints them (and leaves a marker when run) in a config file, both
// files named by AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE and also under $HOME/.aws,
// profiles, web identity, container and instance metadata settings. It returns the marker's
// path and the caller's AWS_* variables.
func isolationTrap(t *testing.T) (marker string, caller map[string]string) {
	t.Helper()
	dir := t.TempDir()
	marker = filepath.Join(dir, "credential_process-ran")
	script := filepath.Join(dir, "root-creds.sh")
	key, secret := os.Getenv("AWS_ACCESS_KEY_ID"), os.Getenv("AWS_SECRET_ACCESS_KEY")
	write := func(path, content string, mode os.FileMode) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), mode); err != nil {
			t.Fatal(err)
		}
	}
	write(script, "#!/bin/sh\necho ran >>"+marker+"\nprintf '{\"Version\":1,\"AccessKeyId\":\"%s\",\"SecretAccessKey\":\"%s\"}' "+key+" "+secret+"\n", 0o755)
	conf := "[default]\ncredential_process = " + script + "\n[profile evil]\ncredential_process = " + script + "\n"
	creds := "[default]\naws_access_key_id = " + key + "\naws_secret_access_key = " + secret + "\n[evil]\naws_access_key_id = " + key + "\naws_secret_access_key = " + secret + "\n"
	home := filepath.Join(dir, "home")
	write(filepath.Join(home, ".aws", "config"), conf, 0o600)
	write(filepath.Join(home, ".aws", "credentials"), creds, 0o600)
	write(filepath.Join(dir, "config"), conf, 0o600)
	write(filepath.Join(dir, "credentials"), creds, 0o600)
	write(filepath.Join(dir, "token"), "not-a-jwt", 0o600)
	t.Setenv("HOME", home)
	caller = map[string]string{
		"AWS_CONFIG_FILE":                        filepath.Join(dir, "config"),
		"AWS_SHARED_CREDENTIALS_FILE":            filepath.Join(dir, "credentials"),
		"AWS_PROFILE":                            "evil",
		"AWS_DEFAULT_PROFILE":                    "evil",
		"AWS_SECURITY_TOKEN":                     "caller-security-token",
		"AWS_CREDENTIAL_EXPIRATION":              "2099-01-01T00:00:00Z",
		"AWS_ACCOUNT_ID":                         "123456789012",
		"AWS_ROLE_ARN":                           "arn:aws:iam::123456789012:role/deployer",
		"AWS_ROLE_SESSION_NAME":                  "caller",
		"AWS_WEB_IDENTITY_TOKEN_FILE":            filepath.Join(dir, "token"),
		"AWS_CONTAINER_CREDENTIALS_FULL_URI":     "http://127.0.0.1:9/caller",
		"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/caller",
		"AWS_CONTAINER_AUTHORIZATION_TOKEN":      "caller-token",
		"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": filepath.Join(dir, "token"),
		"AWS_EC2_METADATA_SERVICE_ENDPOINT":      "http://127.0.0.1:9/",
		"AWS_EC2_METADATA_DISABLED":              "false",
		"AWS_SSO_SESSION":                        "caller-sso",
		"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS":    "true",
	}
	for k, v := range caller {
		t.Setenv(k, v)
	}
	// The caller's own keys (root's) and an empty session token are set by startServe.
	caller["AWS_ACCESS_KEY_ID"], caller["AWS_SECRET_ACCESS_KEY"], caller["AWS_SESSION_TOKEN"] = key, secret, ""
	return marker, caller
}

func TestCommandsGetOnlyTheirOwnCredentials(t *testing.T) {
	startServe(t)
	// A task role, a role for exec --role, and an instance with a role.
	createRole(t, "app-task", cliECSTrust)
	createRole(t, "deployer", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]}`)
	createRole(t, "Tower-Role", cliEC2Trust)
	iamCall(t, url.Values{"Action": {"CreateInstanceProfile"}, "InstanceProfileName": {"Tower-Instance"}})
	iamCall(t, url.Values{"Action": {"AddRoleToInstanceProfile"}, "InstanceProfileName": {"Tower-Instance"}, "RoleName": {"Tower-Role"}})
	body := query(t, "ec2", url.Values{"Action": {"RunInstances"}, "Version": {"2016-11-15"}, "ImageId": {"ami-0abcdef1234567890"},
		"MinCount": {"1"}, "MaxCount": {"1"}, "IamInstanceProfile.Name": {"Tower-Instance"}})
	var inst struct {
		ID string `xml:"instancesSet>item>instanceId"`
	}
	if err := xml.Unmarshal([]byte(body), &inst); err != nil || inst.ID == "" {
		t.Fatalf("RunInstances: %v\n%s", err, body)
	}

	marker, caller := isolationTrap(t)
	// Settings that name no identity reach the program unchanged.
	keptSettings := map[string]string{"AWS_DEFAULT_OUTPUT": "json", "AWS_MAX_ATTEMPTS": "1", "AWS_RETRY_MODE": "standard"}
	for k, v := range keptSettings {
		t.Setenv(k, v)
	}
	if ca := os.Getenv("AWS_CA_BUNDLE"); ca != "" {
		keptSettings["AWS_CA_BUNDLE"] = ca // TLS trust names no identity
	}
	t.Setenv("IAMD_TEST_ISOLATED", "1")
	awsCLI, lookErr := exec.LookPath("aws")

	for _, c := range []struct {
		name   string
		args   []string
		arn    string            // the identity the program must have (a prefix)
		theirs map[string]string // identity variables iamd gives it ("" for any value but the caller's)
	}{
		{"task run", []string{"task", "run", "--task-role", "arn:aws:iam::123456789012:role/app-task", "--stop-timeout", "5s"},
			"arn:aws:sts::123456789012:assumed-role/app-task/", map[string]string{
				"AWS_CONTAINER_CREDENTIALS_FULL_URI": "", "AWS_CONTAINER_AUTHORIZATION_TOKEN": "", "AWS_EC2_METADATA_DISABLED": "true"}},
		{"exec --instance", []string{"exec", "--instance", inst.ID},
			"arn:aws:sts::123456789012:assumed-role/Tower-Role/" + inst.ID, map[string]string{
				"AWS_EC2_METADATA_SERVICE_ENDPOINT": "", "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE": "IPv4"}},
		{"exec --role", []string{"exec", "--role", "arn:aws:iam::123456789012:role/deployer", "--session-name", "isolated"},
			"arn:aws:sts::123456789012:assumed-role/deployer/isolated", map[string]string{
				"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "", "AWS_SESSION_TOKEN": "", "AWS_CREDENTIAL_EXPIRATION": "", "AWS_EC2_METADATA_DISABLED": "true"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			theirs := map[string]string{"AWS_CONFIG_FILE": os.DevNull, "AWS_SHARED_CREDENTIALS_FILE": os.DevNull}
			for k, v := range c.theirs {
				theirs[k] = v
			}
			args := slices.Concat(c.args, []string{"--", os.Args[0], "-test.run=^TestHelperIsolatedProgram$"})
			r := run(t, "", args...).want(t, 0)
			out := childOutput(r.stdout)
			if !strings.HasPrefix(out["arn"], c.arn) {
				t.Fatalf("the SDK program is %q, want %s\n%s\n%s", out["arn"], c.arn, r.stdout, r.stderr)
			}
			got := map[string]string{}
			for _, line := range strings.Split(r.stdout, "\n") {
				if kv, ok := strings.CutPrefix(line, "env:"); ok {
					k, v, _ := strings.Cut(kv, "=")
					got[k] = v
				}
			}
			for k, v := range caller {
				gv, present := got[k]
				want, ours := theirs[k]
				switch {
				case !ours && present:
					t.Errorf("the program got the caller's %s=%q", k, gv)
				case ours && (!present || gv == v && v != want || want != "" && gv != want):
					t.Errorf("the program's %s=%q (present %v), want %q", k, gv, present, want)
				}
			}
			for k, v := range keptSettings {
				if got[k] != v {
					t.Errorf("the program's %s=%q, want the caller's %q", k, got[k], v)
				}
			}

			// The stock aws CLI (botocore's chain, as boto3's) in the same place.
			if lookErr != nil {
				t.Logf("no aws CLI (%v): only the Go SDK was checked", lookErr)
			} else {
				args := slices.Concat(c.args, []string{"--", awsCLI, "sts", "get-caller-identity", "--query", "Arn", "--output", "text"})
				r := run(t, "", args...).want(t, 0)
				if !strings.HasPrefix(strings.TrimSpace(r.stdout), c.arn) {
					t.Errorf("the aws CLI is %q, want %s\n%s", r.stdout, c.arn, r.stderr)
				}
			}
			if _, err := os.Stat(marker); !os.IsNotExist(err) {
				t.Fatalf("the caller's credential_process ran (%v)", err)
			}
		})
	}
	// The trap works: outside iamd, the SDK finds the caller's credential_process in the
	// config file (here with no keys in the environment).
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") {
			env = append(env, kv)
		}
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperIsolatedProgram$")
	cmd.Env = append(env, "AWS_ENDPOINT_URL="+os.Getenv("AWS_ENDPOINT_URL"), "AWS_REGION=us-east-1",
		"AWS_CONFIG_FILE="+caller["AWS_CONFIG_FILE"], "AWS_SHARED_CREDENTIALS_FILE="+os.DevNull)
	outb, _ := cmd.Output()
	if arn := childOutput(string(outb))["arn"]; arn != "arn:aws:iam::123456789012:root" {
		t.Fatalf("outside iamd the SDK program is %q:\n%s", arn, outb)
	}
	if _, err := os.Stat(marker); err != nil {
		t.Fatalf("the credential_process did not run outside iamd: %v", err)
	}
}
