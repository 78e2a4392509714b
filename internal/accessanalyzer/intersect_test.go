package accessanalyzer

import (
	"path"
	"testing"
)

func TestCommonInstances(t *testing.T) {
	for _, tc := range []struct {
		p, q string
		none bool
	}{
		{p: "arn:aws:s3:::b/x*", q: "arn:aws:s3:::*/x*y"},
		{p: "arn:aws:s3:::b/*", q: "arn:aws:s3:::b/?"},
		{p: "a*b*c", q: "*bb*"},
		{p: "abc", q: "a?c"},
		{p: "abc", q: "abd", none: true},
		{p: "a*", q: "b*", none: true},
	} {
		got := commonInstances(tc.p, tc.q, fresh{run: "qqq", one: "q"})
		if tc.none {
			if len(got) != 0 {
				t.Errorf("%s and %s: %v, want none", tc.p, tc.q, got)
			}
			continue
		}
		if len(got) == 0 {
			t.Errorf("%s and %s: none", tc.p, tc.q)
		}
		for _, g := range got {
			// path.Match's * stops at '/': compare with '/'-free spellings only.
			if ok1, _ := path.Match(tc.p, g); !ok1 && !globLower(tc.p, g) {
				t.Errorf("%q is not of %s", g, tc.p)
			}
			if !globLower(tc.q, g) {
				t.Errorf("%q is not of %s", g, tc.q)
			}
		}
	}
}
