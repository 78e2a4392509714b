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

	"github.com/iamd-dev/iamd/internal/arn"
)

//go:embed policies.txt.gz
var compressed []byte

// namespace is what follows the partition in the ARN of every AWS managed policy
// (arn:PARTITION:iam::aws:policy/PATH/NAME). The data holds the aws partition's ARNs; each
// partition has the same policies under its own ARNs.
const namespace = ":iam::aws:policy/"

// ARNPrefix starts the ARN of every AWS managed policy of the partition.
func ARNPrefix(partition string) string { return "arn:" + arn.OrDefault(partition) + namespace }

// split returns the partition of an AWS managed policy's ARN and the ARN in the aws
// partition, as the data keys it; ok is false for any other ARN.
func split(policyARN string) (partition, inAWS string, ok bool) {
	partition = arn.PartitionOfARN(policyARN)
	rest, found := strings.CutPrefix(policyARN, "arn:"+partition+namespace)
	if !found || !arn.IsPartition(partition) {
		return "", "", false
	}
	return partition, ARNPrefix(arn.AWS) + rest, true
}

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

// DocumentIn returns the document as the partition's copy of the policy has it: the ARNs it
// names are the partition's (AWS publishes each partition's managed policies with its own
// ARNs: "arn:aws-cn:s3:::*").
func (p *Policy) DocumentIn(partition string) string {
	doc := p.Document()
	if partition == "" || partition == arn.AWS {
		return doc
	}
	return strings.ReplaceAll(doc, `"arn:`+arn.AWS+":", `"arn:`+partition+":")
}

// ARNIn returns the policy's ARN in the partition.
func (p *Policy) ARNIn(partition string) string {
	return ARNPrefix(partition) + strings.TrimPrefix(p.ARN, ARNPrefix(arn.AWS))
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

// Lookup returns the AWS managed policy with the ARN (exactly as AWS spells it, in any
// partition: arn:aws-cn:iam::aws:policy/ReadOnlyAccess is ReadOnlyAccess too).
func Lookup(policyARN string) (*Policy, bool) {
	_, key, ok := split(policyARN)
	if !ok {
		return nil, false
	}
	p, ok := Default().byARN[key]
	return p, ok
}

// IsAWSManaged reports whether an ARN is in AWS's managed-policy namespace of a partition.
func IsAWSManaged(policyARN string) bool {
	_, _, ok := split(policyARN)
	return ok
}

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
		if len(f) != 5 || !strings.HasPrefix(f[0], ARNPrefix(arn.AWS)) {
			return nil, fmt.Errorf("line %d: malformed policy record", n)
		}
		created, err1 := time.Parse(time.RFC3339, f[2])
		updated, err2 := time.Parse(time.RFC3339, f[3])
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("line %d: malformed dates", n)
		}
		rest := "/" + strings.TrimPrefix(f[0], ARNPrefix(arn.AWS))
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
