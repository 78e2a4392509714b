package access

import (
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/iamd-dev/iamd/internal/policy"
)

// candidate is a value of a condition's key that may satisfy an Allow statement's condition
// (or avoid a Deny statement's), or nil when none is proposed: negated operators, and
// absent keys, are satisfied by leaving the key out. The engine decides whether a candidate
// works; a wrong one only means the edge is not found through it.
func candidate(c *policy.Condition, effect policy.Effect) []string {
	op := c.Operator
	if i := strings.IndexByte(op, ':'); i >= 0 {
		op = op[i+1:] // ForAnyValue:, ForAllValues:
	}
	op = strings.TrimSuffix(op, "IfExists")
	if len(c.Values) == 0 {
		return nil
	}
	v := c.Values[0]
	if effect == policy.Deny {
		switch {
		case strings.EqualFold(op, "Bool"):
			if strings.EqualFold(v, "true") {
				return []string{"false"}
			}
			return []string{"true"}
		case strings.EqualFold(op, "Null") && strings.EqualFold(v, "true"):
			return []string{"true"} // present, to escape a Deny of its absence
		}
		return nil
	}
	if strings.Contains(v, "${") {
		return nil // a policy variable: its value is the request's, not the policy's
	}
	switch strings.ToLower(op) {
	case "stringequals", "stringequalsignorecase", "binaryequals", "bool", "arnequals",
		"numericequals", "numericlessthanequals", "numericgreaterthanequals",
		"dateequals", "datelessthanequals", "dategreaterthanequals":
		return []string{v}
	case "stringlike", "arnlike":
		return []string{strings.NewReplacer("*", "", "?", "x").Replace(v)}
	case "numericlessthan", "numericgreaterthan":
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return nil
		}
		if strings.EqualFold(op, "NumericLessThan") {
			f--
		} else {
			f++
		}
		return []string{strconv.FormatFloat(f, 'f', -1, 64)}
	case "datelessthan", "dategreaterthan":
		t, ok := parseDate(v)
		if !ok {
			return nil
		}
		if strings.EqualFold(op, "DateLessThan") {
			t = t.Add(-time.Second)
		} else {
			t = t.Add(time.Second)
		}
		return []string{t.UTC().Format(time.RFC3339)}
	case "ipaddress":
		p, err := netip.ParsePrefix(v)
		if err != nil {
			if a, err := netip.ParseAddr(v); err == nil {
				return []string{a.String()}
			}
			return nil
		}
		return []string{p.Masked().Addr().String()}
	case "null":
		if strings.EqualFold(v, "false") {
			return []string{"true"} // present, with any value
		}
	}
	return nil
}

func parseDate(v string) (time.Time, bool) {
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		return time.Unix(n, 0), true
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04Z07:00", "2006-01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}
