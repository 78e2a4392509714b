package ec2

import "testing"

func TestIDs(t *testing.T) {
	for i := 0; i < 100; i++ {
		id := newID("i-")
		if len(id) != 19 || !ValidInstanceID(id) {
			t.Fatalf("new id %q", id)
		}
	}
	for id, ok := range map[string]bool{
		"i-1234567890abcdef0": true, "i-12345678": true, "i-1234567890ABCDEF0": false, "i-123": false,
		"tower": false, "r-1234567890abcdef0": false, "i-1234567890abcdefg": false,
	} {
		if ValidInstanceID(id) != ok {
			t.Errorf("ValidInstanceID(%q) = %v", id, !ok)
		}
	}
}

func TestFilterWildcards(t *testing.T) {
	for _, c := range []struct {
		pattern, value string
		want           bool
	}{
		{"tower", "tower", true}, {"tow*", "tower", true}, {"t?wer", "tower", true}, {"*", "", true},
		{"tower", "Tower", false}, {"tow", "tower", false}, {"a/*", "a/b/c", true}, {"[x]", "[x]", true}, {"a*c", "abbc", true},
	} {
		if got := globMatch(c.pattern, c.value); got != c.want {
			t.Errorf("globMatch(%q, %q) = %v", c.pattern, c.value, got)
		}
	}
}

func TestApplyMetadata(t *testing.T) {
	cur := MetadataOptions{HTTPTokens: "optional", HTTPEndpoint: "enabled", HTTPPutResponseHopLimit: 1}
	two := 2
	got, err := applyMetadata(cur, MetadataInput{HTTPTokens: "required", HTTPPutResponseHopLimit: &two})
	if err != nil || got.HTTPTokens != "required" || got.HTTPEndpoint != "enabled" || got.HTTPPutResponseHopLimit != 2 {
		t.Fatalf("%+v %v", got, err)
	}
	for _, in := range []MetadataInput{{HTTPTokens: "sometimes"}, {HTTPEndpoint: "on"}, {HTTPPutResponseHopLimit: new(int)}} {
		if _, err := applyMetadata(cur, in); err == nil {
			t.Errorf("%+v accepted", in)
		}
	}
	sixtyFive := 65
	if _, err := applyMetadata(cur, MetadataInput{HTTPPutResponseHopLimit: &sixtyFive}); err == nil {
		t.Error("hop limit 65 accepted")
	}
}
