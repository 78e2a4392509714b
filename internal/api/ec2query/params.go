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
)

// Params are a request's parameters, or a structure's (Struct, Structs). EC2's
// Query protocol flattens lists with 1-based indexes and no ".member": InstanceId.1,
// Filter.1.Name, Filter.1.Value.1, TagSpecification.1.Tag.1.Key.
type Params url.Values

// Get returns a parameter's value ("" when absent).
func (p Params) Get(name string) string { return url.Values(p).Get(name) }

// Has reports whether a parameter was sent (even empty).
func (p Params) Has(name string) bool { return len(p[name]) > 0 }

// Struct returns the members of the structure name (name.Member, name.Member.N, ...) as
// parameters of their own, with the "name." prefix removed.
func (p Params) Struct(name string) Params {
	prefix := name + "."
	out := Params{}
	for k, v := range p {
		if rest, ok := strings.CutPrefix(k, prefix); ok && len(v) > 0 {
			out[rest] = v
		}
	}
	return out
}

// Structs returns the members of the list name (name.1..., name.2...) in index order, each
// as its own parameters with the "name.N." prefix removed ("" holds a scalar member's value):
// Filter.1.Name and Filter.1.Value.1 are the first member's Name and Value.1.
func (p Params) Structs(name string) []Params {
	byN := map[int]Params{}
	for k, v := range p.Struct(name) {
		num, field, _ := strings.Cut(k, ".")
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
	for _, m := range p.Structs(name) {
		out = append(out, m.Get(""))
	}
	return out
}

// Int reads an optional integer parameter (0 when absent). EC2's integers are 32-bit: a
// value out of that range is as invalid as one that is not a number.
func (p Params) Int(name string) (int, error) {
	if !p.Has(name) {
		return 0, nil
	}
	return parseInt32(p.Get(name), name)
}

// RequiredInt reads an integer parameter the action needs (MissingParameter when absent).
func (p Params) RequiredInt(name string) (int, error) {
	if !p.Has(name) {
		return 0, MissingParameter(name)
	}
	return parseInt32(p.Get(name), name)
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
