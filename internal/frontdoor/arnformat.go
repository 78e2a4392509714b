package frontdoor

import (
	"regexp"
	"strings"
	"sync"

	"github.com/iamd-dev/iamd/internal/catalog"
)

// arnFormat is a resource type's ARN format as the catalog spells it
// ("arn:${Partition}:s3:::${BucketName}/${ObjectName}"), parsed to be filled and matched.
type arnFormat struct {
	parts []formatPart
	vars  []string // the variables, each once, in order
	re    *regexp.Regexp
	group []string // the variable each of re's groups captures
}

// formatPart is a literal run of an ARN format or one of its variables.
type formatPart struct {
	literal  string
	variable string
}

var formats sync.Map // ARN format -> []*arnFormat

// formatsOf is the resource type's parsed ARN formats: one, or the alternatives the catalog
// lists ("arn:...:/apis/${ApiId}/stages, arn:...:/restapis/${RestApiId}/stages").
func formatsOf(rt *catalog.ResourceType) []*arnFormat {
	if f, ok := formats.Load(rt.ARN); ok {
		return f.([]*arnFormat)
	}
	var fs []*arnFormat
	for _, alt := range strings.Split(rt.ARN, ",") {
		if alt = strings.TrimSpace(alt); alt != "" {
			fs = append(fs, parseFormat(alt))
		}
	}
	formats.Store(rt.ARN, fs)
	return fs
}

// parseFormat parses an ARN format. A variable matches what an ARN can hold there: no colon
// in the partition, region and account, no colon or slash in a bucket name or in any variable
// that is not last, anything in the last.
func parseFormat(s string) *arnFormat {
	f := &arnFormat{}
	var re strings.Builder
	re.WriteString("^")
	seen := map[string]bool{}
	for s != "" {
		i := strings.Index(s, "${")
		j := -1
		if i >= 0 {
			j = strings.IndexByte(s[i:], '}')
		}
		if i < 0 || j < 0 {
			f.parts = append(f.parts, formatPart{literal: s})
			re.WriteString(regexp.QuoteMeta(s))
			break
		}
		if i > 0 {
			f.parts = append(f.parts, formatPart{literal: s[:i]})
			re.WriteString(regexp.QuoteMeta(s[:i]))
		}
		v := s[i+2 : i+j]
		s = s[i+j+1:]
		f.parts = append(f.parts, formatPart{variable: v})
		if !seen[v] {
			seen[v] = true
			f.vars = append(f.vars, v)
		}
		f.group = append(f.group, v)
		switch {
		case v == "Partition" || v == "Region" || v == "Account":
			re.WriteString("([^:]*)")
		case s == "" && v != "BucketName":
			re.WriteString("(.+)")
		default:
			re.WriteString("([^:/]+)")
		}
	}
	re.WriteString("$")
	f.re = regexp.MustCompile(re.String())
	return f
}

// match reads an ARN of the format into its variables' values.
func (f *arnFormat) match(arn string) (map[string]string, bool) {
	m := f.re.FindStringSubmatch(arn)
	if m == nil {
		return nil, false
	}
	values := make(map[string]string, len(f.group))
	for i, v := range f.group {
		if _, ok := values[v]; !ok {
			values[v] = m[i+1]
		}
	}
	return values, true
}

// render fills the format's variables.
func (f *arnFormat) render(values map[string]string) string {
	var b strings.Builder
	for _, p := range f.parts {
		if p.variable == "" {
			b.WriteString(p.literal)
		} else {
			b.WriteString(values[p.variable])
		}
	}
	return b.String()
}

// has reports whether the format has the variable.
func (f *arnFormat) has(variable string) bool {
	for _, v := range f.vars {
		if v == variable {
			return true
		}
	}
	return false
}
