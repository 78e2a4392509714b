// Command gen regenerates internal/opmodel/models.txt.gz, the AWS service API models, from
// the Apache-2.0-licensed npm package aws-sdk (the AWS SDK for JavaScript v2). It fetches the
// package with `npm pack` into a temporary directory (no node_modules), reads every
// apis/<service>-<apiVersion>.min.json, keeps each service's newest API version and of it
// only what internal/opmodel needs, and writes a compact, gzip'd, line-oriented file that
// internal/opmodel embeds, so a build needs no npm.
//
// Run it from the repository root with:
//
//	go generate ./internal/opmodel
//
// The format, one record a line, fields separated by tabs, an empty field meaning "none":
//
//	#	package	version
//	S	id	apiVersion	protocol	endpointPrefix	signingName	targetPrefix	jsonVersion	queryCompatible
//	                                                a service ("q" when the model marks it
//	                                                awsQueryCompatible); the records below
//	                                                belong to it
//	O	name	method	requestUri	deprecated      an operation ("d" when deprecated); the
//	                                                records below belong to it
//	M	name	location	locationName	type	required
//	                                                a top-level member of its input ("r" when
//	                                                required); locationName only when it
//	                                                differs from name
//
// Services are sorted by id, operations and members by name. signingName is the model's, or
// its endpointPrefix when it has none. method and requestUri are the model's, POST and "/"
// when it leaves them out (as it does for query, ec2 and json services). A member's type is
// its shape's ("string" when the model leaves it out). For the ec2 protocol, locationName is
// the query key the member travels under (its model locationName with the first letter
// upper-cased), as EC2 spells it on the wire.
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
	pkg := flag.String("package", "aws-sdk", "npm package (with @version) to read")
	out := flag.String("out", "models.txt.gz", "file to write")
	flag.Parse()
	files, err := npmpack.Files(*pkg, func(p string) bool { return p == "package.json" || modelFile.MatchString(p) })
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

// modelFile is a service model's path in the package: its id and API version.
var modelFile = regexp.MustCompile(`^apis/(.+)-(\d{4}-\d{2}-\d{2})\.min\.json$`)

type rawModel struct {
	Metadata struct {
		APIVersion     string `json:"apiVersion"`
		Protocol       string `json:"protocol"`
		EndpointPrefix string `json:"endpointPrefix"`
		SigningName    string `json:"signingName"`
		TargetPrefix   string `json:"targetPrefix"`
		JSONVersion    string `json:"jsonVersion"`

		AWSQueryCompatible *struct{} `json:"awsQueryCompatible"`
	} `json:"metadata"`
	Operations map[string]struct {
		HTTP struct {
			Method     string `json:"method"`
			RequestURI string `json:"requestUri"`
		} `json:"http"`
		Input      *rawShape `json:"input"`
		Deprecated bool      `json:"deprecated"`
	} `json:"operations"`
	Shapes map[string]*rawShape `json:"shapes"`
}

// rawShape is a shape, or a member referring to one by name (Shape).
type rawShape struct {
	Shape        string               `json:"shape"`
	Type         string               `json:"type"`
	Required     []string             `json:"required"`
	Members      map[string]*rawShape `json:"members"`
	Location     string               `json:"location"`
	LocationName string               `json:"locationName"`
}

func build(files map[string][]byte) ([]byte, error) {
	var meta struct {
		Name    string `json:"name"`
		Version string `json:"version"`
	}
	if err := json.Unmarshal(files["package.json"], &meta); err != nil {
		return nil, fmt.Errorf("package.json: %w", err)
	}
	var b strings.Builder
	if err := record(&b, "#", meta.Name, meta.Version); err != nil {
		return nil, err
	}
	newest := newestModels(files)
	for _, id := range sortedKeys(newest) {
		path := newest[id]
		if err := writeService(&b, id, path, files[path]); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
	}
	return []byte(b.String()), nil
}

// newestModels is, by service id, the path of its newest API version's model.
func newestModels(files map[string][]byte) map[string]string {
	newest := map[string]string{}
	versions := map[string]string{}
	for p := range files {
		m := modelFile.FindStringSubmatch(p)
		if m != nil && m[2] > versions[m[1]] {
			newest[m[1]], versions[m[1]] = p, m[2]
		}
	}
	return newest
}

func writeService(b *strings.Builder, id, path string, raw []byte) error {
	var m rawModel
	if err := json.Unmarshal(raw, &m); err != nil {
		return err
	}
	md := m.Metadata
	if want := modelFile.FindStringSubmatch(path)[2]; md.APIVersion != want {
		return fmt.Errorf("apiVersion %q, file name says %q", md.APIVersion, want)
	}
	if md.Protocol == "" || md.EndpointPrefix == "" {
		return fmt.Errorf("no protocol or endpointPrefix")
	}
	signingName := md.SigningName
	if signingName == "" {
		signingName = md.EndpointPrefix
	}
	if err := record(b, "S", id, md.APIVersion, md.Protocol, md.EndpointPrefix, signingName, md.TargetPrefix, md.JSONVersion, mark(md.AWSQueryCompatible != nil, "q")); err != nil {
		return err
	}
	for _, name := range sortedKeys(m.Operations) {
		op := m.Operations[name]
		method, uri := op.HTTP.Method, op.HTTP.RequestURI
		if method == "" {
			method = "POST"
		}
		if uri == "" {
			uri = "/"
		}
		if err := record(b, "O", name, method, uri, mark(op.Deprecated, "d")); err != nil {
			return err
		}
		input := m.resolve(op.Input)
		if input == nil {
			continue
		}
		required := map[string]bool{}
		for _, r := range input.Required {
			required[r] = true
		}
		for _, mn := range sortedKeys(input.Members) {
			mem := input.Members[mn]
			wire := mem.LocationName
			if md.Protocol == "ec2" && wire != "" {
				wire = strings.ToUpper(wire[:1]) + wire[1:]
			}
			if wire == mn {
				wire = ""
			}
			if err := record(b, "M", mn, mem.Location, wire, m.typeOf(mem), mark(required[mn], "r")); err != nil {
				return fmt.Errorf("%s.%s: %w", name, mn, err)
			}
		}
	}
	return nil
}

// resolve is the shape a member or an operation's input names, or the member itself when it
// is inline.
func (m *rawModel) resolve(s *rawShape) *rawShape {
	if s != nil && s.Shape != "" {
		return m.Shapes[s.Shape]
	}
	return s
}

// typeOf is a member's type: its own, else its shape's, else string.
func (m *rawModel) typeOf(mem *rawShape) string {
	if mem.Type != "" {
		return mem.Type
	}
	if s := m.resolve(mem); s != nil && s.Type != "" {
		return s.Type
	}
	return "string"
}

// record writes one line, refusing a field that holds a separator.
func record(b *strings.Builder, fields ...string) error {
	for _, f := range fields {
		if strings.ContainsAny(f, "\t\n") {
			return fmt.Errorf("field %q holds a tab or a newline", f)
		}
	}
	b.WriteString(strings.Join(fields, "\t"))
	b.WriteByte('\n')
	return nil
}

// mark is set when on, else empty.
func mark(on bool, set string) string {
	if on {
		return set
	}
	return ""
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
