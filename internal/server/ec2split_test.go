package server

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsec2 "github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/iamd-dev/iamd/internal/api/frontapi"
	"github.com/iamd-dev/iamd/internal/upstream"
	"github.com/iamd-dev/iamd/internal/upstream/upstreamtest"
)

// ec2Upstream is an EC2 upstream that answers the actions the tests forward, by the form's
// Action, as EC2 does.
func ec2Upstream(t *testing.T) *upstreamtest.Recorder {
	const ns = ` xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>upstream-1</requestId>`
	bodies := map[string]string{
		"DescribeSubnets": `<DescribeSubnetsResponse` + ns +
			`<subnetSet><item><subnetId>subnet-1</subnetId><vpcId>vpc-1</vpcId><cidrBlock>10.0.0.0/24</cidrBlock></item></subnetSet></DescribeSubnetsResponse>`,
		"CreateTags": `<CreateTagsResponse` + ns + `<return>true</return></CreateTagsResponse>`,
	}
	var rec *upstreamtest.Recorder
	rec = upstreamtest.New(t, frontUpstreamKeys, func(w http.ResponseWriter, _ *http.Request) {
		got := rec.Received() // the request's body was read by the recorder
		form, _ := url.ParseQuery(got[len(got)-1].Body)
		body, ok := bodies[form.Get("Action")]
		if !ok {
			w.WriteHeader(http.StatusNotImplemented)
			return
		}
		w.Header().Set("Content-Type", "text/xml;charset=UTF-8")
		_, _ = w.Write([]byte(body))
	})
	return rec
}

// startEC2Door starts iamd with a recording EC2 upstream (none with noUpstream: the recorder
// then only tells that nothing reached it).
func startEC2Door(t *testing.T, enforce frontapi.Enforce, noUpstream bool) *frontDoor {
	t.Helper()
	fd := &frontDoor{upstream: ec2Upstream(t), audit: &syncBuffer{}, log: &syncBuffer{}}
	fd.testServer = startServerAt(t, "", time.Now, func(c *Config) {
		if !noUpstream {
			c.Upstreams = upstream.Set{Services: map[string]upstream.Target{"ec2": {URL: fd.upstream.URL, Credentials: frontUpstreamKeys}}}
		}
		c.Enforce = enforce
		c.Audit = fd.audit
		c.Logger = slog.New(slog.NewJSONHandler(fd.log, nil))
	})
	return fd
}

// forwardedActions are the Actions of the EC2 calls that reached the upstream, in order.
func forwardedActions(t *testing.T, rec *upstreamtest.Recorder) []string {
	t.Helper()
	var out []string
	for _, r := range rec.Received() {
		form, err := url.ParseQuery(r.Body)
		if err != nil {
			t.Fatal(err)
		}
		if s := r.Signed; s.AccessKeyID != frontUpstreamKeys.AccessKeyID || s.Service != "ec2" || s.Region != "us-east-1" {
			t.Errorf("%s signed by %s for %s/%s", form.Get("Action"), s.AccessKeyID, s.Region, s.Service)
		}
		out = append(out, form.Get("Action"))
	}
	return out
}

// ec2Audited is how many audit lines EC2 calls have, once the line of action on resource is
// written.
func (fd *frontDoor) ec2Audited(t *testing.T, action, resource string) int {
	t.Helper()
	fd.audited(t, action, resource)
	n := 0
	for _, e := range fd.audit.events(t) {
		if strings.HasPrefix(e.Action, "ec2:") {
			n++
		}
	}
	return n
}

// The instance lifecycle stays iamd's with an upstream for EC2; the other operations pass
// the door, authorized, and a refusal reads as iamd's own EC2 refusals: UnauthorizedOperation,
// 403, a Describe action in plain words.
func TestEC2SplitsBetweenIamdAndTheUpstream(t *testing.T) {
	fd := startEC2Door(t, frontapi.EnforceOn, false)
	ctx := context.Background()
	inst := launch(t, fd.testServer, "")
	if _, err := fd.ec2(fd.root).TerminateInstances(ctx, &awsec2.TerminateInstancesInput{InstanceIds: []string{aws.ToString(inst.InstanceId)}}); err != nil {
		t.Fatal(err)
	}
	if got := forwardedActions(t, fd.upstream); len(got) != 0 {
		t.Fatalf("iamd's own EC2 calls reached the upstream: %v", got)
	}

	alice := userWithKey(t, fd.testServer, "alice", "")
	putUserPolicy(t, fd.testServer, "alice", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:DescribeSubnets","Resource":"*"}]}`)
	out, err := fd.ec2(alice).DescribeSubnets(ctx, &awsec2.DescribeSubnetsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Subnets) != 1 || aws.ToString(out.Subnets[0].SubnetId) != "subnet-1" || aws.ToString(out.Subnets[0].VpcId) != "vpc-1" {
		t.Fatalf("subnets %+v, want the upstream's", out.Subnets)
	}
	if got := forwardedActions(t, fd.upstream); len(got) != 1 || got[0] != "DescribeSubnets" {
		t.Fatalf("forwarded %v, want DescribeSubnets", got)
	}
	if e := fd.audited(t, "ec2:DescribeSubnets", "*"); e.Decision != "allowed" || e.Caller != "arn:aws:iam::123456789012:user/alice" {
		t.Errorf("audited %+v", e)
	}

	bob := userWithKey(t, fd.testServer, "bob", "")
	_, err = fd.ec2(bob).DescribeSubnets(ctx, &awsec2.DescribeSubnetsInput{})
	refusal := func(action string) string {
		return "You are not authorized to perform this operation. User: arn:aws:iam::123456789012:user/bob is not authorized to perform: " +
			action + " because no identity-based policy allows the " + action + " action"
	}
	if ae := apiError(t, err, "UnauthorizedOperation"); httpStatus(err) != 403 || ae.ErrorMessage() != refusal("ec2:DescribeSubnets") {
		t.Errorf("refused with %d %q", httpStatus(err), ae.ErrorMessage())
	}
	// iamd's own Describe call is refused in the same words.
	_, err = fd.ec2(bob).DescribeInstances(ctx, &awsec2.DescribeInstancesInput{})
	if ae := apiError(t, err, "UnauthorizedOperation"); httpStatus(err) != 403 || ae.ErrorMessage() != refusal("ec2:DescribeInstances") {
		t.Errorf("iamd refused with %d %q", httpStatus(err), ae.ErrorMessage())
	}
	if got := forwardedActions(t, fd.upstream); len(got) != 1 {
		t.Fatalf("a refused call reached the upstream: %v", got)
	}
	if e := fd.audited(t, "ec2:DescribeSubnets", "*"); e.Decision != "allowed" {
		t.Errorf("the first line is %+v", e)
	}
	// One audit line per call: RunInstances, TerminateInstances, DescribeSubnets twice,
	// DescribeInstances.
	if n := fd.ec2Audited(t, "ec2:DescribeInstances", ""); n != 5 {
		t.Errorf("%d audit lines for 5 EC2 calls", n)
	}
	var denied int
	for _, e := range fd.audit.events(t) {
		if e.Action == "ec2:DescribeSubnets" && e.Decision == "denied" && e.ErrorCode == "UnauthorizedOperation" && e.Caller == "arn:aws:iam::123456789012:user/bob" {
			denied++
		}
	}
	if denied != 1 {
		t.Errorf("%d denied DescribeSubnets lines, want 1", denied)
	}
}

// CreateTags through the door is authorized on the ARN of the instance it names; its
// refusal carries an encoded authorization failure message that sts:DecodeAuthorizationMessage
// decodes, as iamd's own EC2 refusals do.
func TestEC2CreateTagsAuthorizedOnTheInstance(t *testing.T) {
	fd := startEC2Door(t, frontapi.EnforceOn, false)
	ctx := context.Background()
	const allowed = "arn:aws:ec2:us-east-1:123456789012:instance/i-0aaaaaaaaaaaaaaaa"
	carol := userWithKey(t, fd.testServer, "carol", "")
	putUserPolicy(t, fd.testServer, "carol", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:CreateTags","Resource":"`+allowed+`"}]}`)
	tag := []ec2types.Tag{{Key: aws.String("team"), Value: aws.String("hpc")}}
	c := fd.ec2(carol)
	if _, err := c.CreateTags(ctx, &awsec2.CreateTagsInput{Resources: []string{"i-0aaaaaaaaaaaaaaaa"}, Tags: tag}); err != nil {
		t.Fatal(err)
	}
	if e := fd.audited(t, "ec2:CreateTags", allowed); e.Decision != "allowed" {
		t.Errorf("audited %+v", e)
	}

	const other = "arn:aws:ec2:us-east-1:123456789012:instance/i-0bbbbbbbbbbbbbbbb"
	_, err := c.CreateTags(ctx, &awsec2.CreateTagsInput{Resources: []string{"i-0bbbbbbbbbbbbbbbb"}, Tags: tag})
	ae := apiError(t, err, "UnauthorizedOperation")
	const prefix = "You are not authorized to perform this operation. Encoded authorization failure message: "
	msg := ae.ErrorMessage()
	if httpStatus(err) != 403 || !strings.HasPrefix(msg, prefix) {
		t.Fatalf("refused with %d %q", httpStatus(err), msg)
	}
	decoded, err := sts.NewFromConfig(fd.config(fd.root)).DecodeAuthorizationMessage(ctx, &sts.DecodeAuthorizationMessageInput{EncodedMessage: aws.String(msg[len(prefix):])})
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Allowed bool `json:"allowed"`
		Context struct {
			Principal  struct{ Arn string }
			Action     string
			Resource   string
			Conditions struct {
				Items []struct{ Key string }
			}
		}
	}
	if err := json.Unmarshal([]byte(aws.ToString(decoded.DecodedMessage)), &m); err != nil {
		t.Fatal(err)
	}
	if m.Allowed || m.Context.Action != "ec2:CreateTags" || m.Context.Resource != other || m.Context.Principal.Arn != "arn:aws:iam::123456789012:user/carol" {
		t.Errorf("decoded %s", aws.ToString(decoded.DecodedMessage))
	}
	keys := map[string]bool{}
	for _, k := range m.Context.Conditions.Items {
		keys[k.Key] = true
	}
	if !keys["aws:RequestTag/team"] || !keys["aws:TagKeys"] {
		t.Errorf("the decoded context lacks the request's tags: %s", aws.ToString(decoded.DecodedMessage))
	}
	if e := fd.audited(t, "ec2:CreateTags", other); e.Decision != "denied" || e.ErrorCode != "UnauthorizedOperation" {
		t.Errorf("audited %+v", e)
	}
	if got := forwardedActions(t, fd.upstream); len(got) != 1 || got[0] != "CreateTags" {
		t.Fatalf("forwarded %v, want the allowed CreateTags only", got)
	}
}

// Soft mode lets a refused EC2 call through the door and audits it as one that would have
// been refused.
func TestEC2SoftModeThroughTheSplit(t *testing.T) {
	fd := startEC2Door(t, frontapi.EnforceLog, false)
	dave := userWithKey(t, fd.testServer, "dave", "")
	if _, err := fd.ec2(dave).DescribeSubnets(context.Background(), &awsec2.DescribeSubnetsInput{}); err != nil {
		t.Fatal(err)
	}
	if e := fd.audited(t, "ec2:DescribeSubnets", "*"); e.Decision != "would-be-denied" || e.ErrorCode != "" {
		t.Errorf("audited %+v, want would-be-denied", e)
	}
	if got := forwardedActions(t, fd.upstream); len(got) != 1 {
		t.Fatalf("forwarded %v", got)
	}
}

// Without an upstream, an EC2 operation iamd does not serve is EC2's InvalidAction, saying
// how to point iamd at an upstream; the instance lifecycle is served as ever.
func TestEC2WithoutUpstream(t *testing.T) {
	fd := startEC2Door(t, frontapi.EnforceOn, true)
	ctx := context.Background()
	_, err := fd.ec2(fd.root).DescribeSubnets(ctx, &awsec2.DescribeSubnetsInput{})
	ae := apiError(t, err, "InvalidAction")
	if msg := ae.ErrorMessage(); httpStatus(err) != 400 || !strings.HasPrefix(msg, "The action DescribeSubnets is not valid for this web service.") ||
		!strings.Contains(msg, "--upstream ec2=URL") {
		t.Errorf("answered %d %q", httpStatus(err), msg)
	}
	if e := fd.audited(t, "ec2:DescribeSubnets", ""); e.Decision != "failed" || e.ErrorCode != "InvalidAction" {
		t.Errorf("audited %+v", e)
	}
	launch(t, fd.testServer, "")
	if got := fd.upstream.Received(); len(got) != 0 {
		t.Fatalf("the upstream received %+v", got)
	}
}
