package authmsg

import (
	"bytes"
	"encoding/json"
	"sort"
	"strings"
	"testing"

	"github.com/iamd-dev/iamd/internal/policy"
)

// seed003 is what `aws sts decode-authorization-message ... | jq .DecodedMessage` printed
// for an EC2 UnauthorizedOperation (an implicit deny of iam:PassRole), from the BOSH
// documentation on IAM instance profiles.
const seed003 = `{ "allowed": false, "explicitDeny": false, "matchedStatements": { "items": [] }, "failures": { "items": [] }, "context": { "principal": { "id": "AROxxx:i-56a18483", "arn": "arn:aws:sts::xxx:assumed-role/director/i-56a18483" }, "action": "iam:PassRole", "resource": "arn:aws:iam::xxx:role/deployed-vm", "conditions": { "items": [] } } }`

// awsCLIExample is the DecodedMessage of the AWS CLI reference's decode-authorization-message
// example (awscli/examples/sts/decode-authorization-message.rst): an explicit deny by an
// identity-policy statement, with the request's condition keys.
const awsCLIExample = `{"allowed":false,"explicitDeny":true,"matchedStatements":{"items":[{"statementId":"VisualEditor0","effect":"DENY","principals":{"items":[{"value":"AROA123456789EXAMPLE"}]},"principalGroups":{"items":[]},"actions":{"items":[{"value":"ec2:RunInstances"}]},"resources":{"items":[{"value":"*"}]},"conditions":{"items":[]}}]},"failures":{"items":[]},"context":{"principal":{"id":"AROA123456789EXAMPLE:Ana","arn":"arn:aws:sts::111122223333:assumed-role/Developer/Ana"},"action":"RunInstances","resource":"arn:aws:ec2:us-east-1:111122223333:instance/*","conditions":{"items":[{"key":"ec2:MetadataHttpPutResponseHopLimit","values":{"items":[{"value":"2"}]}},{"key":"ec2:InstanceMarketType","values":{"items":[{"value":"on-demand"}]}},{"key":"aws:Resource","values":{"items":[{"value":"instance/*"}]}},{"key":"aws:Account","values":{"items":[{"value":"111122223333"}]}},{"key":"ec2:AvailabilityZone","values":{"items":[{"value":"us-east-1f"}]}},{"key":"ec2:ebsOptimized","values":{"items":[{"value":"false"}]}},{"key":"ec2:IsLaunchTemplateResource","values":{"items":[{"value":"false"}]}},{"key":"ec2:InstanceType","values":{"items":[{"value":"t2.micro"}]}},{"key":"ec2:RootDeviceType","values":{"items":[{"value":"ebs"}]}},{"key":"aws:Region","values":{"items":[{"value":"us-east-1"}]}},{"key":"ec2:MetadataHttpEndpoint","values":{"items":[{"value":"enabled"}]}},{"key":"aws:Service","values":{"items":[{"value":"ec2"}]}},{"key":"ec2:InstanceID","values":{"items":[{"value":"*"}]}},{"key":"ec2:MetadataHttpTokens","values":{"items":[{"value":"required"}]}},{"key":"aws:Type","values":{"items":[{"value":"instance"}]}},{"key":"ec2:Tenancy","values":{"items":[{"value":"default"}]}},{"key":"ec2:Region","values":{"items":[{"value":"us-east-1"}]}},{"key":"aws:ARN","values":{"items":[{"value":"arn:aws:ec2:us-east-1:111122223333:instance/*"}]}}]}}}`

func mustParse(t testing.TB, doc string, kind policy.Kind) *policy.Policy {
	t.Helper()
	p, err := policy.Parse([]byte(doc), kind)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return p
}

func TestJSONSeed003ImplicitDeny(t *testing.T) {
	d := policy.Decision{Result: policy.ImplicitDeny}
	f := FromDecision(&d, "AROxxx:i-56a18483", "arn:aws:sts::xxx:assumed-role/director/i-56a18483",
		"iam:PassRole", "arn:aws:iam::xxx:role/deployed-vm", &policy.Context{})
	var want bytes.Buffer
	if err := json.Compact(&want, []byte(seed003)); err != nil {
		t.Fatal(err)
	}
	if got := f.JSON(); !bytes.Equal(got, want.Bytes()) {
		t.Errorf("JSON:\n got %s\nwant %s", got, want.Bytes())
	}
	// A nil context renders the same empty list.
	f = FromDecision(&d, "AROxxx:i-56a18483", "arn:aws:sts::xxx:assumed-role/director/i-56a18483",
		"iam:PassRole", "arn:aws:iam::xxx:role/deployed-vm", nil)
	if got := f.JSON(); !bytes.Equal(got, want.Bytes()) {
		t.Errorf("JSON with nil context:\n got %s\nwant %s", got, want.Bytes())
	}
}

// The wire types reproduce AWS's documented message byte for byte, and FromDecision builds
// it from the deciding statement and the request context (whose keys it sorts).
func TestJSONAWSCLIExample(t *testing.T) {
	var w wireMessage
	dec := json.NewDecoder(strings.NewReader(awsCLIExample))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&w); err != nil {
		t.Fatal(err)
	}
	if got := marshal(t, w); got != awsCLIExample {
		t.Fatalf("wire shape differs from AWS's:\n got %s\nwant %s", got, awsCLIExample)
	}
	sort.Slice(w.Context.Conditions.Items, func(i, j int) bool {
		return strings.ToLower(w.Context.Conditions.Items[i].Key) < strings.ToLower(w.Context.Conditions.Items[j].Key)
	})
	want := marshal(t, w)

	p := mustParse(t, `{"Version":"2012-10-17","Statement":[{"Sid":"VisualEditor0","Effect":"Deny","Action":"ec2:RunInstances","Resource":"*"}]}`, policy.Identity)
	d := policy.Decision{Result: policy.ExplicitDeny, DeniedBy: policy.LayerIdentity,
		Matched: []policy.Match{{Layer: policy.LayerIdentity, Policy: p, Statement: p.Statements[0]}}}
	var ctx policy.Context
	for _, c := range w.Context.Conditions.Items {
		ctx.Set(c.Key, c.Values.Items[0].Value)
	}
	f := FromDecision(&d, "AROA123456789EXAMPLE:Ana", "arn:aws:sts::111122223333:assumed-role/Developer/Ana",
		"RunInstances", "arn:aws:ec2:us-east-1:111122223333:instance/*", &ctx)
	if got := string(f.JSON()); got != want {
		t.Errorf("JSON:\n got %s\nwant %s", got, want)
	}
}

func marshal(t *testing.T, v any) string {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return strings.TrimSuffix(buf.String(), "\n")
}

func TestJSONExplicitDenyWithConditions(t *testing.T) {
	p := mustParse(t, `{"Version":"2012-10-17","Statement":[
		{"Sid":"AllowEC2","Effect":"Allow","Action":"ec2:*","Resource":"*"},
		{"Sid":"DenyOutsideEU","Effect":"Deny","Action":["ec2:RunInstances","ec2:StartInstances"],
		 "Resource":"arn:aws:ec2:*:*:instance/*",
		 "Condition":{"StringNotEquals":{"aws:RequestedRegion":["eu-west-1","eu-central-1"]}}}]}`, policy.Identity)
	principal, err := policy.ParsePrincipal("arn:aws:sts::111122223333:assumed-role/Developer/Ana")
	if err != nil {
		t.Fatal(err)
	}
	var ctx policy.Context
	ctx.Set("aws:RequestedRegion", "us-east-1")
	req := policy.NewRequest(principal, "ec2:RunInstances", "arn:aws:ec2:us-east-1:111122223333:instance/*", "", ctx)
	d := policy.Evaluate(&policy.Set{Identity: []*policy.Policy{p}}, req)
	if d.Result != policy.ExplicitDeny {
		t.Fatalf("decision = %v, want explicitDeny", d.Result)
	}
	f := FromDecision(&d, "AROA123456789EXAMPLE:Ana", "arn:aws:sts::111122223333:assumed-role/Developer/Ana",
		"ec2:RunInstances", req.Resource, &req.Context)
	got := string(f.JSON())
	want := `{"allowed":false,"explicitDeny":true,"matchedStatements":{"items":[{"statementId":"DenyOutsideEU","effect":"DENY",` +
		`"principals":{"items":[{"value":"AROA123456789EXAMPLE"}]},"principalGroups":{"items":[]},` +
		`"actions":{"items":[{"value":"ec2:RunInstances"},{"value":"ec2:StartInstances"}]},` +
		`"resources":{"items":[{"value":"arn:aws:ec2:*:*:instance/*"}]},` +
		`"conditions":{"items":[{"key":"aws:RequestedRegion","values":{"items":[{"value":"eu-west-1"},{"value":"eu-central-1"}]}}]}}]},` +
		`"failures":{"items":[]},"context":{"principal":{"id":"AROA123456789EXAMPLE:Ana","arn":"arn:aws:sts::111122223333:assumed-role/Developer/Ana"},` +
		`"action":"ec2:RunInstances","resource":"arn:aws:ec2:us-east-1:111122223333:instance/*","conditions":{"items":[`
	if !strings.HasPrefix(got, want) {
		t.Fatalf("JSON:\n got %s\nwant prefix %s", got, want)
	}
	if strings.Contains(got, "AllowEC2") {
		t.Errorf("the Allow statement appears in an explicit deny: %s", got)
	}
	if !strings.Contains(got, `{"key":"aws:RequestedRegion","values":{"items":[{"value":"us-east-1"}]}}`) {
		t.Errorf("the request's aws:RequestedRegion is missing: %s", got)
	}
}

func TestJSONResourcePolicyStatement(t *testing.T) {
	p := mustParse(t, `{"Version":"2012-10-17","Statement":[{"Sid":"NoDelete","Effect":"Deny",
		"Principal":{"AWS":"arn:aws:iam::111122223333:root","Service":"ec2.amazonaws.com"},
		"NotAction":"secretsmanager:Get*","NotResource":"arn:aws:secretsmanager:*:*:secret:keep-*"}]}`, policy.Resource)
	d := policy.Decision{Result: policy.ExplicitDeny, DeniedBy: policy.LayerResource,
		Matched: []policy.Match{{Layer: policy.LayerResource, Policy: p, Statement: p.Statements[0]}}}
	f := FromDecision(&d, "AIDAEXAMPLE", "arn:aws:iam::111122223333:user/bob", "secretsmanager:DeleteSecret", "arn:aws:secretsmanager:us-east-1:111122223333:secret:x", nil)
	got := string(f.JSON())
	want := `{"statementId":"NoDelete","effect":"DENY",` +
		`"principals":{"items":[{"value":"arn:aws:iam::111122223333:root"},{"value":"ec2.amazonaws.com"}]},"principalGroups":{"items":[]},` +
		`"actions":{"items":[]},"resources":{"items":[]},"conditions":{"items":[]},` +
		`"notActions":{"items":[{"value":"secretsmanager:Get*"}]},"notResources":{"items":[{"value":"arn:aws:secretsmanager:*:*:secret:keep-*"}]}}`
	if !strings.Contains(got, want) {
		t.Errorf("JSON:\n got %s\nwant to contain %s", got, want)
	}
}

func TestContextConditionsSorted(t *testing.T) {
	var ctx policy.Context
	for _, k := range []string{"s3:prefix", "aws:SourceIp", "ec2:Region", "aws:CurrentTime", "aws:RequestedRegion", "Aws:principaltag/team", "aws:TagKeys"} {
		ctx.Set(k, "v-"+k)
	}
	ctx.Set("aws:TagKeys", "b", "a") // values keep their order
	d := policy.Decision{Result: policy.ImplicitDeny}
	first := FromDecision(&d, "AIDAEXAMPLE", "arn:aws:iam::111122223333:user/bob", "s3:ListBucket", "arn:aws:s3:::b", &ctx)
	var keys []string
	for _, c := range first.Conditions {
		keys = append(keys, c.Key)
	}
	want := []string{"aws:CurrentTime", "Aws:principaltag/team", "aws:RequestedRegion", "aws:SourceIp", "aws:TagKeys", "ec2:Region", "s3:prefix"}
	if strings.Join(keys, ",") != strings.Join(want, ",") {
		t.Errorf("keys = %v, want %v", keys, want)
	}
	js := string(first.JSON())
	if !strings.Contains(js, `{"key":"aws:TagKeys","values":{"items":[{"value":"b"},{"value":"a"}]}}`) {
		t.Errorf("multivalued key: %s", js)
	}
	last := -1
	for _, k := range want {
		i := strings.Index(js, `{"key":"`+k+`"`)
		if i <= last {
			t.Errorf("key %s out of order in %s", k, js)
		}
		last = i
	}
	for range 20 {
		again := FromDecision(&d, "AIDAEXAMPLE", "arn:aws:iam::111122223333:user/bob", "s3:ListBucket", "arn:aws:s3:::b", &ctx)
		if !bytes.Equal(again.JSON(), first.JSON()) {
			t.Fatal("JSON is not stable")
		}
	}
}

func TestJSONNoHTMLEscaping(t *testing.T) {
	f := Failure{Action: "s3:GetObject", Resource: "arn:aws:s3:::b/<a>&b"}
	if got := string(f.JSON()); !strings.Contains(got, `"resource":"arn:aws:s3:::b/<a>&b"`) {
		t.Errorf("JSON = %s", got)
	}
}
