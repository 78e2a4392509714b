package ec2api

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/iamd-dev/iamd/internal/ec2"
)

// EC2's Query protocol flattens lists with 1-based indexes and no ".member": InstanceId.1,
// Filter.1.Name, Filter.1.Value.1, TagSpecification.1.Tag.1.Key.

// indexed returns the members of the list name (name.1..., name.2...) in index order, each
// as its own parameters with the "name.N." prefix removed ("" holds a scalar member's value).
func indexed(params url.Values, name string) []url.Values {
	prefix := name + "."
	byN := map[int]url.Values{}
	for k, v := range params {
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
			byN[n] = url.Values{}
		}
		byN[n][field] = v
	}
	ns := make([]int, 0, len(byN))
	for n := range byN {
		ns = append(ns, n)
	}
	sort.Ints(ns)
	out := make([]url.Values, len(ns))
	for i, n := range ns {
		out[i] = byN[n]
	}
	return out
}

// strList returns a list of strings (name.1, name.2, ...).
func strList(params url.Values, name string) []string {
	var out []string
	for _, m := range indexed(params, name) {
		out = append(out, m.Get(""))
	}
	return out
}

// filters reads Filter.N.Name and Filter.N.Value.M.
func filters(params url.Values) []ec2.Filter {
	var out []ec2.Filter
	for _, m := range indexed(params, "Filter") {
		out = append(out, ec2.Filter{Name: m.Get("Name"), Values: strList(m, "Value")})
	}
	return out
}

// tagSpecs reads TagSpecification.N.ResourceType and TagSpecification.N.Tag.M.Key/Value.
func tagSpecs(params url.Values) []ec2.TagSpec {
	var out []ec2.TagSpec
	for _, m := range indexed(params, "TagSpecification") {
		sp := ec2.TagSpec{ResourceType: m.Get("ResourceType")}
		for _, t := range indexed(m, "Tag") {
			sp.Tags = append(sp.Tags, ec2.Tag{Key: t.Get("Key"), Value: t.Get("Value")})
		}
		out = append(out, sp)
	}
	return out
}

// profileRef reads PREFIX.Name and PREFIX.Arn; nil when neither was sent.
func profileRef(params url.Values, prefix string) *ec2.ProfileRef {
	_, hasName := params[prefix+".Name"]
	_, hasARN := params[prefix+".Arn"]
	if !hasName && !hasARN {
		return nil
	}
	return &ec2.ProfileRef{Name: params.Get(prefix + ".Name"), ARN: params.Get(prefix + ".Arn")}
}

// metadataInput reads the metadata options under prefix ("MetadataOptions." or "").
func metadataInput(params url.Values, prefix string) (ec2.MetadataInput, error) {
	in := ec2.MetadataInput{
		HTTPTokens: params.Get(prefix + "HttpTokens"), HTTPEndpoint: params.Get(prefix + "HttpEndpoint"),
		HTTPProtocolIPv6: params.Get(prefix + "HttpProtocolIpv6"), InstanceMetadataTags: params.Get(prefix + "InstanceMetadataTags"),
	}
	if v, ok := params[prefix+"HttpPutResponseHopLimit"]; ok && len(v) > 0 {
		n, err := parseInt32(v[0], "HttpPutResponseHopLimit")
		if err != nil {
			return in, err
		}
		in.HTTPPutResponseHopLimit = &n
	}
	return in, nil
}

// intParam reads an optional integer parameter (0 when absent). EC2's integers are 32-bit:
// a value out of that range is as invalid as one that is not a number.
func intParam(params url.Values, name string) (int, error) {
	v, ok := params[name]
	if !ok || len(v) == 0 {
		return 0, nil
	}
	return parseInt32(v[0], name)
}

// requiredIntParam reads an integer parameter the action needs (MissingParameter when absent).
func requiredIntParam(params url.Values, name string) (int, error) {
	v, ok := params[name]
	if !ok || len(v) == 0 {
		return 0, missingParam(name)
	}
	return parseInt32(v[0], name)
}

func parseInt32(v, name string) (int, error) {
	n, err := strconv.ParseInt(v, 10, 32)
	if err != nil {
		return 0, invalidValue(v, name)
	}
	return int(n), nil
}

func boolParam(params url.Values, name string) bool {
	return strings.EqualFold(params.Get(name), "true")
}

// requestHash identifies a request's parameters, leaving out those named: the same
// parameters in any order give the same hash.
func requestHash(params url.Values, leaveOut ...string) string {
	keys := make([]string, 0, len(params))
	for k := range params {
		if !slices.Contains(leaveOut, k) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	h := sha256.New()
	for _, k := range keys {
		for _, v := range params[k] {
			h.Write([]byte(k))
			h.Write([]byte{0})
			h.Write([]byte(v))
			h.Write([]byte{0})
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}
