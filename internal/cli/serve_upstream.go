package cli

import (
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/iamd-dev/iamd/internal/api/frontapi"
	"github.com/iamd-dev/iamd/internal/upstream"
)

// listFlag is a flag that may be given several times; its values are kept in order.
type listFlag []string

func (l *listFlag) String() string { return "" } // never shows a value: some are keys

func (l *listFlag) Set(v string) error {
	*l = append(*l, v)
	return nil
}

// orEnv is the flag's values, else those of the environment variable (separated by commas
// or blanks).
func (l listFlag) orEnv(name string) []string {
	if len(l) > 0 {
		return l
	}
	return strings.FieldsFunc(os.Getenv(name), func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' })
}

// frontDoorFlags are the front door's flags of `iamd serve`.
type frontDoorFlags struct {
	upstreams, credentials listFlag
	enforce                *string
}

func (f *frontDoorFlags) config() (upstream.Set, frontapi.Enforce, error) {
	set, err := upstream.Parse(f.upstreams.orEnv("IAMD_UPSTREAM"), f.credentials.orEnv("IAMD_UPSTREAM_CREDENTIALS"))
	if err != nil {
		return upstream.Set{}, "", fmt.Errorf("--upstream: %w", err)
	}
	enforce, err := frontapi.ParseEnforce(*f.enforce)
	if err != nil {
		return upstream.Set{}, "", fmt.Errorf("--enforce: %w", err)
	}
	return set, enforce, nil
}

// describeUpstreams says where the front door forwards, without keys.
func describeUpstreams(set upstream.Set) string {
	var parts []string
	for service, t := range set.Services {
		parts = append(parts, service+"="+t.URL.String())
	}
	slices.Sort(parts)
	if set.Default != nil {
		parts = append(parts, "every other service="+set.Default.URL.String())
	}
	return strings.Join(parts, ", ")
}
