// Package awsclient is iamd's own small AWS client, for the subcommands that talk to a
// running server (account create, bench, instance env, exec, task run): it finds the
// endpoint, region and credentials as the aws CLI does, signs Query and JSON 1.1 requests
// with SigV4, and reads AWS's error responses of both protocols.
package awsclient

import (
	"bufio"
	"errors"
	"os"
	"path/filepath"
	"strings"

	"github.com/iamd-dev/iamd/internal/sigv4"
)

// Config is where and as whom to call.
type Config struct {
	Endpoint    string
	Region      string
	Credentials sigv4.Credentials
	// CABundle, when set, is a PEM file of the certificate authorities trusted for an https
	// endpoint instead of the system's (AWS_CA_BUNDLE, the profile's ca_bundle, --ca-bundle).
	CABundle string
}

// Resolve finds the configuration as the aws CLI does: the endpoint from the override, then
// AWS_ENDPOINT_URL, then the profile's endpoint_url; credentials from AWS_ACCESS_KEY_ID /
// AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN, then the shared credentials and config files
// (AWS_PROFILE, else "default"); the region from AWS_REGION, AWS_DEFAULT_REGION, the
// profile, else us-east-1; the CA bundle from AWS_CA_BUNDLE, then the profile's ca_bundle.
func Resolve(endpointOverride string) (Config, error) {
	profile := os.Getenv("AWS_PROFILE")
	if profile == "" {
		profile = "default"
	}
	home, _ := os.UserHomeDir()
	credFile := envOr("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(home, ".aws", "credentials"))
	confFile := envOr("AWS_CONFIG_FILE", filepath.Join(home, ".aws", "config"))
	creds := readINI(credFile)[profile]
	confSection := "profile " + profile
	if profile == "default" {
		confSection = "default"
	}
	conf := readINI(confFile)[confSection]

	c := Config{
		Endpoint: firstOf(endpointOverride, os.Getenv("AWS_ENDPOINT_URL"), conf["endpoint_url"]),
		Region:   firstOf(os.Getenv("AWS_REGION"), os.Getenv("AWS_DEFAULT_REGION"), conf["region"], "us-east-1"),
		CABundle: firstOf(os.Getenv("AWS_CA_BUNDLE"), conf["ca_bundle"]),
	}
	if id := os.Getenv("AWS_ACCESS_KEY_ID"); id != "" {
		c.Credentials = sigv4.Credentials{AccessKeyID: id, SecretAccessKey: os.Getenv("AWS_SECRET_ACCESS_KEY"), SessionToken: os.Getenv("AWS_SESSION_TOKEN")}
	} else {
		c.Credentials = sigv4.Credentials{
			AccessKeyID:     firstOf(creds["aws_access_key_id"], conf["aws_access_key_id"]),
			SecretAccessKey: firstOf(creds["aws_secret_access_key"], conf["aws_secret_access_key"]),
			SessionToken:    firstOf(creds["aws_session_token"], conf["aws_session_token"]),
		}
	}
	switch {
	case c.Endpoint == "":
		return c, errors.New("no endpoint: set AWS_ENDPOINT_URL or pass --endpoint (iamd serve prints its address)")
	case c.Credentials.AccessKeyID == "" || c.Credentials.SecretAccessKey == "":
		return c, errors.New("no credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or configure a profile")
	}
	c.Endpoint = strings.TrimRight(c.Endpoint, "/")
	if c.CABundle != "" {
		if _, err := c.RootCAs(); err != nil {
			return c, err
		}
	}
	return c, nil
}

// readINI reads an AWS shared config/credentials file into sections of key=value.
func readINI(path string) map[string]map[string]string {
	out := map[string]map[string]string{}
	f, err := os.Open(path)
	if err != nil {
		return out
	}
	defer f.Close()
	section := ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, ";"):
		case strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]"):
			section = strings.TrimSpace(line[1 : len(line)-1])
			if out[section] == nil {
				out[section] = map[string]string{}
			}
		default:
			k, v, ok := strings.Cut(line, "=")
			if ok && out[section] != nil {
				out[section][strings.ToLower(strings.TrimSpace(k))] = strings.TrimSpace(v)
			}
		}
	}
	return out
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func firstOf(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}
