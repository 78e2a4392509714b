package cli

import (
	"context"
	"encoding/xml"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/iamd-dev/iamd/internal/awsclient"
	"github.com/iamd-dev/iamd/internal/secretbox"
)

const rotateUsage = `usage: iamd rotate-master-key --generate FILE
       iamd rotate-master-key --new-key-file FILE [--endpoint URL]

--generate FILE writes a new random master key to FILE (created with mode 0600; it must
not exist): the key to start iamd serve with (--master-key-file FILE), or to rotate to.

--new-key-file FILE rotates a running server to the key in FILE, online: the server
re-seals every secret value, MFA seed, private key, access key secret and service
password under it, then retires its old key and rewrites the key file it was started
from (DATA/master.key or --master-key-file). Session tokens and encoded authorization
messages issued before the rotation end (callers get InvalidClientTokenId and take new
credentials). FILE must be readable by the server, which reads it on its own machine.
Only the default account's root user may rotate.
`

func runRotateMasterKey(ctx context.Context, args []string, env Env) int {
	fs := flag.NewFlagSet("iamd rotate-master-key", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.Usage = func() { fmt.Fprint(env.Stderr, rotateUsage) }
	generate := fs.String("generate", "", "write a new random master key to this file (mode 0600)")
	newKeyFile := fs.String("new-key-file", "", "file of the key to rotate the running server to")
	endpoint := fs.String("endpoint", "", "endpoint URL (default: as the aws CLI finds it, AWS_ENDPOINT_URL ...)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if (*generate == "") == (*newKeyFile == "") || fs.NArg() != 0 {
		fmt.Fprint(env.Stderr, rotateUsage)
		return 2
	}
	if *generate != "" {
		key, err := secretbox.GenerateKeyFile(*generate)
		if errors.Is(err, os.ErrExist) {
			fmt.Fprintf(env.Stderr, "iamd rotate-master-key: %s exists: a key file is never overwritten\n", *generate)
			return 1
		}
		if err != nil {
			fmt.Fprintln(env.Stderr, "iamd rotate-master-key:", err)
			return 1
		}
		fmt.Fprintf(env.Stderr, "wrote a new master key (id %s) to %s\n", secretbox.IDOf(key), *generate)
		clear(key)
		return 0
	}
	path, err := filepath.Abs(*newKeyFile)
	if err != nil {
		fmt.Fprintln(env.Stderr, "iamd rotate-master-key:", err)
		return 2
	}
	// Checked here too, for a clear message before the server is asked.
	keys, err := secretbox.LoadKeyFile(path)
	if err != nil {
		fmt.Fprintln(env.Stderr, "iamd rotate-master-key:", strings.TrimPrefix(err.Error(), "secretbox: "))
		return 1
	}
	newID := secretbox.IDOf(keys[0])
	clear(keys[0])
	cfg, err := awsclient.Resolve(*endpoint)
	if err != nil {
		fmt.Fprintln(env.Stderr, "iamd rotate-master-key:", err)
		return 2
	}
	client := awsclient.New(cfg, 1)
	client.HTTP.Timeout = 0 // a large store takes a while; the server finishes even if this ends
	fmt.Fprintf(env.Stderr, "rotating the master key to the key of id %s ...\n", newID)
	body, err := client.Query(ctx, "iamd", map[string][]string{"Action": {"RotateMasterKey"}, "NewKeyFile": {path}})
	if err != nil {
		fmt.Fprintln(env.Stderr, "iamd rotate-master-key:", err)
		return 1
	}
	var res struct {
		NewKeyID string   `xml:"RotateMasterKeyResult>NewKeyId"`
		Retired  []string `xml:"RotateMasterKeyResult>RetiredKeyIds>member"`
		Resealed []struct {
			Collection string `xml:"Collection"`
			Count      int    `xml:"Count"`
		} `xml:"RotateMasterKeyResult>Resealed>member"`
		Passes       int      `xml:"RotateMasterKeyResult>Passes"`
		KeyFile      string   `xml:"RotateMasterKeyResult>KeyFile"`
		KeyFileError string   `xml:"RotateMasterKeyResult>KeyFileError"`
		Ended        []string `xml:"RotateMasterKeyResult>Ended>member"`
	}
	if err := xml.Unmarshal(body, &res); err != nil {
		fmt.Fprintln(env.Stderr, "iamd rotate-master-key: unreadable response:", err)
		return 1
	}
	total := 0
	for _, r := range res.Resealed {
		total += r.Count
	}
	fmt.Fprintf(env.Stdout, "the master key is now the key of id %s; retired: %s\n", res.NewKeyID, orNone(res.Retired))
	fmt.Fprintf(env.Stdout, "re-sealed %d values in %d passes:\n", total, res.Passes)
	for _, r := range res.Resealed {
		fmt.Fprintf(env.Stdout, "  %-28s %d\n", r.Collection, r.Count)
	}
	if len(res.Ended) > 0 {
		fmt.Fprintf(env.Stdout, "ended, as on AWS when a signing key is rotated: %s (callers take new credentials)\n", strings.Join(res.Ended, "; "))
	}
	switch {
	case res.KeyFile != "":
		fmt.Fprintf(env.Stdout, "the server's key file %s now holds the new key only\n", res.KeyFile)
	case res.KeyFileError != "":
		fmt.Fprintln(env.Stdout, res.KeyFileError)
	default:
		fmt.Fprintf(env.Stdout, "the server took its key from the environment (IAMD_MASTER_KEY or --master-key): set it to the key in %s before the server restarts, or it will refuse to start\n", path)
	}
	fmt.Fprintln(env.Stdout, "other replicas on the same store: restart each with the new key only")
	return 0
}

func orNone(ids []string) string {
	if len(ids) == 0 {
		return "none"
	}
	return strings.Join(ids, ", ")
}
