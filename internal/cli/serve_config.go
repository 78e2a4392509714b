package cli

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/pelletier/go-toml/v2"
)

// envName is the environment variable of a flag of `iamd serve`: IAMD_ and the flag's name
// upper-cased, its dashes underscores (--account-id: IAMD_ACCOUNT_ID).
func envName(flagName string) string {
	return "IAMD_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// applyConfig gives each flag not set on the command line its value from its environment
// variable, else from the config file (--config, else IAMD_CONFIG): a flag wins over the
// environment, the environment over the file, the file over the default. The file is TOML,
// each key a flag's name; a key that names no flag is refused, as is a value of the wrong
// kind. A repeatable flag takes an array in the file and a comma- or blank-separated list in
// its variable.
func applyConfig(fs *flag.FlagSet, configFile string) error {
	onCommandLine := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { onCommandLine[f.Name] = true })
	if !onCommandLine["config"] {
		configFile = os.Getenv(envName("config"))
	}
	file, err := readConfig(fs, configFile)
	if err != nil {
		return err
	}
	var errs []error
	fs.VisitAll(func(f *flag.Flag) {
		if onCommandLine[f.Name] || f.Name == "config" {
			return
		}
		if v := os.Getenv(envName(f.Name)); v != "" {
			values := []string{v}
			if _, repeatable := f.Value.(*listFlag); repeatable {
				values = strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' })
			}
			if err := setAll(f, values); err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", envName(f.Name), err))
			}
			return
		}
		if values, ok := file[f.Name]; ok {
			if err := setAll(f, values); err != nil {
				errs = append(errs, fmt.Errorf("%s: %s: %w", configFile, f.Name, err))
			}
		}
	})
	return errors.Join(errs...)
}

func setAll(f *flag.Flag, values []string) error {
	if _, repeatable := f.Value.(*listFlag); repeatable {
		*f.Value.(*listFlag) = nil // the source chosen replaces the default, it does not add to it
	}
	for _, v := range values {
		if err := f.Value.Set(v); err != nil {
			return err
		}
	}
	return nil
}

// readConfig reads the file's settings, by flag name, as the strings the flags are set from.
func readConfig(fs *flag.FlagSet, path string) (map[string][]string, error) {
	if path == "" {
		return nil, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("--config: %w", err)
	}
	var raw map[string]any
	if err := toml.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("--config %s: %w", path, err)
	}
	settings := map[string][]string{}
	var unknown []string
	for key, v := range raw {
		f := fs.Lookup(key)
		if f == nil || key == "config" {
			unknown = append(unknown, strconv.Quote(key))
			continue
		}
		_, repeatable := f.Value.(*listFlag)
		values, err := configValues(v, repeatable)
		if err != nil {
			return nil, fmt.Errorf("--config %s: %s: %w", path, key, err)
		}
		settings[key] = values
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return nil, fmt.Errorf("--config %s: unknown key %s: the keys are the flags of iamd serve without their dashes (iamd serve -h lists them)", path, strings.Join(unknown, ", "))
	}
	return settings, nil
}

// configValues is a TOML value as flag values: a string, a boolean or an integer, or, for a
// repeatable flag, an array of strings too.
func configValues(v any, repeatable bool) ([]string, error) {
	switch v := v.(type) {
	case string:
		return []string{v}, nil
	case bool:
		return []string{strconv.FormatBool(v)}, nil
	case int64:
		return []string{strconv.FormatInt(v, 10)}, nil
	case []any:
		if !repeatable {
			return nil, errors.New("an array, for a flag given once")
		}
		var out []string
		for _, e := range v {
			s, ok := e.(string)
			if !ok {
				return nil, fmt.Errorf("an array holding %s, want strings", tomlElementKind(e))
			}
			out = append(out, s)
		}
		return out, nil
	}
	return nil, fmt.Errorf("%s, want a string", tomlKind(v))
}

// tomlElementKind names the kind of an array's element that is not a string.
func tomlElementKind(v any) string {
	switch v.(type) {
	case bool:
		return "a boolean"
	case int64:
		return "an integer"
	}
	return tomlKind(v)
}

// tomlKind names the kind of a TOML value that no flag takes.
func tomlKind(v any) string {
	switch v.(type) {
	case map[string]any:
		return "a table"
	case float64:
		return "a float"
	case []any:
		return "an array"
	}
	return fmt.Sprintf("a %T (a date or time)", v)
}
