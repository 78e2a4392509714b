package cli

import (
	"flag"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// clearServeEnv unsets every IAMD_ variable of a serve flag for the test.
func clearServeEnv(t *testing.T) {
	t.Helper()
	fs := flag.NewFlagSet("", flag.ContinueOnError)
	newServeFlags(fs)
	fs.VisitAll(func(f *flag.Flag) { t.Setenv(envName(f.Name), "") })
}

func parseServe(t *testing.T, args ...string) (*flag.FlagSet, error) {
	t.Helper()
	fs := flag.NewFlagSet("iamd serve", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	_, err := parseServeFlags(fs, args)
	return fs, err
}

func writeConfig(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "iamd.toml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// flagValues is a flag's value as the tests compare it: a repeatable flag's values, else
// its string.
func flagValues(f *flag.Flag) []string {
	if l, ok := f.Value.(*listFlag); ok {
		return *l
	}
	return []string{f.Value.String()}
}

// sample is a value each flag takes, by its kind, and the TOML that sets it.
func sample(f *flag.Flag) (want []string, toml string) {
	if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
		return []string{"true"}, f.Name + " = true\n"
	}
	if g, ok := f.Value.(flag.Getter); ok {
		if _, isInt := g.Get().(int); isInt {
			n := strconv.Itoa(1000 + len(f.Name)) // a number of its own for each flag
			return []string{n}, f.Name + " = " + n + "\n"
		}
	}
	v := "from-file-" + f.Name
	if _, ok := f.Value.(*listFlag); ok {
		return []string{v, v + "-2"}, f.Name + ` = ["` + v + `", "` + v + `-2"]` + "\n"
	}
	return []string{v}, f.Name + ` = "` + v + `"` + "\n"
}

// Every flag of iamd serve is a key of the config file and an IAMD_ variable.
func TestEveryServeFlagIsSettableFromTheFileAndTheEnvironment(t *testing.T) {
	clearServeEnv(t)
	all := flag.NewFlagSet("", flag.ContinueOnError)
	newServeFlags(all)
	var toml strings.Builder
	want := map[string][]string{}
	all.VisitAll(func(f *flag.Flag) {
		if f.Name == "config" {
			return
		}
		want[f.Name], _ = sample(f)
		_, line := sample(f)
		toml.WriteString(line)
	})
	if len(want) < 15 {
		t.Fatalf("only %d flags enumerated", len(want))
	}
	fs, err := parseServe(t, "--config", writeConfig(t, toml.String()))
	if err != nil {
		t.Fatal(err)
	}
	for name, w := range want {
		if got := flagValues(fs.Lookup(name)); !slices.Equal(got, w) {
			t.Errorf("%s from the file: %q, want %q", name, got, w)
		}
	}

	for name, w := range want {
		t.Setenv(envName(name), strings.Join(w, ","))
	}
	fs, err = parseServe(t)
	if err != nil {
		t.Fatal(err)
	}
	for name, w := range want {
		if got := flagValues(fs.Lookup(name)); !slices.Equal(got, w) {
			t.Errorf("%s from %s: %q, want %q", name, envName(name), got, w)
		}
	}
}

// A flag wins over the environment, the environment over the file, the file over the default.
func TestServeSettingsPrecedence(t *testing.T) {
	clearServeEnv(t)
	file := writeConfig(t, "addr = \"127.0.0.1:1001\"\nregion = \"eu-west-1\"\naccount-id = \"111111111111\"\ntrusted-proxy = [\"10.0.0.0/8\"]\n")
	t.Setenv("IAMD_ADDR", "127.0.0.1:1002")
	t.Setenv("IAMD_REGION", "eu-west-2")
	t.Setenv("IAMD_TRUSTED_PROXY", "192.168.0.0/16 172.16.0.0/12")
	t.Setenv("IAMD_CONFIG", file)
	fs, err := parseServe(t, "--addr", "127.0.0.1:1003", "--trusted-proxy", "10.9.9.9")
	if err != nil {
		t.Fatal(err)
	}
	for name, w := range map[string][]string{
		"addr":          {"127.0.0.1:1003"},           // the flag
		"region":        {"eu-west-2"},                // the environment
		"account-id":    {"111111111111"},             // the file (IAMD_CONFIG)
		"enforce":       {"on"},                       // the default
		"trusted-proxy": {"10.9.9.9"},                 // the flag replaces the others' lists
		"audit":         {"-"},                        // the default
		"tls":           {"false"},                    // the default
		"upstream":      nil,                          // the default
		"data":          {fs.Lookup("data").DefValue}, // the default
	} {
		if got := flagValues(fs.Lookup(name)); !slices.Equal(got, w) {
			t.Errorf("%s: %q, want %q", name, got, w)
		}
	}
	fs, err = parseServe(t)
	if err != nil {
		t.Fatal(err)
	}
	if got := flagValues(fs.Lookup("trusted-proxy")); !slices.Equal(got, []string{"192.168.0.0/16", "172.16.0.0/12"}) {
		t.Errorf("trusted-proxy from IAMD_TRUSTED_PROXY: %q", got)
	}
}

// A key that names no flag, or a value of the wrong kind, is refused with the file's name.
func TestServeConfigRefusesUnknownKeys(t *testing.T) {
	clearServeEnv(t)
	for text, want := range map[string]string{
		"adress = \"127.0.0.1:1\"\n": `unknown key "adress": the keys are the flags of iamd serve`,
		"config = \"other.toml\"\n":  `unknown key "config"`,
		"[server]\naddr = \"x\"\n":   `unknown key "server"`,
		"addr = [\"a\", \"b\"]\n":    "addr: an array, for a flag given once",
		"trusted-proxy = [1]\n":      "trusted-proxy: an array holding an integer, want strings",
		"addr = 1.5\n":               "addr: a float, want a string",
		"tls = \"maybe\"\n":          "tls: parse error",
		"addr = \n":                  "--config",
	} {
		path := writeConfig(t, text)
		_, err := parseServe(t, "--config", path)
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), path) {
			t.Errorf("%q: %v, want an error naming %s with %q", text, err, path, want)
		}
	}
	if _, err := parseServe(t, "--config", filepath.Join(t.TempDir(), "missing.toml")); err == nil {
		t.Error("a missing config file was taken")
	}
}

// The README's configuration table has a row for every flag of iamd serve, with its variable.
func TestReadmeListsEveryServeKey(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	fs := flag.NewFlagSet("", flag.ContinueOnError)
	newServeFlags(fs)
	fs.VisitAll(func(f *flag.Flag) {
		if f.Name == "config" {
			return
		}
		if row := "| `" + f.Name + "` | `" + envName(f.Name) + "` |"; !strings.Contains(string(readme), row) {
			t.Errorf("README.md has no row %q", row)
		}
	})
}
