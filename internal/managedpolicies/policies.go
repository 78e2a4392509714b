package managedpolicies

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	_ "embed"
	"encoding/base32"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"
)

//go:embed policies.txt.gz
var compressed []byte

// ARNPrefix starts the ARN of every AWS managed policy.
const ARNPrefix = "arn:aws:iam::aws:policy/"

// Policy is an AWS managed policy with its default version.
type Policy struct {
	ARN            string
	Name           string
	Path           string // "/", "/service-role/", "/aws-service-role/", "/job-function/", ...
	ID             string // ANPA..., derived from the ARN: the data carries no policy ids
	DefaultVersion string // v1, v2, ...
	CreateDate     time.Time
	UpdateDate     time.Time // when the default version was created

	compact string // the default version's document, compacted
}

// Document returns the default version's document, indented with four spaces as AWS
// writes its managed policies.
func (p *Policy) Document() string {
	var b bytes.Buffer
	if err := json.Indent(&b, []byte(p.compact), "", "    "); err != nil {
		return p.compact
	}
	return b.String()
}

// Set is every AWS managed policy.
type Set struct {
	Source, Version string
	Policies        []*Policy // by name
	byARN           map[string]*Policy
}

var (
	once   sync.Once
	loaded *Set
	errc   error
)

// Default returns the embedded policies, loading them on first use.
func Default() *Set {
	once.Do(func() { loaded, errc = Load(compressed) })
	if errc != nil {
		panic("managedpolicies: the embedded data is corrupt: " + errc.Error())
	}
	return loaded
}

// Lookup returns the AWS managed policy with the ARN (exactly as AWS spells it).
func Lookup(arn string) (*Policy, bool) {
	if !IsAWSManaged(arn) {
		return nil, false
	}
	p, ok := Default().byARN[arn]
	return p, ok
}

// IsAWSManaged reports whether an ARN is in AWS's managed-policy namespace.
func IsAWSManaged(arn string) bool { return strings.HasPrefix(arn, ARNPrefix) }

// Load reads policies in the format ./gen writes.
func Load(gz []byte) (*Set, error) {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(zr); err != nil {
		return nil, err
	}
	text := buf.String()
	s := &Set{byARN: map[string]*Policy{}}
	for n := 1; len(text) > 0; n++ {
		var line string
		if i := strings.IndexByte(text, '\n'); i >= 0 {
			line, text = text[:i], text[i+1:]
		} else {
			line, text = text, ""
		}
		f := strings.Split(line, "\t")
		if f[0] == "#" {
			if len(f) != 3 {
				return nil, fmt.Errorf("line %d: malformed header", n)
			}
			s.Source, s.Version = f[1], f[2]
			continue
		}
		if len(f) != 5 || !IsAWSManaged(f[0]) {
			return nil, fmt.Errorf("line %d: malformed policy record", n)
		}
		created, err1 := time.Parse(time.RFC3339, f[2])
		updated, err2 := time.Parse(time.RFC3339, f[3])
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("line %d: malformed dates", n)
		}
		rest := strings.TrimPrefix(f[0], "arn:aws:iam::aws:policy")
		j := strings.LastIndexByte(rest, '/')
		p := &Policy{
			ARN: f[0], Name: rest[j+1:], Path: rest[:j+1], ID: policyID(f[0]), DefaultVersion: f[1],
			CreateDate: created.UTC(), UpdateDate: updated.UTC(), compact: f[4],
		}
		s.Policies = append(s.Policies, p)
		s.byARN[p.ARN] = p
	}
	if s.Version == "" || len(s.Policies) == 0 {
		return nil, fmt.Errorf("no header or no policies")
	}
	sort.Slice(s.Policies, func(i, j int) bool { return strings.ToLower(s.Policies[i].Name) < strings.ToLower(s.Policies[j].Name) })
	return s, nil
}

// policyID derives a stable policy id of AWS's shape (ANPA and 17 characters) from an ARN.
func policyID(arn string) string {
	sum := sha256.Sum256([]byte(arn))
	return "ANPA" + base32.StdEncoding.EncodeToString(sum[:])[:17]
}
