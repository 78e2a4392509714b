package policy

import (
	"math"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// parseNumber reads a numeric condition value (integer or decimal); NaN when it is not one,
// which compares false with everything.
func parseNumber(s string) float64 {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil {
		return math.NaN()
	}
	return f
}

func compareNumbers(got, want float64, c cmp) bool {
	switch c {
	case cmpEq:
		return got == want
	case cmpLt:
		return got < want
	case cmpLe:
		return got <= want
	case cmpGt:
		return got > want
	case cmpGe:
		return got >= want
	}
	return false
}

func compareInts(got, want int64, c cmp) bool {
	switch c {
	case cmpEq:
		return got == want
	case cmpLt:
		return got < want
	case cmpLe:
		return got <= want
	case cmpGt:
		return got > want
	case cmpGe:
		return got >= want
	}
	return false
}

// dateInvalid marks a value that is not a date.
const dateInvalid = math.MinInt64

// dateLayouts are the W3C ISO 8601 forms AWS accepts in Date conditions and aws:CurrentTime
// (a bare year reads as epoch seconds, AWS's other form).
var dateLayouts = [...]string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05Z0700",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04:05",
	"2006-01-02T15:04",
	"2006-01-02",
	"2006-01",
	"20060102T150405Z",
}

// parseDate reads an ISO 8601 date or an epoch time in seconds (aws:EpochTime's form) and
// returns it as Unix nanoseconds.
func parseDate(s string) int64 {
	s = strings.TrimSpace(s)
	if s == "" {
		return dateInvalid
	}
	if isDigits(s) {
		secs, err := strconv.ParseInt(s, 10, 64)
		if err != nil || secs > math.MaxInt64/int64(time.Second) {
			return dateInvalid
		}
		return secs * int64(time.Second)
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		return int64(f * float64(time.Second))
	}
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UnixNano()
		}
	}
	return dateInvalid
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// parseIPRange reads an IPv4 or IPv6 address or CIDR block; a bare address is a single-host
// range. The zero Prefix (invalid) never matches.
func parseIPRange(s string) netip.Prefix {
	s = strings.TrimSpace(s)
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}
		}
		if p.Addr().Is4In6() {
			p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
		}
		return p.Masked()
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen())
}
