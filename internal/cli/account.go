package cli

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"flag"
	"fmt"
	"net/url"

	"github.com/iamd-dev/iamd/internal/awsclient"
)

func runAccount(ctx context.Context, args []string, env Env) int {
	if len(args) == 0 || args[0] != "create" {
		fmt.Fprintln(env.Stderr, "usage: iamd account create --id ACCOUNT_ID [--name NAME] [--partition PARTITION] [--endpoint URL]")
		return 2
	}
	fs := flag.NewFlagSet("iamd account create", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	id := fs.String("id", "", "the new account's 12-digit id")
	name := fs.String("name", "", "the new account's name")
	partition := fs.String("partition", "", "the new account's AWS partition (aws, aws-cn, aws-us-gov, ...; default: the creating account's)")
	endpoint := fs.String("endpoint", "", "endpoint URL (default: as the aws CLI finds it, AWS_ENDPOINT_URL ...)")
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	if *id == "" {
		fmt.Fprintln(env.Stderr, "iamd account create: --id is required")
		return 2
	}
	cfg, err := awsclient.Resolve(*endpoint)
	if err != nil {
		fmt.Fprintln(env.Stderr, "iamd account create:", err)
		return 2
	}
	params := url.Values{"Action": {"CreateAccount"}, "AccountId": {*id}, "AccountName": {*name}}
	if *partition != "" {
		params.Set("Partition", *partition)
	}
	body, err := awsclient.New(cfg, 1).Query(ctx, "iamd", params)
	if err != nil {
		fmt.Fprintln(env.Stderr, "iamd account create:", err)
		return 1
	}
	var res struct {
		AccountID       string `xml:"CreateAccountResult>AccountId"`
		AccessKeyID     string `xml:"CreateAccountResult>AccessKeyId"`
		SecretAccessKey string `xml:"CreateAccountResult>SecretAccessKey"`
	}
	if err := xml.Unmarshal(body, &res); err != nil {
		fmt.Fprintln(env.Stderr, "iamd account create: unreadable response:", err)
		return 1
	}
	out, _ := json.MarshalIndent(map[string]string{"AccountId": res.AccountID, "AccessKeyId": res.AccessKeyID, "SecretAccessKey": res.SecretAccessKey}, "", "  ")
	fmt.Fprintln(env.Stdout, string(out))
	return 0
}
