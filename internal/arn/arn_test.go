package arn

import "testing"

func TestParse(t *testing.T) {
	cases := []struct {
		in   string
		want ARN
		ok   bool
	}{
		{"arn:aws:iam::123456789012:role/path/name", ARN{"aws", "iam", "", "123456789012", "role/path/name"}, true},
		{"arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf", ARN{"aws", "secretsmanager", "us-east-1", "123456789012", "secret:db-AbCdEf"}, true},
		{"arn:aws:s3:::bucket/key", ARN{"aws", "s3", "", "", "bucket/key"}, true},
		{"arn:aws:s3:::", ARN{"aws", "s3", "", "", ""}, true},
		{"arn:aws:s3::", ARN{}, false},
		{"arn::s3:::b", ARN{}, false},
		{"*", ARN{}, false},
		{"urn:aws:s3:::b", ARN{}, false},
	}
	for _, c := range cases {
		got, err := Parse(c.in)
		if (err == nil) != c.ok {
			t.Fatalf("Parse(%q) error = %v, want ok=%v", c.in, err, c.ok)
		}
		if got != c.want {
			t.Fatalf("Parse(%q) = %+v, want %+v", c.in, got, c.want)
		}
		if c.ok && got.String() != c.in {
			t.Fatalf("String() = %q, want %q", got.String(), c.in)
		}
		start, ok := Split(c.in)
		if ok != c.ok {
			t.Fatalf("Split(%q) ok = %v", c.in, ok)
		}
		if ok {
			parts := [6]string{}
			for i := range parts {
				parts[i] = Part(c.in, start, i)
			}
			if parts != [6]string{"arn", c.want.Partition, c.want.Service, c.want.Region, c.want.Account, c.want.Resource} {
				t.Fatalf("Split(%q) parts = %q", c.in, parts)
			}
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"arn:aws:iam::123456789012:role/x", "arn:aws:s3:::b/k", "arn:a:b:c:d:e:f:g", "arn:::::"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := Parse(s)
		_, ok := Split(s)
		if (err == nil) != ok {
			t.Fatalf("Parse and Split disagree on %q: %v vs %v", s, err, ok)
		}
		if err == nil && a.String() != s {
			t.Fatalf("round trip %q -> %q", s, a.String())
		}
	})
}
