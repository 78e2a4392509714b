package policy

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// FuzzParse feeds documents to the parser: it must never panic, must accept only valid JSON,
// and what it accepts must evaluate without panicking.
func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/seeds/*.json")
	for _, s := range seeds {
		if data, err := os.ReadFile(s); err == nil {
			f.Add(data)
		}
	}
	for _, s := range []string{
		`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:username}/*"}}`,
		`{"Statement":[{"Effect":"Deny","NotAction":"iam:*","NotResource":"*","Condition":{"ForAnyValue:StringLikeIfExists":{"aws:TagKeys":["a*","b?"]}}}]}`,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":["10.0.0.0/8","2001:db8::/32"]},"DateGreaterThan":{"aws:CurrentTime":"2020-01-01T00:00:00Z"},"NumericLessThan":{"s3:max-keys":10},"Bool":{"aws:SecureTransport":true},"Null":{"aws:TokenIssueTime":"false"}}}]}`,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"},{"Effect":"Allow","Action":"s3:*","Resource":"*"}],"Statement":[]}`,
		`{"a":"\ud83d\ude00\u0000"}`, `[1,2,{"x":-0.5e+3}]`, `"x"`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if _, err := parseJSON(data); err == nil && !json.Valid(data) {
			t.Fatalf("parseJSON accepted invalid JSON: %q", data)
		}
		for _, kind := range []Kind{Identity, Resource, Trust} {
			p, err := Parse(data, kind)
			if err != nil {
				if _, ok := err.(*Error); !ok {
					t.Fatalf("Parse returned %T, want *Error", err)
				}
				continue
			}
			req := NewRequest(Principal{Kind: User, ID: "arn:aws:iam::123456789012:user/u", Account: "123456789012", Name: "u"},
				"s3:GetObject", "arn:aws:s3:::b/u/k", "", Context{})
			set := &Set{Identity: []*Policy{p}}
			if kind != Identity {
				set = &Set{Resource: p}
			}
			Evaluate(set, req)
		}
	})
}

// globRegexp is the reference semantics of a wildcard pattern: * any run, ? one character.
func globRegexp(p string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString(`(?s)^`)
	for _, r := range p {
		switch r {
		case '*':
			b.WriteString(`.*`)
		case '?':
			b.WriteString(`.`)
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString(`$`)
	return regexp.MustCompile(b.String())
}

// FuzzGlob checks the matcher, with its fast paths, against regular expressions.
func FuzzGlob(f *testing.F) {
	for _, s := range [][2]string{
		{"s3:*object*", "s3:getobject"}, {"s3:get*", "s3:getobjectacl"}, {"*", ""}, {"a?c", "abc"},
		{"*a*b*c", "xaxbxc"}, {"arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a/b"}, {"?*?", "ab"}, {"*é", "café"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, pat, s string) {
		if !utf8Valid(pat) || !utf8Valid(s) || len(pat) > 64 {
			return
		}
		p := compilePattern(pat, patternOptions{wildcards: true})
		want := globRegexp(pat).MatchString(s)
		if got := p.match(s, &Context{}, false); got != want {
			t.Fatalf("pattern %q on %q: got %v, want %v", pat, s, got, want)
		}
	})
}

// FuzzResourceMatch checks ARN-aware matching: each of the first five parts is matched on
// its own, and the resource part takes the rest, colons included.
func FuzzResourceMatch(f *testing.F) {
	for _, s := range [][2]string{
		{"arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a:b"},
		{"arn:aws:*:*:*:*", "arn:aws:sqs:us-east-1:123456789012:q"},
		{"arn:aws:secretsmanager:us-east-1:*:secret:*", "arn:aws:secretsmanager:us-east-1:123456789012:secret:x-AbCdEf"},
		{"arn:aws:iam::*", "arn:aws:iam::123456789012:role/x"},
		{"arn:*:iam::123456789012:role/*", "arn:aws:iam::123456789012:role/a/b"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, pat, s string) {
		if !utf8Valid(pat) || !utf8Valid(s) || len(pat) > 96 || strings.Contains(pat, "${") {
			return
		}
		r := compileResource(pat, false)
		start, isARN := splitResource(s)
		got := r.match(s, start, isARN, &Context{})
		pp, sp := strings.SplitN(pat, ":", 6), strings.SplitN(s, ":", 6)
		var want bool
		switch {
		case pat == "*":
			want = true
		case len(pp) == 6 && isARN:
			want = true
			for i := range pp {
				want = want && globRegexp(pp[i]).MatchString(sp[i])
			}
		default:
			want = globRegexp(pat).MatchString(s)
		}
		if got != want {
			t.Fatalf("resource %q on %q: got %v, want %v", pat, s, got, want)
		}
	})
}

func utf8Valid(s string) bool { return strings.ToValidUTF8(s, "") == s }
