package awsquery

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// FuzzParse feeds Parse form bodies as the SDKs and the aws CLI send them, and whatever
// else arrives: it never panics; what it accepts is the body's url.Values; lists and
// structures come out in index order, at most one member per parameter, whatever index a
// member names (an index of 2147483647 is one member, not a slice of that size); and
// encoding the parameters again parses to the same request.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"Action=GetCallerIdentity&Version=2011-06-15",
		"Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2FTower-Role&RoleSessionName=s" +
			"&Tags.member.1.Key=team&Tags.member.1.Value=ci&TransitiveTagKeys.member.1=team&PolicyArns.member.1.arn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FReadOnlyAccess",
		"Action=CreateRole&Version=2010-05-08&RoleName=r&Path=%2Fpc%2F&AssumeRolePolicyDocument=%7B%22Version%22%3A%222012-10-17%22%7D",
		"Action=SimulatePrincipalPolicy&PolicySourceArn=arn&ActionNames.member.1=s3%3AGetObject&ContextEntries.member.1.ContextKeyName=aws%3ASourceIp" +
			"&ContextEntries.member.1.ContextKeyValues.member.1=10.0.0.1&ContextEntries.member.1.ContextKeyType=ip",
		"TagKeys.member.2147483647=z&TagKeys.member.-1=y&TagKeys.member.01=x&Tags.member.9223372036854775807.Key=k",
		"a=%zz", "a;b=c", "=&&=", "Action=RunInstances&MinCount=1&MaxCount=1&ImageId=ami-0abcdef1234567890",
	} {
		f.Add(s, "")
		f.Add(s, "Action=GetUser&Version=2010-05-08")
	}
	f.Fuzz(func(t *testing.T, body, rawQuery string) {
		r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
		r.URL.RawQuery = rawQuery
		q, err := Parse(r, []byte(body))
		if err != nil {
			return
		}
		form, err1 := url.ParseQuery(body)
		query, err2 := url.ParseQuery(rawQuery)
		if (body != "" && err1 != nil) || (rawQuery != "" && err2 != nil) {
			t.Fatalf("Parse accepted what url.ParseQuery refuses: %q %q", body, rawQuery)
		}
		n := 0
		for k, v := range q.Params {
			if len(v) != len(form[k])+len(query[k]) {
				t.Fatalf("parameter %q has %d values, the request %d", k, len(v), len(form[k])+len(query[k]))
			}
			n++
		}
		if q.Action != q.Params.Get("Action") || q.Version != q.Params.Get("Version") {
			t.Fatalf("Action %q Version %q of %v", q.Action, q.Version, q.Params)
		}
		for _, name := range listNames(q.Params) {
			if got := len(q.List(name)); got > n {
				t.Fatalf("List(%q) has %d members from %d parameters", name, got, n)
			}
			if got := len(q.Structs(name)); got > n {
				t.Fatalf("Structs(%q) has %d members from %d parameters", name, got, n)
			}
			checkOrder(t, q.Params, name)
		}
		again, err := Parse(httptest.NewRequest(http.MethodPost, "/", nil), []byte(q.Params.Encode()))
		if err != nil || !reflect.DeepEqual(again.Params, q.Params) && len(q.Params) > 0 {
			t.Fatalf("encoded again, %v parses to %v (%v)", q.Params, again.Params, err)
		}
	})
}

// listNames are the names before ".member." in the parameters.
func listNames(params url.Values) []string {
	var out []string
	for k := range params {
		if name, _, ok := strings.Cut(k, ".member."); ok {
			out = append(out, name)
		}
	}
	return out
}

// checkOrder asserts that List returns the members of name in numeric index order (when
// no two members share an index, as 1 and 01 do).
func checkOrder(t *testing.T, params url.Values, name string) {
	t.Helper()
	q := &Request{Params: params}
	list := q.List(name)
	byIndex := map[int]string{}
	count := 0
	for k, v := range params {
		rest, ok := strings.CutPrefix(k, name+".member.")
		if !ok || len(v) == 0 {
			continue
		}
		if n, err := strconv.Atoi(rest); err == nil {
			byIndex[n] = v[0]
			count++
		}
	}
	if len(list) != count {
		t.Fatalf("List(%q) has %d members, the parameters %d", name, len(list), count)
	}
	if len(byIndex) != count {
		return
	}
	indexes := make([]int, 0, count)
	for n := range byIndex {
		indexes = append(indexes, n)
	}
	slices.Sort(indexes)
	for i, n := range indexes {
		if list[i] != byIndex[n] {
			t.Fatalf("List(%q) = %q, member %d should be %q (index %d)", name, list, i, byIndex[n], n)
		}
	}
}
