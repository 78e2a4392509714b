package ec2query

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/ec2"
)

// Params are a request's parameters, or one member of an indexed list of structures. EC2's
// Query protocol flattens lists with 1-based indexes and no ".member": InstanceId.1,
// Filter.1.Name, Filter.1.Value.1, TagSpecification.1.Tag.1.Key.
type Params url.Values

// Get returns a parameter's value ("" when absent).
func (p Params) Get(name string) string { return url.Values(p).Get(name) }

// indexed returns the members of the list name (name.1..., name.2...) in index order, each
// as its own parameters with the "name.N." prefix removed ("" holds a scalar member's value).
func (p Params) indexed(name string) []Params {
	prefix := name + "."
	byN := map[int]Params{}
	for k, v := range p {
		rest, ok := strings.CutPrefix(k, prefix)
		if !ok || len(v) == 0 {
			continue
		}
		num, field, _ := strings.Cut(rest, ".")
		n, err := strconv.Atoi(num)
		if err != nil || n < 1 {
			continue
		}
		if byN[n] == nil {
			byN[n] = Params{}
		}
		byN[n][field] = v
	}
	ns := make([]int, 0, len(byN))
	for n := range byN {
		ns = append(ns, n)
	}
	sort.Ints(ns)
	out := make([]Params, len(ns))
	for i, n := range ns {
		out[i] = byN[n]
	}
	return out
}

// List returns a list of strings (name.1, name.2, ...) in index order.
func (p Params) List(name string) []string {
	var out []string
	for _, m := range p.indexed(name) {
		out = append(out, m.Get(""))
	}
	return out
}

// Filters reads Filter.N.Name and Filter.N.Value.M.
func (p Params) Filters() []ec2.Filter {
	var out []ec2.Filter
	for _, m := range p.indexed("Filter") {
		out = append(out, ec2.Filter{Name: m.Get("Name"), Values: m.List("Value")})
	}
	return out
}

// TagSpecs reads TagSpecification.N.ResourceType and TagSpecification.N.Tag.M.Key/Value.
func (p Params) TagSpecs() []ec2.TagSpec {
	var out []ec2.TagSpec
	for _, m := range p.indexed("TagSpecification") {
		sp := ec2.TagSpec{ResourceType: m.Get("ResourceType")}
		for _, t := range m.indexed("Tag") {
			sp.Tags = append(sp.Tags, ec2.Tag{Key: t.Get("Key"), Value: t.Get("Value")})
		}
		out = append(out, sp)
	}
	return out
}

// Profile reads PREFIX.Name and PREFIX.Arn; nil when neither was sent.
func (p Params) Profile(prefix string) *ec2.ProfileRef {
	_, hasName := p[prefix+".Name"]
	_, hasARN := p[prefix+".Arn"]
	if !hasName && !hasARN {
		return nil
	}
	return &ec2.ProfileRef{Name: p.Get(prefix + ".Name"), ARN: p.Get(prefix + ".Arn")}
}

// Metadata reads the metadata options under prefix ("MetadataOptions." or "").
func (p Params) Metadata(prefix string) (ec2.MetadataInput, error) {
	in := ec2.MetadataInput{
		HTTPTokens: p.Get(prefix + "HttpTokens"), HTTPEndpoint: p.Get(prefix + "HttpEndpoint"),
		HTTPProtocolIPv6: p.Get(prefix + "HttpProtocolIpv6"), InstanceMetadataTags: p.Get(prefix + "InstanceMetadataTags"),
	}
	if v, ok := p[prefix+"HttpPutResponseHopLimit"]; ok && len(v) > 0 {
		n, err := parseInt32(v[0], "HttpPutResponseHopLimit")
		if err != nil {
			return in, err
		}
		in.HTTPPutResponseHopLimit = &n
	}
	return in, nil
}

// Int reads an optional integer parameter (0 when absent). EC2's integers are 32-bit: a
// value out of that range is as invalid as one that is not a number.
func (p Params) Int(name string) (int, error) {
	v, ok := p[name]
	if !ok || len(v) == 0 {
		return 0, nil
	}
	return parseInt32(v[0], name)
}

// RequiredInt reads an integer parameter the action needs (MissingParameter when absent).
func (p Params) RequiredInt(name string) (int, error) {
	v, ok := p[name]
	if !ok || len(v) == 0 {
		return 0, MissingParameter(name)
	}
	return parseInt32(v[0], name)
}

func parseInt32(v, name string) (int, error) {
	n, err := strconv.ParseInt(v, 10, 32)
	if err != nil {
		return 0, awserr.New("InvalidParameterValue", "Invalid value '%s' for %s", v, name)
	}
	return int(n), nil
}

// Bool reads a boolean parameter: true only when it says so (DryRun, Hibernate).
func (p Params) Bool(name string) bool {
	return strings.EqualFold(p.Get(name), "true")
}

// Hash identifies the parameters, leaving out those named: the same parameters in any order
// give the same hash.
func (p Params) Hash(leaveOut ...string) string {
	keys := make([]string, 0, len(p))
	for k := range p {
		if !slices.Contains(leaveOut, k) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	h := sha256.New()
	for _, k := range keys {
		for _, v := range p[k] {
			h.Write([]byte(k))
			h.Write([]byte{0})
			h.Write([]byte(v))
			h.Write([]byte{0})
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

// MissingParameter is EC2's answer for a parameter the action needs that was not sent.
func MissingParameter(name string) *awserr.Error {
	return awserr.New("MissingParameter", "The request must contain the parameter %s", name)
}
