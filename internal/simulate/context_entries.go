package simulate

import (
	"encoding/base64"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/iamd-dev/iamd/internal/awserr"
	"github.com/iamd-dev/iamd/internal/policy"
)

// contextKeyTypes are ContextEntry's ContextKeyType values.
var contextKeyTypes = []string{"string", "stringList", "numeric", "numericList", "boolean", "booleanList", "ip", "ipList", "binary", "binaryList", "date", "dateList"}

// contextOf makes the simulation's request context of the context entries, checking each
// value against its type. supplied holds the lower-cased names given.
func contextOf(entries []ContextEntry) (ctx policy.Context, supplied map[string]bool, err error) {
	supplied = map[string]bool{}
	for i, e := range entries {
		if err := checkContextEntry(e, "contextEntries."+strconv.Itoa(i+1)+".member"); err != nil {
			return ctx, nil, err
		}
		ctx.Set(e.Name, e.Values...)
		supplied[strings.ToLower(e.Name)] = true
	}
	return ctx, supplied, nil
}

// checkContextEntry validates one entry; member is its place in the request.
func checkContextEntry(e ContextEntry, member string) error {
	if e.Name == "" {
		return awserr.InvalidInput("ContextKeyName is required in each ContextEntry.")
	}
	if err := checkLength(e.Name, member+".contextKeyName", 5, 256); err != nil {
		return err
	}
	if e.Type == "" {
		return awserr.InvalidInput("ContextKeyType is required for the context key %s.", e.Name)
	}
	known := false
	for _, t := range contextKeyTypes {
		known = known || t == e.Type
	}
	if !known {
		return awserr.ValidationError("1 validation error detected: Value '%s' at '%s.contextKeyType' failed to satisfy constraint: Member must satisfy enum value set: [%s]", e.Type, member, strings.Join(contextKeyTypes, ", "))
	}
	if !strings.HasSuffix(e.Type, "List") && len(e.Values) > 1 {
		return awserr.InvalidInput("The context key %s of type %s takes a single value, not %d.", e.Name, e.Type, len(e.Values))
	}
	for _, v := range e.Values {
		if !validContextValue(strings.TrimSuffix(e.Type, "List"), v) {
			return awserr.InvalidInput("Invalid value %s for the context key %s of type %s.", v, e.Name, e.Type)
		}
	}
	return nil
}

// validContextValue reports whether v is a value of the (single-valued) type.
func validContextValue(typ, v string) bool {
	switch typ {
	case "numeric":
		_, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		return err == nil
	case "boolean":
		return strings.EqualFold(v, "true") || strings.EqualFold(v, "false")
	case "ip":
		if strings.Contains(v, "/") {
			_, err := netip.ParsePrefix(v)
			return err == nil
		}
		_, err := netip.ParseAddr(v)
		return err == nil
	case "binary":
		_, err := base64.StdEncoding.DecodeString(v)
		return err == nil
	case "date":
		if _, err := strconv.ParseInt(v, 10, 64); err == nil {
			return true
		}
		for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05Z0700", "2006-01-02T15:04Z07:00", "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02"} {
			if _, err := time.Parse(layout, v); err == nil {
				return true
			}
		}
		return false
	}
	return true
}
