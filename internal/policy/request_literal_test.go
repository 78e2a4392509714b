package policy

import "testing"

// A call's resource is matched literally: a "*" or "?" in it (an S3 key may hold them) is a
// character, and "*" (the resource of actions that take none) is granted only by a
// statement whose Resource matches the string "*". A simulation's resource is a pattern.
func TestRequestResourceIsLiteral(t *testing.T) {
	p, err := Parse([]byte(`{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/public/*"},
		{"Effect":"Allow","Action":"ec2:DescribeInstances","Resource":"arn:aws:ec2:*:*:instance/*"},
		{"Effect":"Allow","Action":"ec2:DescribeVpcs","Resource":"*"}]}`), Identity)
	if err != nil {
		t.Fatal(err)
	}
	caller, err := ParsePrincipal("arn:aws:iam::123456789012:user/u")
	if err != nil {
		t.Fatal(err)
	}
	set := &Set{Identity: []*Policy{p}}
	for _, tc := range []struct {
		action, resource string
		pattern          bool
		want             Result
	}{
		{"s3:PutObject", "arn:aws:s3:::b/public/x", false, Allowed},
		{"s3:PutObject", "arn:aws:s3:::b/public/*", false, Allowed}, // the key "*" is under public/
		{"s3:PutObject", "arn:aws:s3:::b/*", false, ImplicitDeny},   // the key "*" is not
		{"s3:PutObject", "arn:aws:s3:::b/publi?/x", false, ImplicitDeny},
		{"s3:PutObject", "*", false, ImplicitDeny},
		{"ec2:DescribeInstances", "*", false, ImplicitDeny}, // granted only on instances, it takes "*"
		{"ec2:DescribeVpcs", "*", false, Allowed},
		// Simulations ask whether a statement may apply to some resource of the pattern.
		{"s3:PutObject", "arn:aws:s3:::b/*", true, Allowed},
		{"s3:PutObject", "*", true, Allowed},
		{"ec2:DescribeInstances", "*", true, Allowed},
	} {
		newReq := NewRequest
		if tc.pattern {
			newReq = NewPatternRequest
		}
		d := Evaluate(set, newReq(caller, tc.action, tc.resource, "123456789012", Context{}))
		if d.Result != tc.want {
			t.Errorf("%s on %s (pattern %v): %v, want %v", tc.action, tc.resource, tc.pattern, d.Result, tc.want)
		}
	}
}
