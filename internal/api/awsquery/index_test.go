package awsquery

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// A member index is a key, not a size: the largest indexes make lists of one member.
func TestHugeMemberIndexes(t *testing.T) {
	body := "TagKeys.member.2147483647=a&TagKeys.member.9223372036854775807=b&Tags.member.2147483647.Key=k&Tags.member.2147483647.Value=v"
	q, err := Parse(httptest.NewRequest(http.MethodPost, "/", nil), []byte(body))
	if err != nil {
		t.Fatal(err)
	}
	if got := q.List("TagKeys"); len(got) != 2 || got[0] != "a" || got[1] != "b" {
		t.Fatalf("List = %q", got)
	}
	if got := q.Structs("Tags"); len(got) != 1 || got[0]["Key"] != "k" || got[0]["Value"] != "v" {
		t.Fatalf("Structs = %v", got)
	}
	allocs := testing.AllocsPerRun(10, func() { q.List("TagKeys"); q.Structs("Tags") })
	if allocs > 50 {
		t.Fatalf("%v allocations for three members", allocs)
	}
}
